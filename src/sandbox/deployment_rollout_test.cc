#include "sandbox/deployment_rollout.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

TEST(DeploymentRolloutTest, DefaultsAre25PercentSurgeUpAndUnavailableDown) {
  auto s = ParseRolloutStrategy(json::object(), 10);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->recreate);
  EXPECT_EQ(s->max_surge, 3);        // 2.5 rounded up
  EXPECT_EQ(s->max_unavailable, 2);  // 2.5 rounded down
  auto zero = ParseRolloutStrategy(
      json::parse(R"({"strategy":{"rollingUpdate":{"maxSurge":0,"maxUnavailable":"0%"}}})"), 4);
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->max_unavailable, 1);  // both zero would never progress
  auto recreate = ParseRolloutStrategy(json::parse(R"({"strategy":{"type":"Recreate"}})"), 4);
  ASSERT_TRUE(recreate);
  EXPECT_TRUE(recreate->recreate);
  auto bad =
      ParseRolloutStrategy(json::parse(R"({"strategy":{"rollingUpdate":{"maxSurge":"x%"}}})"), 4);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "spec.strategy.rollingUpdate.maxSurge: bad value \"x%\"");
}

// Walks a rollout of 4 replicas with maxSurge 1, maxUnavailable 0 where every pod becomes
// available as soon as it exists: the total never exceeds 5 and availability never drops
// below 4.
TEST(DeploymentRolloutTest, RollingUpdateStaysWithinSurgeAndAvailability) {
  RolloutStrategy strategy{false, 1, 0};
  std::vector<RolloutReplicaSet> sets = {{false, 4, 4, 4}, {true, 0, 0, 0}};
  int steps = 0;
  while (!(sets[0].replicas == 0 && sets[1].replicas == 4) && steps++ < 20) {
    std::vector<int64_t> target = NextRolloutStep(4, strategy, sets);
    EXPECT_LE(target[0] + target[1], 5);
    for (size_t i = 0; i < sets.size(); ++i) {
      // Scaling down removes available pods at once; new pods need a pass to be available.
      sets[i].available = std::min(sets[i].available, target[i]);
      sets[i].replicas = sets[i].active = target[i];
    }
    EXPECT_GE(sets[0].available + sets[1].available, 3);
    sets[1].available = sets[1].replicas;  // the kubelet starts them
    EXPECT_GE(sets[0].available + sets[1].available, 4);
  }
  EXPECT_EQ(sets[0].replicas, 0);
  EXPECT_EQ(sets[1].replicas, 4);
  EXPECT_EQ(steps, 8);  // one pod up, then one old pod down, four times
}

TEST(DeploymentRolloutTest, UnavailableOldPodsGoFirstAndRecreateWaitsForTheOldPods) {
  RolloutStrategy strategy{false, 0, 1};
  // Two of the old pods are not available: they may go without touching the budget.
  std::vector<int64_t> target = NextRolloutStep(4, strategy, {{false, 4, 4, 2}, {true, 0, 0, 0}});
  EXPECT_EQ(target[0], 2);
  EXPECT_EQ(target[1], 0);  // no surge: the new set grows once the old one shrank

  RolloutStrategy recreate{true, 0, 0};
  target = NextRolloutStep(3, recreate, {{false, 3, 3, 3}, {true, 0, 0, 0}});
  EXPECT_EQ(target, (std::vector<int64_t>{0, 0}));
  target = NextRolloutStep(3, recreate, {{false, 0, 1, 0}, {true, 0, 0, 0}});
  EXPECT_EQ(target, (std::vector<int64_t>{0, 0}));  // one old pod still terminating
  target = NextRolloutStep(3, recreate, {{false, 0, 0, 0}, {true, 0, 0, 0}});
  EXPECT_EQ(target, (std::vector<int64_t>{0, 3}));
}

}  // namespace
}  // namespace cloudoptim::sandbox
