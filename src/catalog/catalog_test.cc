// Catalogue facts checked against AWS's public figures for well-known types.
#include "catalog/catalog.h"

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Catalog& Shipped() {
  static const Catalog* catalog = [] {
    Result<Catalog> loaded = Catalog::Load(std::string(CO_SOURCE_DIR) + "/data");
    if (!loaded) {
      ADD_FAILURE() << loaded.error().ToString();
      return new Catalog();
    }
    return new Catalog(std::move(*loaded));
  }();
  return *catalog;
}

TEST(CatalogTest, KnowsM5LargeShapeAndPodLimit) {
  const InstanceType* m5 = Shipped().FindType("m5.large");
  ASSERT_NE(m5, nullptr);
  EXPECT_EQ(m5->vcpus, 2);
  EXPECT_EQ(m5->memory_mib, 8192);
  EXPECT_EQ(m5->arch, Architecture::kAmd64);
  EXPECT_EQ(m5->family, "m5");
  EXPECT_EQ(m5->category, "m");
  EXPECT_EQ(m5->generation, 5);
  EXPECT_EQ(m5->size, "large");
  EXPECT_EQ(m5->max_enis, 3);
  EXPECT_EQ(m5->ipv4_per_eni, 10);
  EXPECT_EQ(m5->max_pods, 29);
  EXPECT_EQ(m5->eni_max_pods, 29);
  EXPECT_FALSE(m5->burstable);
  EXPECT_EQ(m5->gpus, 0);
  // Karpenter's allocatable for AL2023: 1930m CPU, 6903Mi memory, 17Gi ephemeral, 29 pods.
  EXPECT_EQ(m5->allocatable.cpu_millis, 1930);
  EXPECT_EQ(m5->allocatable.memory_bytes, int64_t{6903} * 1024 * 1024);
  EXPECT_EQ(m5->allocatable.ephemeral_storage_bytes, int64_t{17} * 1024 * 1024 * 1024);
  EXPECT_EQ(m5->allocatable.pods, 29);
}

TEST(CatalogTest, PricesM5LargeInUsEast1AtNinePointSixCents) {
  Result<Money> price = Shipped().OnDemandPrice("us-east-1", "m5.large");
  ASSERT_TRUE(price) << price.error().ToString();
  EXPECT_EQ(*price, Money::FromMicros(96'000));
  EXPECT_EQ(Shipped().OnDemandPriceSource("us-east-1", "m5.large"), PriceSource::kShipped);
  Result<Money> gov = Shipped().OnDemandPrice("us-gov-west-1", "m5.large");
  ASSERT_TRUE(gov);
  EXPECT_EQ(*gov, Money::FromMicros(121'000));
}

TEST(CatalogTest, CapsMaxPodsOfLargeTypesAt250) {
  const InstanceType* c5 = Shipped().FindType("c5.24xlarge");
  ASSERT_NE(c5, nullptr);
  EXPECT_EQ(c5->eni_max_pods, 737);
  EXPECT_EQ(c5->max_pods, 250);
  const InstanceType* a1 = Shipped().FindType("a1.4xlarge");  // 16 vCPUs: cap 110
  ASSERT_NE(a1, nullptr);
  EXPECT_EQ(a1->eni_max_pods, 234);
  EXPECT_EQ(a1->max_pods, 110);
}

TEST(CatalogTest, KnowsGravitonTypesAreArm64) {
  const InstanceType* m6g = Shipped().FindType("m6g.large");
  ASSERT_NE(m6g, nullptr);
  EXPECT_EQ(m6g->arch, Architecture::kArm64);
  EXPECT_EQ(ArchitectureName(m6g->arch), "arm64");
  EXPECT_EQ(*Shipped().OnDemandPrice("us-east-1", "m6g.large"), Money::FromMicros(77'000));
}

TEST(CatalogTest, KnowsGpuTypes) {
  const InstanceType* g4dn = Shipped().FindType("g4dn.xlarge");
  ASSERT_NE(g4dn, nullptr);
  EXPECT_EQ(g4dn->gpus, 1);
  EXPECT_EQ(g4dn->gpu_name, "t4");
  EXPECT_EQ(g4dn->allocatable.gpus, 1);
  const InstanceType* p4d = Shipped().FindType("p4d.24xlarge");
  ASSERT_NE(p4d, nullptr);
  EXPECT_EQ(p4d->gpus, 8);
  EXPECT_EQ(p4d->gpu_name, "a100");
}

TEST(CatalogTest, MarksOnlyTFamiliesBurstable) {
  const InstanceType* t3 = Shipped().FindType("t3.micro");
  ASSERT_NE(t3, nullptr);
  EXPECT_TRUE(t3->burstable);
  EXPECT_TRUE(t3->current_generation);
  EXPECT_EQ(t3->max_pods, 4);
  for (const InstanceType& type : Shipped().Types()) {
    EXPECT_EQ(type.burstable, type.category == "t") << type.name;
  }
}

TEST(CatalogTest, ListsTypesSortedByName) {
  const std::vector<InstanceType>& types = Shipped().Types();
  ASSERT_GT(types.size(), 1000u);
  for (size_t i = 1; i < types.size(); ++i) EXPECT_LT(types[i - 1].name, types[i].name);
}

TEST(CatalogTest, GivesSpotAdviceAndEstimateForM5Large) {
  std::optional<SpotAdvice> advice = Shipped().Spot("us-east-1", "m5.large");
  ASSERT_TRUE(advice.has_value());
  EXPECT_EQ(advice->savings_percent, 66);
  EXPECT_EQ(advice->range, InterruptionRange::k15To20);
  // on-demand x (1 - savings): 0.096 x 0.34 = 0.03264.
  Result<Money> spot = Shipped().SpotPriceEstimate("us-east-1", "m5.large");
  ASSERT_TRUE(spot) << spot.error().ToString();
  EXPECT_EQ(*spot, Money::FromMicros(32'640));
  // Spot Advisor covers every region, prices only some: no estimate without a price.
  EXPECT_TRUE(Shipped().Spot("eu-west-1", "m5.large").has_value());
  EXPECT_TRUE(IsNotFound(Shipped().SpotPriceEstimate("eu-west-1", "m5.large").error()));
}

TEST(CatalogTest, ListsZonesOfferingM5LargeInUsEast1) {
  EXPECT_THAT(Shipped().ZonesOffering("us-east-1", "m5.large"),
              ElementsAre("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"));
  EXPECT_THAT(Shipped().Zones("us-east-1"), Contains("us-east-1e"));
  EXPECT_TRUE(Shipped().ZonesOffering("us-east-1", "no.such").empty());
  EXPECT_TRUE(Shipped().ZonesOffering("xx-nowhere-1", "m5.large").empty());
}

TEST(CatalogTest, UnknownTypeOrRegionIsNotFound) {
  EXPECT_EQ(Shipped().FindType("m5.huge"), nullptr);
  Result<Money> unknown_type = Shipped().OnDemandPrice("us-east-1", "m5.huge");
  ASSERT_FALSE(unknown_type);
  EXPECT_TRUE(IsNotFound(unknown_type.error()));
  EXPECT_THAT(unknown_type.error().message, HasSubstr("m5.huge"));
  Result<Money> unknown_region = Shipped().OnDemandPrice("mars-north-1", "m5.large");
  ASSERT_FALSE(unknown_region);
  EXPECT_THAT(unknown_region.error().message, HasSubstr("mars-north-1"));
  EXPECT_FALSE(Shipped().Spot("mars-north-1", "m5.large").has_value());
  EXPECT_FALSE(Shipped().KnowsRegion("mars-north-1"));
}

TEST(CatalogTest, KnowsRegionsFromPricesSpotAdvisorAndOfferings) {
  EXPECT_TRUE(Shipped().KnowsRegion("us-east-1"));
  EXPECT_TRUE(Shipped().KnowsRegion("us-gov-west-1"));  // prices only
  EXPECT_TRUE(Shipped().KnowsRegion("eu-west-1"));
  const std::vector<std::string> regions = Shipped().Regions();
  EXPECT_GE(regions.size(), 33u);
  EXPECT_TRUE(std::is_sorted(regions.begin(), regions.end()));
}

TEST(CatalogTest, FetchedPriceFillsAMissingPriceButNeverReplacesAShippedOne) {
  Catalog catalog = Shipped();
  EXPECT_EQ(catalog.OnDemandPriceSource("eu-west-1", "m5.large"), PriceSource::kMissing);
  EXPECT_FALSE(catalog.OnDemandPrice("eu-west-1", "m5.large"));
  catalog.SetFetchedOnDemandPrice("eu-west-1", "m5.large", Money::FromMicros(107'000));
  EXPECT_EQ(catalog.OnDemandPriceSource("eu-west-1", "m5.large"), PriceSource::kFetched);
  EXPECT_EQ(*catalog.OnDemandPrice("eu-west-1", "m5.large"), Money::FromMicros(107'000));
  Result<Money> spot = catalog.SpotPriceEstimate("eu-west-1", "m5.large");
  ASSERT_TRUE(spot);
  EXPECT_LT(*spot, Money::FromMicros(107'000));

  catalog.SetFetchedOnDemandPrice("us-east-1", "m5.large", Money::FromMicros(1));
  EXPECT_EQ(catalog.OnDemandPriceSource("us-east-1", "m5.large"), PriceSource::kShipped);
  EXPECT_EQ(*catalog.OnDemandPrice("us-east-1", "m5.large"), Money::FromMicros(96'000));
  EXPECT_TRUE(catalog.KnowsRegion("eu-west-1"));
}

TEST(CatalogTest, NamesPriceSources) {
  EXPECT_EQ(PriceSourceName(PriceSource::kShipped), "shipped");
  EXPECT_EQ(PriceSourceName(PriceSource::kFetched), "fetched");
  EXPECT_EQ(PriceSourceName(PriceSource::kMissing), "missing");
}

TEST(CatalogTest, ParsesInterruptionRangesByLabelAndIndex) {
  EXPECT_EQ(ParseInterruptionRange("<5%"), InterruptionRange::kUnder5);
  EXPECT_EQ(ParseInterruptionRange("5-10%"), InterruptionRange::k5To10);
  EXPECT_EQ(ParseInterruptionRange("15-20%"), InterruptionRange::k15To20);
  EXPECT_EQ(ParseInterruptionRange(">20%"), InterruptionRange::kOver20);
  EXPECT_EQ(ParseInterruptionRange("2"), InterruptionRange::k10To15);
  EXPECT_EQ(ParseInterruptionRange("5"), std::nullopt);
  EXPECT_EQ(ParseInterruptionRange("20%+"), std::nullopt);
  EXPECT_EQ(InterruptionRangeLabel(InterruptionRange::k10To15), "10-15%");
}

// The official EKS table (amazon-vpc-cni-k8s eni-max-pods.txt, kept in testdata/) must agree
// with the formula for every type both know.
TEST(CatalogTest, EniMaxPodsMatchesTheOfficialEksTable) {
  std::ifstream table(std::string(CO_SOURCE_DIR) + "/src/catalog/testdata/eni-max-pods.txt");
  ASSERT_TRUE(table);
  std::string line;
  int compared = 0;
  while (std::getline(table, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name;
    int32_t max_pods = 0;
    fields >> name >> max_pods;
    const InstanceType* type = Shipped().FindType(name);
    if (type == nullptr) continue;
    EXPECT_EQ(EniMaxPods(type->max_enis, type->ipv4_per_eni), max_pods) << name;
    EXPECT_EQ(type->eni_max_pods, max_pods) << name;
    EXPECT_EQ(type->max_pods, std::min(max_pods, type->vcpus < 30 ? 110 : 250)) << name;
    ++compared;
  }
  EXPECT_GT(compared, 1300);
}

TEST(CatalogTest, LoadErrorNamesTheMissingFile) {
  Result<Catalog> catalog = Catalog::Load("/nonexistent-cloudoptim-data");
  ASSERT_FALSE(catalog);
  EXPECT_TRUE(IsNotFound(catalog.error()));
  EXPECT_THAT(catalog.error().message,
              HasSubstr("/nonexistent-cloudoptim-data/instance-types.csv"));
}

TEST(CatalogTest, DefaultDataDirectoryHonoursTheEnvironment) {
  setenv("CLOUDOPTIM_DATA_DIR", "/somewhere/data", 1);
  EXPECT_EQ(DefaultDataDirectory(), "/somewhere/data");
  unsetenv("CLOUDOPTIM_DATA_DIR");
  // The test binary lives under build/<preset>/src/catalog: walking up finds the source tree's.
  const std::string found = DefaultDataDirectory();
  EXPECT_TRUE(found.ends_with("/data")) << found;
  EXPECT_TRUE(Catalog::Load(found).has_value()) << found;
}

}  // namespace
}  // namespace cloudoptim
