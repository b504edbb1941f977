// TemplateNode's labels come from a per-catalogue cache: they must be the same as built afresh
// and every node must keep its own hostname.
#include "engines/launch_catalog.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "catalog/catalog.h"
#include "engines/cost_lower_bound.h"
#include "engines/lp_type_assignment.h"

namespace cloudoptim {
namespace {

// The catalogue's undominated on-demand types are NonDominatedIndices' answer over its
// on-demand options, and every type left out is dominated by one that is kept (what lets the
// packer look only at these).
TEST(LaunchCatalogTest, UndominatedTypesAreTheNonDominatedOnes) {
  Result<Catalog> catalog = Catalog::Load(std::string(CO_SOURCE_DIR) + "/data");
  ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();
  LaunchCatalog launch = LaunchCatalog::ForTypes(*catalog, "us-east-1", {"us-east-1a"}, Policy{});
  const std::vector<size_t>& kept = launch.Undominated(CapacityType::kOnDemand);
  ASSERT_GT(kept.size(), 10u);
  ASSERT_LT(kept.size(), launch.types().size());
  EXPECT_TRUE(launch.Undominated(CapacityType::kSpot).empty());  // ForTypes: spot never safe
  std::vector<size_t> expected = NonDominatedIndices(OnDemandOptions(launch));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(kept, expected);
  std::vector<char> is_kept(launch.types().size(), 0);
  for (size_t k : kept) is_kept[k] = 1;
  for (size_t t = 0; t < launch.types().size(); ++t) {
    if (is_kept[t]) continue;
    const LaunchType& y = launch.types()[t];
    bool dominated = std::any_of(kept.begin(), kept.end(), [&](size_t k) {
      const LaunchType& x = launch.types()[k];
      return x.allocatable.cpu_millis >= y.allocatable.cpu_millis &&
             x.allocatable.memory_bytes >= y.allocatable.memory_bytes &&
             x.allocatable.pods >= y.allocatable.pods && x.on_demand_hourly <= y.on_demand_hourly;
    });
    EXPECT_TRUE(dominated) << y.type->name;
  }
}

TEST(LaunchCatalogTest, CachedTemplateLabelsMatchFreshOnesAndKeepEachHostname) {
  Result<Catalog> catalog = Catalog::Load(std::string(CO_SOURCE_DIR) + "/data");
  ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();
  Policy policy;
  policy.allowed_families = {"m5", "c6g"};
  LaunchCatalog launch =
      LaunchCatalog::ForTypes(*catalog, "us-east-1", {"us-east-1a", "us-east-1b"}, policy);
  ASSERT_GE(launch.types().size(), 2u);
  const LaunchType& type = launch.types().back();
  // A copy of the type is not one of the catalogue's own: its labels are built afresh.
  const LaunchType copy = type;
  for (CapacityType capacity : {CapacityType::kOnDemand, CapacityType::kSpot}) {
    for (const std::string zone : {"us-east-1a", "us-east-1b"}) {
      Node first = launch.TemplateNode(type, zone, capacity, "node-1");
      Node second = launch.TemplateNode(type, zone, capacity, "node-2");
      Node fresh = launch.TemplateNode(copy, zone, capacity, "node-2");
      EXPECT_EQ(second.meta.labels, fresh.meta.labels);
      EXPECT_EQ(first.meta.labels.at(std::string(labels::kHostname)), "node-1");
      EXPECT_EQ(second.meta.labels.at(std::string(labels::kHostname)), "node-2");
      EXPECT_EQ(second.meta.labels.at(std::string(labels::kZone)), zone);
      EXPECT_EQ(second.meta.labels.at(std::string(labels::kInstanceType)), type.type->name);
      EXPECT_EQ(second.meta.labels.at(std::string(labels::kKarpenterCapacityType)),
                std::string(CapacityTypeName(capacity)));
      EXPECT_EQ(second.allocatable, type.allocatable);
    }
  }
  // Another type in the same zone gets its own labels, not the cached ones of the first.
  Node other =
      launch.TemplateNode(launch.types().front(), "us-east-1a", CapacityType::kOnDemand, "node-3");
  EXPECT_EQ(other.meta.labels.at(std::string(labels::kInstanceType)),
            launch.types().front().type->name);
}

Workload DaemonSet(const std::string& name, int64_t cpu_millis, const std::string& arch) {
  Workload w;
  w.kind = WorkloadKind::kDaemonSet;
  w.meta.name = name;
  Container c;
  c.resources.requests.cpu_millis = cpu_millis;
  w.pod_template.containers.push_back(c);
  if (!arch.empty()) w.pod_template.node_selector.emplace(std::string(labels::kArch), arch);
  return w;
}

// DaemonSet overhead comes off every type's allocatable; one that selects arm64 nodes only
// off the arm64 types (Build reads labels per type only when some DaemonSet selects by them).
TEST(LaunchCatalogTest, BuildSubtractsDaemonSetsThatLandOnEachType) {
  Result<Catalog> catalog = Catalog::Load(std::string(CO_SOURCE_DIR) + "/data");
  ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();
  Snapshot snapshot;
  snapshot.region = "us-east-1";
  Policy policy;
  policy.allowed_families = {"m5", "m6g"};
  auto allocatable_cpu = [&](const std::string& name) {
    LaunchCatalog launch = LaunchCatalog::Build({snapshot, policy, *catalog, nullptr});
    const LaunchType* t = launch.Find(name);
    return t == nullptr ? int64_t{-1} : t->allocatable.cpu_millis;
  };
  const int64_t m5 = allocatable_cpu("m5.xlarge"), m6g = allocatable_cpu("m6g.xlarge");
  ASSERT_GT(m5, 0);
  ASSERT_GT(m6g, 0);
  snapshot.workloads = {DaemonSet("agent", 200, "")};
  EXPECT_EQ(allocatable_cpu("m5.xlarge"), m5 - 200);
  EXPECT_EQ(allocatable_cpu("m6g.xlarge"), m6g - 200);
  snapshot.workloads.push_back(DaemonSet("arm-agent", 300, "arm64"));
  EXPECT_EQ(allocatable_cpu("m5.xlarge"), m5 - 200);
  EXPECT_EQ(allocatable_cpu("m6g.xlarge"), m6g - 500);
}

}  // namespace
}  // namespace cloudoptim
