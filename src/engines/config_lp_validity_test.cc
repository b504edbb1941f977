// The configuration LP's bound is a lower bound: never above the cost of a packing that
// exists. A regression test for a knapsack bound that tried negative Lagrange multipliers
// (invalid for ≤ constraints), which made pricing miss improving columns and the LP claim an
// optimum above a real packing (an Alibaba trace snapshot of 14 pods: $4.639 against a
// $4.598 plan; the LP optimum is $4.5015).
#include <gtest/gtest.h>

#include <random>

#include "catalog/catalog.h"
#include "engines/bin_packer.h"
#include "engines/config_lp.h"
#include "engines/cost_lower_bound.h"

namespace cloudoptim {
namespace {

constexpr int64_t kMi = int64_t{1} << 20;

const Catalog& SharedCatalog() {
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

Money PackedCost(const LaunchCatalog& launch, const std::vector<Resources>& requests) {
  std::vector<Pod> pods;
  for (size_t i = 0; i < requests.size(); ++i) {
    Pod pod;
    pod.meta.name = "p" + std::to_string(i);
    pod.meta.namespace_name = "test";
    Container c;
    c.resources.requests = requests[i];
    c.resources.requests.pods = 0;
    pod.containers.push_back(c);
    pods.push_back(std::move(pod));
  }
  std::vector<const Pod*> pointers;
  for (const Pod& p : pods) pointers.push_back(&p);
  ClusterState state;
  PackingOptions options;
  options.use_existing_nodes = false;
  options.search_steps_per_pod = kThoroughSearchStepsPerPod;
  PackingPlan plan = PackPods(state, launch, pointers, options);
  EXPECT_TRUE(plan.unschedulable.empty());
  return plan.hourly_cost;
}

TEST(ConfigLpValidityTest, TheBoundNeverExceedsAPackingThatExists) {
  Policy policy;
  LaunchCatalog launch =
      LaunchCatalog::ForTypes(SharedCatalog(), "us-east-1", {"us-east-1a"}, policy);
  std::vector<PriceOption> options = OnDemandOptions(launch);
  // The trace snapshot that exposed the bug: (millicores, MiB) of the pods alive at 13/21.
  const int64_t snapshot[14][2] = {{12000, 16384}, {6000, 12288},  {12000, 24576}, {6000, 12288},
                                   {12000, 16384}, {20000, 65536}, {4000, 16384},  {12000, 16384},
                                   {12000, 16384}, {12000, 16384}, {16000, 49152}, {6000, 8192},
                                   {8000, 32768},  {8000, 16384}};
  std::vector<std::vector<Resources>> instances(1);
  for (const auto& p : snapshot) instances[0].push_back({p[0], p[1] * kMi, 0, 1, 0});
  std::mt19937 rng(17);
  for (int k = 0; k < 4; ++k) {
    std::vector<Resources> pods;
    for (int i = 0; i < 12 + 6 * k; ++i) {
      pods.push_back({1000 * std::uniform_int_distribution<int64_t>(1, 20)(rng),
                      1024 * std::uniform_int_distribution<int64_t>(1, 64)(rng) * kMi, 0, 1, 0});
    }
    instances.push_back(std::move(pods));
  }
  for (size_t k = 0; k < instances.size(); ++k) {
    Result<ConfigLpBoundResult> bound = ConfigLpBound(instances[k], options, 1000, 30.0);
    ASSERT_TRUE(bound.has_value()) << bound.error().ToString();
    Money packed = PackedCost(launch, instances[k]);
    EXPECT_LE(bound->bound, packed) << "instance " << k;
  }
}

}  // namespace
}  // namespace cloudoptim
