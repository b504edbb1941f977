#include "safety/safety_layers.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

PlannedPool TwoVcpuSpot(const std::string& type, const std::string& zone, int32_t count) {
  return {type, zone, CapacityType::kSpot, count, 2};
}
PlannedPool TwoVcpuOnDemand(const std::string& type, const std::string& zone, int32_t count) {
  return {type, zone, CapacityType::kOnDemand, count, 2};
}

// 20 instances of 2 vCPUs: 3 zones, largest pool 8 of 40 vCPUs (0.20), on-demand 8 (0.20).
FleetPlan SafePlan() {
  FleetPlan plan{.cluster = "prod", .region = "us-east-1", .recommendation_id = "rec-1"};
  plan.pools = {
      TwoVcpuSpot("m5.large", "us-east-1a", 4),     TwoVcpuSpot("m5.large", "us-east-1b", 4),
      TwoVcpuSpot("m5.large", "us-east-1c", 4),     TwoVcpuSpot("m5a.large", "us-east-1a", 2),
      TwoVcpuSpot("m5a.large", "us-east-1b", 2),    TwoVcpuOnDemand("m5.large", "us-east-1a", 2),
      TwoVcpuOnDemand("m5.large", "us-east-1b", 1), TwoVcpuOnDemand("m5.large", "us-east-1c", 1)};
  return plan;
}

PoolScoreTable Scores(double m5, double m5a) {
  PoolScoreTable table;
  for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
    table.Set({"m5.large", zone, m5, {}});
    table.Set({"m5a.large", zone, m5a, {}});
  }
  return table;
}

TEST(SafetyLayersTest, ASafePlanPassesEveryLayer) {
  EXPECT_TRUE(CheckAllLayers(SafePlan(), SafetyThresholds{}, Scores(0.9, 0.8)).empty());
}

TEST(SafetyLayersTest, LayerOneRefusesASpotPoolBelowTheScore) {
  auto v = CheckPoolScores(SafePlan(), SafetyThresholds{}, Scores(0.9, 0.6));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->layer, 1);
  EXPECT_EQ(v->layer_name, "pool-safety-score");
  EXPECT_DOUBLE_EQ(v->measured_value, 0.6);
  EXPECT_DOUBLE_EQ(v->threshold, 0.75);
  EXPECT_EQ(v->pool, "m5a.large/us-east-1a/spot");
  EXPECT_EQ(v->cluster, "prod");
  EXPECT_EQ(v->recommendation_id, "rec-1");
  EXPECT_NE(v->message.find("m5a.large/us-east-1b/spot 0.60"), std::string::npos) << v->message;
}

TEST(SafetyLayersTest, LayerOneTreatsAnUnknownPoolAsUnsafe) {
  PoolScoreTable table = Scores(0.9, 0.9);
  FleetPlan plan = SafePlan();
  plan.pools.push_back(TwoVcpuSpot("m6i.large", "us-east-1c", 1));
  auto v = CheckPoolScores(plan, SafetyThresholds{}, table);
  ASSERT_TRUE(v.has_value());
  EXPECT_DOUBLE_EQ(v->measured_value, 0.0);
  EXPECT_NE(v->message.find("m6i.large/us-east-1c/spot (no score)"), std::string::npos);
}

TEST(SafetyLayersTest, LayerOneIgnoresOnDemandPools) {
  FleetPlan plan{.cluster = "c"};
  plan.pools = {TwoVcpuOnDemand("x.large", "z1", 3)};
  EXPECT_FALSE(CheckPoolScores(plan, SafetyThresholds{}, PoolScoreTable{}).has_value());
}

TEST(SafetyLayersTest, LayerTwoCountsZonesWithInstances) {
  FleetPlan plan = SafePlan();
  std::erase_if(plan.pools,
                [](const PlannedPool& p) { return p.availability_zone == "us-east-1c"; });
  plan.pools.push_back(TwoVcpuSpot("m5.large", "us-east-1c", 0));  // an empty pool is no zone
  auto v = CheckZoneSpread(plan, SafetyThresholds{});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->layer, 2);
  EXPECT_DOUBLE_EQ(v->measured_value, 2);
  EXPECT_DOUBLE_EQ(v->threshold, 3);
}

TEST(SafetyLayersTest, LayerThreeAllowsExactlyTheShareAndRefusesOneMore) {
  FleetPlan plan = SafePlan();  // largest pools hold exactly 0.20
  EXPECT_FALSE(CheckPoolShare(plan, SafetyThresholds{}).has_value());
  plan.pools[0].count = 5;  // 10 of 42 vCPUs
  auto v = CheckPoolShare(plan, SafetyThresholds{});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->layer, 3);
  EXPECT_NEAR(v->measured_value, 10.0 / 42.0, 1e-9);
  EXPECT_EQ(v->pool, "m5.large/us-east-1a/spot");
}

TEST(SafetyLayersTest, LayerThreeAddsUpDuplicateEntriesOfOnePool) {
  FleetPlan plan = SafePlan();
  plan.pools.push_back(TwoVcpuSpot("m5.large", "us-east-1a", 1));
  EXPECT_TRUE(CheckPoolShare(plan, SafetyThresholds{}).has_value());
}

TEST(SafetyLayersTest, LayerFourRefusesTooLittleOnDemand) {
  FleetPlan plan = SafePlan();
  plan.pools[5].count = 0;  // on-demand 4 of 36 vCPUs = 0.11
  auto v = CheckOnDemandShare(plan, SafetyThresholds{});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->layer, 4);
  EXPECT_NEAR(v->measured_value, 4.0 / 36.0, 1e-9);
  EXPECT_DOUBLE_EQ(v->threshold, 0.15);
}

TEST(SafetyLayersTest, LayerFiveNamesEveryFailingLayer) {
  FleetPlan plan{.cluster = "prod", .region = "us-east-1"};
  plan.pools = {TwoVcpuSpot("m5.large", "us-east-1a", 10)};
  std::vector<SafetyViolation> failed = CheckAllLayers(plan, SafetyThresholds{}, Scores(0.5, 0.9));
  ASSERT_EQ(failed.size(), 5u);
  EXPECT_EQ(failed[0].layer, 1);
  EXPECT_EQ(failed[3].layer, 4);
  EXPECT_EQ(failed[4].layer, 5);
  EXPECT_DOUBLE_EQ(failed[4].measured_value, 4);
  EXPECT_NE(failed[4].message.find("4 of 4 layers fail"), std::string::npos);
}

TEST(SafetyLayersTest, StricterThresholdsRefuseWhatTheDefaultsAccept) {
  SafetyThresholds strict{.min_pool_safety_score = 0.85,
                          .min_availability_zones = 4,
                          .max_pool_capacity_share = 0.15,
                          .min_on_demand_share = 0.25};
  std::vector<SafetyViolation> failed = CheckAllLayers(SafePlan(), strict, Scores(0.9, 0.8));
  ASSERT_EQ(failed.size(), 5u);
}

TEST(SafetyLayersTest, ThresholdsOutOfRangeAreInvalid) {
  EXPECT_TRUE(ValidateThresholds(SafetyThresholds{}).has_value());
  EXPECT_FALSE(ValidateThresholds({.min_pool_safety_score = 1.5}).has_value());
  EXPECT_FALSE(ValidateThresholds({.min_availability_zones = 0}).has_value());
  EXPECT_FALSE(ValidateThresholds({.max_pool_capacity_share = 0}).has_value());
  Status s = ValidateThresholds({.min_on_demand_share = -0.1});
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("min_on_demand_share"), std::string::npos);
}

TEST(SafetyLayersTest, ShareLimitsInWholeVcpus) {
  SafetyThresholds t;
  EXPECT_EQ(MaxVcpusPerPool(40, t), 8);
  EXPECT_EQ(MaxVcpusPerPool(42, t), 8);
  EXPECT_EQ(MinOnDemandVcpus(40, t), 6);
  EXPECT_EQ(MinOnDemandVcpus(20, t), 3);
  EXPECT_EQ(MinOnDemandVcpus(21, t), 4);
}

}  // namespace
}  // namespace cloudoptim
