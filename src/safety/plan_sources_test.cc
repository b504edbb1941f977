#include "safety/plan_sources.h"

#include <gtest/gtest.h>

#include "risk/pool_score.h"
#include "safety/safety_layers.h"

namespace cloudoptim {
namespace {

Node MakeNode(const std::string& name, const std::string& type, const std::string& zone,
              const char* capacity_type, int64_t cpu_millis) {
  Node node;
  node.meta.name = name;
  node.meta.labels = {{"node.kubernetes.io/instance-type", type},
                      {"topology.kubernetes.io/zone", zone}};
  if (capacity_type != nullptr) node.meta.labels["karpenter.sh/capacity-type"] = capacity_type;
  node.capacity.cpu_millis = cpu_millis;
  return node;
}

TEST(PlanSourcesTest, CurrentFleetGroupsNodesIntoPools) {
  Snapshot s;
  s.cluster_name = "prod";
  s.region = "us-east-1";
  s.nodes = {MakeNode("a", "m5.large", "us-east-1a", "spot", 2000),
             MakeNode("b", "m5.large", "us-east-1a", "spot", 2000),
             MakeNode("c", "m5.xlarge", "us-east-1b", nullptr, 4000),
             MakeNode("d", "", "", nullptr, 1500)};
  FleetPlan plan = CurrentFleet(s);
  EXPECT_EQ(plan.cluster, "prod");
  EXPECT_EQ(DescribePlan(plan),
            "2 x m5.large/us-east-1a/spot, 1 x m5.xlarge/us-east-1b/on-demand, "
            "1 x unknown/unknown/on-demand");
  EXPECT_EQ(plan.TotalVcpus(), 4 + 4 + 2);
  EXPECT_EQ(plan.OnDemandVcpus(), 6);
}

class MixActionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Catalog> loaded = Catalog::Load(CO_SOURCE_DIR "/data");
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    catalog_ = new Catalog(std::move(*loaded));
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }
  static Catalog* catalog_;
};
Catalog* MixActionTest::catalog_ = nullptr;

TEST_F(MixActionTest, TurnsPoolSharesIntoWholeInstances) {
  Action action{ActionType::kChangeNodeGroupMix, "nodegroup/prod/workers", {}};
  action.parameters["total_vcpus"] = "40";
  action.parameters["pools"] =
      "m5.large/us-east-1a/spot=0.2000,m5.large/us-east-1b/spot=0.2000,"
      "m5a.large/us-east-1c/spot=0.2000,m5.xlarge/us-east-1a/spot=0.2000,"
      "m5.large/us-east-1a/on-demand=0.1000,m5.large/us-east-1b/on-demand=0.1000";
  Result<FleetPlan> plan = FleetPlanFromMixAction("prod", "us-east-1", "rec-9", action, *catalog_);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_EQ(plan->recommendation_id, "rec-9");
  ASSERT_EQ(plan->pools.size(), 6u);
  EXPECT_EQ(plan->pools[0].count, 4);  // 8 vCPUs of m5.large
  EXPECT_EQ(plan->pools[3].count, 2);  // 8 vCPUs of m5.xlarge
  EXPECT_EQ(plan->pools[4].capacity, CapacityType::kOnDemand);
  EXPECT_EQ(plan->TotalVcpus(), 40);
  PoolScoreTable scores;
  for (const PlannedPool& p : plan->pools)
    scores.Set({p.instance_type, p.availability_zone, 0.9, {}});
  EXPECT_TRUE(CheckAllLayers(*plan, SafetyThresholds{}, scores).empty());
}

TEST_F(MixActionTest, SpreadsAnOnDemandOnlyActionOverItsZones) {
  Action action{ActionType::kChangeNodeGroupMix, "nodegroup/prod/workers", {}};
  action.parameters = {{"capacity_type", "on-demand"},
                       {"instance_types", "m5.large,m5a.large"},
                       {"zones", "us-east-1a,us-east-1b,us-east-1c"},
                       {"total_vcpus", "14"}};
  Result<FleetPlan> plan = FleetPlanFromMixAction("prod", "us-east-1", "r", action, *catalog_);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_EQ(DescribePlan(*plan),
            "3 x m5.large/us-east-1a/on-demand, 2 x m5.large/us-east-1b/on-demand, "
            "2 x m5.large/us-east-1c/on-demand");
}

TEST_F(MixActionTest, RejectsMalformedActionsNamingTheParameter) {
  Action action{ActionType::kChangeNodeGroupMix, "nodegroup/x", {{"pools", "m5.large/a/spot=1"}}};
  Result<FleetPlan> plan = FleetPlanFromMixAction("c", "r", "id", action, *catalog_);
  ASSERT_FALSE(plan.has_value());
  EXPECT_NE(plan.error().message.find("total_vcpus"), std::string::npos);
  action.parameters["total_vcpus"] = "8";
  for (const char* bad : {"m5.large/a/spot", "m5.large/a/spot=1.5", "m5.large/a=0.5",
                          "m5.large/a/reserved=0.5", "x9.fake/a/spot=0.5"}) {
    action.parameters["pools"] = bad;
    EXPECT_FALSE(FleetPlanFromMixAction("c", "r", "id", action, *catalog_).has_value()) << bad;
  }
  action.type = ActionType::kDrainNode;
  EXPECT_FALSE(FleetPlanFromMixAction("c", "r", "id", action, *catalog_).has_value());
}

}  // namespace
}  // namespace cloudoptim
