// Filters, sort orders and error messages of catalogue queries, on the shipped data.
#include "catalog/catalog_query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

class CatalogQueryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Catalog> loaded = Catalog::Load(std::string(CO_SOURCE_DIR) + "/data");
    ASSERT_TRUE(loaded) << loaded.error().ToString();
    catalog_ = new Catalog(std::move(*loaded));
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }
  static std::vector<CatalogEntry> Run(const CatalogQuery& query) {
    Result<std::vector<CatalogEntry>> entries = RunCatalogQuery(*catalog_, query);
    EXPECT_TRUE(entries) << entries.error().ToString();
    return entries ? *entries : std::vector<CatalogEntry>{};
  }
  static Catalog* catalog_;
};
Catalog* CatalogQueryTest::catalog_ = nullptr;

TEST_F(CatalogQueryTest, ExactTypeGivesItsPricesSpotEstimateAndZones) {
  const std::vector<CatalogEntry> entries = Run({.type = "m5.large"});
  ASSERT_EQ(entries.size(), 1u);
  const CatalogEntry& m5 = entries[0];
  EXPECT_EQ(m5.type->name, "m5.large");
  EXPECT_EQ(m5.on_demand_usd_per_hour, Money::FromMicros(96'000));
  EXPECT_EQ(m5.price_source, PriceSource::kShipped);
  ASSERT_TRUE(m5.spot.has_value());
  EXPECT_EQ(m5.spot->savings_percent, 66);
  EXPECT_EQ(m5.spot_estimate_usd_per_hour, Money::FromMicros(32'640));
  EXPECT_EQ(m5.zones.size(), 5u);
}

TEST_F(CatalogQueryTest, FiltersByVcpusMemoryArchAndFamily) {
  const std::vector<CatalogEntry> entries = Run({.min_vcpus = 4,
                                                 .max_vcpus = 8,
                                                 .min_memory_gib = 16,
                                                 .arch = Architecture::kArm64,
                                                 .families = {"m6g", "c7g"}});
  ASSERT_FALSE(entries.empty());
  for (const CatalogEntry& entry : entries) {
    EXPECT_GE(entry.type->vcpus, 4);
    EXPECT_LE(entry.type->vcpus, 8);
    EXPECT_GE(entry.type->memory_mib, 16 * 1024);
    EXPECT_EQ(entry.type->arch, Architecture::kArm64);
    EXPECT_TRUE(entry.type->family == "m6g" || entry.type->family == "c7g") << entry.type->name;
  }
  std::vector<std::string> names;
  for (const CatalogEntry& entry : entries) names.push_back(entry.type->name);
  EXPECT_THAT(names, Contains("m6g.xlarge"));
  EXPECT_THAT(names, Contains("c7g.2xlarge"));
}

TEST_F(CatalogQueryTest, SortsByPricePerVcpuCheapestFirst) {
  const std::vector<CatalogEntry> entries =
      Run({.min_vcpus = 4, .sort = CatalogSort::kPricePerVcpu});
  ASSERT_GT(entries.size(), 100u);
  for (size_t i = 1; i < entries.size(); ++i) {
    const CatalogEntry &a = entries[i - 1], &b = entries[i];
    if (!b.on_demand_usd_per_hour) continue;  // unpriced types come last
    ASSERT_TRUE(a.on_demand_usd_per_hour) << a.type->name << " before priced " << b.type->name;
    EXPECT_LE(a.on_demand_usd_per_hour->micros() * b.type->vcpus,
              b.on_demand_usd_per_hour->micros() * a.type->vcpus)
        << a.type->name << " " << b.type->name;
  }
}

TEST_F(CatalogQueryTest, SortsBySavingsBiggestFirstAndLimits) {
  const std::vector<CatalogEntry> entries = Run({.sort = CatalogSort::kSavings, .limit = 20});
  ASSERT_EQ(entries.size(), 20u);
  for (size_t i = 1; i < entries.size(); ++i) {
    EXPECT_GE(entries[i - 1].spot->savings_percent, entries[i].spot->savings_percent);
  }
}

TEST_F(CatalogQueryTest, KeepsOnlyTypesWithinTheInterruptionRange) {
  const std::vector<CatalogEntry> entries =
      Run({.max_interruption = InterruptionRange::kUnder5, .sort = CatalogSort::kName});
  ASSERT_FALSE(entries.empty());
  for (const CatalogEntry& entry : entries) {
    ASSERT_TRUE(entry.spot.has_value());
    EXPECT_EQ(entry.spot->range, InterruptionRange::kUnder5) << entry.type->name;
  }
}

TEST_F(CatalogQueryTest, RegionWithoutShippedPricesStillListsTypes) {
  const std::vector<CatalogEntry> entries = Run({.region = "eu-west-1", .families = {"m5"}});
  ASSERT_FALSE(entries.empty());
  for (const CatalogEntry& entry : entries) {
    EXPECT_EQ(entry.price_source, PriceSource::kMissing);
    EXPECT_FALSE(entry.on_demand_usd_per_hour.has_value());
    EXPECT_FALSE(entry.spot_estimate_usd_per_hour.has_value());
  }
}

TEST_F(CatalogQueryTest, UnknownRegionNamesTheKnownRegions) {
  Result<std::vector<CatalogEntry>> entries = RunCatalogQuery(*catalog_, {.region = "us-east-9"});
  ASSERT_FALSE(entries);
  EXPECT_TRUE(IsInvalidArgument(entries.error()));
  EXPECT_THAT(entries.error().message, HasSubstr("unknown region \"us-east-9\""));
  EXPECT_THAT(entries.error().message, HasSubstr("us-east-1, us-east-2"));
}

TEST_F(CatalogQueryTest, UnknownTypeSuggestsCloseMatches) {
  Result<std::vector<CatalogEntry>> entries = RunCatalogQuery(*catalog_, {.type = "m5.larg"});
  ASSERT_FALSE(entries);
  EXPECT_TRUE(IsNotFound(entries.error()));
  EXPECT_THAT(entries.error().message, HasSubstr("did you mean m5.large"));
  EXPECT_THAT(SimilarTypeNames(*catalog_, "m5.gigantic"), Contains("m5.2xlarge"));
}

TEST_F(CatalogQueryTest, UnknownFamilySuggestsCloseFamilies) {
  Result<std::vector<CatalogEntry>> entries = RunCatalogQuery(*catalog_, {.families = {"m6x"}});
  ASSERT_FALSE(entries);
  EXPECT_THAT(entries.error().message, HasSubstr("unknown instance family \"m6x\""));
  EXPECT_THAT(entries.error().message, HasSubstr("m6g"));
}

TEST(CatalogSortTest, ParsesEverySortName) {
  EXPECT_EQ(ParseCatalogSort("price"), CatalogSort::kPrice);
  EXPECT_EQ(ParseCatalogSort("price-per-vcpu"), CatalogSort::kPricePerVcpu);
  EXPECT_EQ(ParseCatalogSort("vcpu"), CatalogSort::kVcpus);
  EXPECT_EQ(ParseCatalogSort("memory"), CatalogSort::kMemory);
  EXPECT_EQ(ParseCatalogSort("name"), CatalogSort::kName);
  EXPECT_EQ(ParseCatalogSort("savings"), CatalogSort::kSavings);
  EXPECT_EQ(ParseCatalogSort("cost"), std::nullopt);
}

}  // namespace
}  // namespace cloudoptim
