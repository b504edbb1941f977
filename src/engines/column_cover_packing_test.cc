// The set cover inside the bin packer's thorough search: plans stay valid under the simulator
// and keep inter-pod constraints, are the same for the same input, are never dearer than the
// thorough search without it (beyond the portfolio's 0.1% tie rule) and cheaper on some mixed
// batches, and the default effort does not run it.
#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "catalog/shipped_catalog_test_util.h"
#include "engines/bin_packer.h"
#include "engines/packing_plan_test_util.h"

namespace cloudoptim {
namespace {

using packing_test::ExpectValidPlan;
using packing_test::MixedRequests;
using packing_test::OneZoneLaunch;
using packing_test::PodsFromRequests;

PackingPlan Pack(const LaunchCatalog& launch, const std::vector<Pod>& pods, int64_t effort,
                 bool column_cover, ClusterState& state) {
  std::vector<const Pod*> pointers;
  for (const Pod& p : pods) pointers.push_back(&p);
  PackingOptions options;
  options.use_existing_nodes = false;
  options.search_steps_per_pod = effort;
  options.column_cover = column_cover;
  return PackPods(state, launch, pointers, options);
}

void ExpectSamePlan(const PackingPlan& a, const PackingPlan& b) {
  EXPECT_EQ(a.hourly_cost, b.hourly_cost);
  ASSERT_EQ(a.new_nodes.size(), b.new_nodes.size());
  for (size_t n = 0; n < a.new_nodes.size(); ++n) {
    EXPECT_EQ(a.new_nodes[n].type, b.new_nodes[n].type);
    EXPECT_EQ(a.new_nodes[n].pods, b.new_nodes[n].pods);
  }
}

TEST(ColumnCoverPackingTest, ThoroughPlansAreValidAndNeverDearer) {
  LaunchCatalog launch = OneZoneLaunch();
  Money total_without, total_with;
  for (uint32_t seed = 1; seed <= 2; ++seed) {
    std::vector<Pod> pods = PodsFromRequests(MixedRequests(seed, 150));
    ClusterState without_state, with_state;
    Money without =
        Pack(launch, pods, kThoroughSearchStepsPerPod, false, without_state).hourly_cost;
    PackingPlan with = Pack(launch, pods, kThoroughSearchStepsPerPod, true, with_state);
    ExpectValidPlan(with_state, pods, with);
    EXPECT_LE(with.hourly_cost.usd(), 1.001 * without.usd()) << "seed " << seed;
    total_without += without;
    total_with += with.hourly_cost;
  }
  EXPECT_LT(total_with, total_without);
}

TEST(ColumnCoverPackingTest, TheSameInputGivesTheSamePlan) {
  LaunchCatalog launch = OneZoneLaunch();
  std::vector<Pod> pods = PodsFromRequests(MixedRequests(5, 150));
  ClusterState first_state, second_state;
  ExpectSamePlan(Pack(launch, pods, kThoroughSearchStepsPerPod, true, first_state),
                 Pack(launch, pods, kThoroughSearchStepsPerPod, true, second_state));
}

TEST(ColumnCoverPackingTest, TheDefaultEffortPlanIsUnchanged) {
  LaunchCatalog launch = OneZoneLaunch();
  std::vector<Pod> pods = PodsFromRequests(MixedRequests(3, 150));
  ClusterState with_state, without_state;
  ExpectSamePlan(Pack(launch, pods, kDefaultSearchStepsPerPod, true, with_state),
                 Pack(launch, pods, kDefaultSearchStepsPerPod, false, without_state));
}

// Pods that repel each other per host stay on their nodes (the cover sees only nodes without
// inter-pod terms), and the plan still has at most one such pod per node.
TEST(ColumnCoverPackingTest, KeepsHostnameAntiAffinity) {
  LaunchCatalog launch = OneZoneLaunch();
  std::vector<Pod> pods = PodsFromRequests(MixedRequests(9, 150));
  LabelSelector guards = LabelSelector::FromMatchLabels(Labels{{"app", "guard"}});
  for (size_t i = 0; i < pods.size(); i += 10) {
    pods[i].meta.labels = Labels{{"app", "guard"}};
    pods[i].affinity.required_pod_anti_affinity = {
        PodAffinityTerm{guards, {}, "kubernetes.io/hostname"}};
  }
  ClusterState state;
  PackingPlan plan = Pack(launch, pods, kThoroughSearchStepsPerPod, true, state);
  ExpectValidPlan(state, pods, plan);
  for (const NewNode& node : plan.new_nodes) {
    int guards_here = 0;
    for (size_t i : node.pods) guards_here += i % 10 == 0 ? 1 : 0;
    EXPECT_LE(guards_here, 1) << node.type->type->name;
  }
}

}  // namespace
}  // namespace cloudoptim
