#include "sandbox/disruption_budget.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

json Pdb(const char* field, json value) { return {{"spec", {{field, value}}}}; }

TEST(DisruptionBudgetTest, PercentagesRoundUpAgainstExpectedPods) {
  EXPECT_EQ(*ScaledIntOrPercent("50%", 3), 2);
  EXPECT_EQ(*ScaledIntOrPercent("60%", 9), 6);
  EXPECT_EQ(*ScaledIntOrPercent(2, 9), 2);
  EXPECT_FALSE(ScaledIntOrPercent("abc%", 3));
}

TEST(DisruptionBudgetTest, MinAvailableLeavesHealthyMinusDesired) {
  auto s = ComputeBudget(Pdb("minAvailable", 2), 3, 3);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->desired_healthy, 2);
  EXPECT_EQ(s->disruptions_allowed, 1);
  EXPECT_EQ(ComputeBudget(Pdb("minAvailable", 1), 1, 1)->disruptions_allowed, 0);
  EXPECT_EQ(ComputeBudget(Pdb("minAvailable", "50%"), 4, 2)->disruptions_allowed, 0);
}

TEST(DisruptionBudgetTest, MaxUnavailableCountsFromExpectedPods) {
  EXPECT_EQ(ComputeBudget(Pdb("maxUnavailable", 1), 4, 4)->disruptions_allowed, 1);
  EXPECT_EQ(ComputeBudget(Pdb("maxUnavailable", 1), 4, 3)->disruptions_allowed, 0);
  EXPECT_EQ(ComputeBudget(Pdb("maxUnavailable", "25%"), 8, 8)->disruptions_allowed, 2);
}

TEST(DisruptionBudgetTest, EvictionIsRefusedWithKubernetesMessageWhenNoDisruptionIsAllowed) {
  FakeClock clock(std::chrono::system_clock::now());
  ObjectStore store(&clock);
  json pod = {{"metadata", {{"name", "db-0"}, {"namespace", "shop"}, {"labels", {{"app", "db"}}}}},
              {"spec", {{"containers", json::array()}}},
              {"status",
               {{"phase", "Running"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
  ASSERT_TRUE(store.Create("pods", pod));
  ASSERT_TRUE(store.Create(
      "poddisruptionbudgets.policy",
      {{"metadata", {{"name", "db"}, {"namespace", "shop"}}},
       {"spec", {{"minAvailable", 1}, {"selector", {{"matchLabels", {{"app", "db"}}}}}}}}));
  Status refused = CheckEviction(store, pod);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(IsResourceExhausted(refused.error()));
  EXPECT_TRUE(refused.error().message.starts_with(
      "Cannot evict pod as it would violate the pod's disruption budget."));
  EXPECT_NE(refused.error().message.find(
                "The disruption budget db needs 1 healthy pods and has 1 currently"),
            std::string::npos);
  ASSERT_TRUE(store.Mutate("poddisruptionbudgets.policy", "shop", "db", [](json& o) -> Status {
    o["spec"]["minAvailable"] = 0;
    return Ok();
  }));
  EXPECT_TRUE(CheckEviction(store, pod));
}

}  // namespace
}  // namespace cloudoptim::sandbox
