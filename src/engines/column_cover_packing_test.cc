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

using packing_test::AddHostnameGuards;
using packing_test::ExpectAtMostOneGuardPerNode;
using packing_test::ExpectSamePlan;
using packing_test::ExpectValidPlan;
using packing_test::MixedRequests;
using packing_test::MoveTotals;
using packing_test::OneZoneLaunch;
using packing_test::PodsFromRequests;
using packing_test::TotalsWithoutAndWithMove;

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

// Measured on the catalogue with burstable types: their small nodes leave the cover room to
// gain on these two seeds (without them both plans cost the same).
TEST(ColumnCoverPackingTest, ThoroughPlansAreValidAndNeverDearer) {
  LaunchCatalog launch = OneZoneLaunch(BurstableInstances::kIncluded);
  MoveTotals totals = TotalsWithoutAndWithMove(
      2, 150, [&](const std::vector<Pod>& pods, bool on, ClusterState& state) {
        return Pack(launch, pods, kThoroughSearchStepsPerPod, on, state);
      });
  EXPECT_LT(totals.with, totals.without);
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
  AddHostnameGuards(pods, 10);
  ClusterState state;
  PackingPlan plan = Pack(launch, pods, kThoroughSearchStepsPerPod, true, state);
  ExpectValidPlan(state, pods, plan);
  ExpectAtMostOneGuardPerNode(plan, 10);
}

}  // namespace
}  // namespace cloudoptim
