#include "safety/safety_enforcer.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

namespace cloudoptim {
namespace {

const TimePoint kNow = TimePoint(std::chrono::seconds(1'790'000'000));

PlannedPool Spot(const std::string& type, const std::string& zone, int32_t count) {
  return {type, zone, CapacityType::kSpot, count, 0};
}
PlannedPool OnDemand(const std::string& type, const std::string& zone, int32_t count) {
  return {type, zone, CapacityType::kOnDemand, count, 0};
}

// Repairs look up similar types in the real shipped catalogue; scores are set by hand so each
// test knows which pools are safe.
class SafetyEnforcerTest : public ::testing::Test {
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

  SafetyEnforcerTest() {
    for (const char* zone :
         {"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"}) {
      Score("m5.large", zone, 0.90);
      Score("m5a.large", zone, 0.85);
    }
    for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
      Score("m6i.large", zone, 0.80);
      Score("c5.large", zone, 0.50);
    }
    Score("m5n.large", "us-east-1a", 0.40);
    Score("m5.large", "us-west-1a", 0.95);
    Score("m5.large", "us-west-1b", 0.95);
  }

  void Score(const std::string& type, const std::string& zone, double score) {
    scores_.Set({type, zone, score, {}});
  }

  SafetyVerdict Enforce(const FleetPlan& plan, const SafetyThresholds& t = {}) {
    SafetyEnforcer enforcer(*catalog_, scores_);
    Result<SafetyVerdict> verdict = enforcer.Enforce(plan, t, kNow);
    EXPECT_TRUE(verdict.has_value()) << verdict.error().ToString();
    return verdict.value_or(SafetyVerdict{});
  }

  // The alternative must pass all five layers: checked by running the enforcer on it again.
  void ExpectFixedAndSafe(const FleetPlan& plan, const SafetyThresholds& t = {}) {
    SafetyVerdict verdict = Enforce(plan, t);
    ASSERT_EQ(verdict.outcome, VerdictOutcome::kFixed) << verdict.reason;
    ASSERT_TRUE(verdict.alternative.has_value());
    EXPECT_FALSE(verdict.changes.empty());
    SafetyVerdict again = Enforce(*verdict.alternative, t);
    EXPECT_EQ(again.outcome, VerdictOutcome::kPass)
        << DescribePlan(*verdict.alternative) << "\n"
        << (again.violations.empty() ? "" : again.violations.back().message);
    Result<FleetPlan> before = NormalizePlan(plan, *catalog_);
    ASSERT_TRUE(before.has_value());
    EXPECT_EQ(verdict.alternative->TotalVcpus(), before->TotalVcpus()) << "capacity kept";
    EXPECT_EQ(verdict.alternative->recommendation_id, plan.recommendation_id);
    fixed_ = *verdict.alternative;
  }

  // 20 x 2 vCPUs in 3 zones; largest pools 8 of 40 vCPUs; on-demand 8 of 40.
  static FleetPlan SafePlan() {
    FleetPlan plan{.cluster = "prod", .region = "us-east-1", .recommendation_id = "rec-7"};
    plan.pools = {Spot("m5.large", "us-east-1a", 4),     Spot("m5.large", "us-east-1b", 4),
                  Spot("m5.large", "us-east-1c", 4),     Spot("m5a.large", "us-east-1a", 2),
                  Spot("m5a.large", "us-east-1b", 2),    OnDemand("m5.large", "us-east-1a", 2),
                  OnDemand("m5.large", "us-east-1b", 1), OnDemand("m5.large", "us-east-1c", 1)};
    return plan;
  }

  static Catalog* catalog_;
  PoolScoreTable scores_;
  FleetPlan fixed_;
};

Catalog* SafetyEnforcerTest::catalog_ = nullptr;

TEST_F(SafetyEnforcerTest, PassesASafePlanWithNoViolations) {
  SafetyVerdict verdict = Enforce(SafePlan());
  EXPECT_EQ(verdict.outcome, VerdictOutcome::kPass);
  EXPECT_TRUE(verdict.violations.empty());
  EXPECT_FALSE(verdict.alternative.has_value());
}

TEST_F(SafetyEnforcerTest, LayerOneReplacesAnUnsafePoolWithTheSafestSimilarPoolInItsZone) {
  FleetPlan plan = SafePlan();
  plan.pools[3] = Spot("m5n.large", "us-east-1a", 2);  // scores 0.40
  SafetyVerdict verdict = Enforce(plan);
  ASSERT_EQ(verdict.outcome, VerdictOutcome::kFixed);
  EXPECT_EQ(verdict.violations.front().layer, 1);
  EXPECT_DOUBLE_EQ(verdict.violations.front().measured_value, 0.40);
  ExpectFixedAndSafe(plan);
  for (const PlannedPool& pool : fixed_.pools) EXPECT_NE(pool.instance_type, "m5n.large");
  // m5.large/us-east-1a (0.90) is the safest similar pool in the same zone, but it is full at
  // the share cap afterwards; the share step spreads the surplus.
  EXPECT_NE(verdict.changes.front().find("m5.large/us-east-1a/spot (score 0.90)"),
            std::string::npos)
      << verdict.changes.front();
}

TEST_F(SafetyEnforcerTest, LayerOneReplacesAPoolWithNoScore) {
  FleetPlan plan = SafePlan();
  plan.pools[4] = Spot("m7i.large", "us-east-1b", 2);  // no score: unknown is unsafe
  ExpectFixedAndSafe(plan);
  for (const PlannedPool& pool : fixed_.pools) EXPECT_NE(pool.instance_type, "m7i.large");
}

TEST_F(SafetyEnforcerTest, LayerTwoSpreadsIntoAThirdZone) {
  FleetPlan plan{.cluster = "prod", .region = "us-east-1", .recommendation_id = "rec-2"};
  plan.pools = {Spot("m5.large", "us-east-1a", 4),     Spot("m5.large", "us-east-1b", 4),
                Spot("m5a.large", "us-east-1a", 4),    Spot("m5a.large", "us-east-1b", 4),
                OnDemand("m5.large", "us-east-1a", 2), OnDemand("m5.large", "us-east-1b", 2)};
  SafetyVerdict verdict = Enforce(plan);
  ASSERT_FALSE(verdict.violations.empty());
  EXPECT_EQ(verdict.violations.front().layer, 2);
  ExpectFixedAndSafe(plan);
  EXPECT_EQ(fixed_.ZonesUsed().size(), 3u);
  EXPECT_TRUE(fixed_.ZonesUsed().contains("us-east-1c"));
}

TEST_F(SafetyEnforcerTest, LayerThreeSplitsAnOversizedPoolIntoMorePools) {
  FleetPlan plan = SafePlan();
  plan.pools[0].count = 8;  // 16 of 48 vCPUs in one pool
  SafetyVerdict verdict = Enforce(plan);
  ASSERT_EQ(verdict.violations.front().layer, 3);
  EXPECT_NEAR(verdict.violations.front().measured_value, 16.0 / 48.0, 1e-9);
  ExpectFixedAndSafe(plan);
  for (const auto& [key, vcpus] : fixed_.VcpusByPool()) EXPECT_LE(vcpus, 9) << key.ToString();
}

TEST_F(SafetyEnforcerTest, LayerFourRaisesTheOnDemandShare) {
  FleetPlan plan = SafePlan();
  std::erase_if(plan.pools,
                [](const PlannedPool& p) { return p.capacity == CapacityType::kOnDemand; });
  plan.pools.push_back(Spot("m5a.large", "us-east-1c", 4));  // 20 x 2 vCPUs, all spot
  SafetyVerdict verdict = Enforce(plan);
  ASSERT_EQ(verdict.violations.front().layer, 4);
  EXPECT_DOUBLE_EQ(verdict.violations.front().measured_value, 0.0);
  ExpectFixedAndSafe(plan);
  EXPECT_GE(fixed_.OnDemandVcpus(), 6);
}

TEST_F(SafetyEnforcerTest, LayerFiveFixesAPlanThatFailsEveryLayerAtOnce) {
  FleetPlan plan{.cluster = "prod", .region = "us-east-1", .recommendation_id = "rec-all"};
  plan.pools = {Spot("m5n.large", "us-east-1a", 10)};
  SafetyVerdict verdict = Enforce(plan);
  ASSERT_EQ(verdict.violations.size(), 5u);
  EXPECT_EQ(verdict.violations.back().layer, 5);
  ExpectFixedAndSafe(plan);
  EXPECT_GE(verdict.changes.size(), 3u);
}

TEST_F(SafetyEnforcerTest, FixingOneLayerDoesNotBreakAnother) {
  // Every pool sits exactly at the share cap and there is no on-demand: converting spot to
  // on-demand must not push any pool over the cap or lose a zone.
  FleetPlan plan{.cluster = "prod", .region = "us-east-1"};
  plan.pools = {Spot("m5.large", "us-east-1a", 4), Spot("m5.large", "us-east-1b", 4),
                Spot("m5.large", "us-east-1c", 4), Spot("m5a.large", "us-east-1a", 4),
                Spot("m5a.large", "us-east-1b", 4)};
  SafetyVerdict verdict = Enforce(plan);
  ASSERT_EQ(verdict.violations.size(), 2u);  // layer 4 and layer 5
  ExpectFixedAndSafe(plan);
}

TEST_F(SafetyEnforcerTest, RefusesWhenTheRegionHasTooFewZones) {
  FleetPlan plan{.cluster = "west", .region = "us-west-1", .recommendation_id = "rec-w"};
  plan.pools = {Spot("m5.large", "us-west-1a", 4), Spot("m5.large", "us-west-1b", 4),
                OnDemand("m5.large", "us-west-1a", 1), OnDemand("m5.large", "us-west-1b", 1)};
  SafetyThresholds t{.max_pool_capacity_share = 0.5};
  SafetyVerdict verdict = Enforce(plan, t);
  ASSERT_EQ(verdict.outcome, VerdictOutcome::kRefused);
  EXPECT_EQ(verdict.refused_layer, SafetyLayer::kZoneSpread);
  EXPECT_NE(verdict.reason.find("layer 2 (availability-zones)"), std::string::npos);
  EXPECT_NE(verdict.reason.find("us-west-1 has only 2 availability zones"), std::string::npos)
      << verdict.reason;
  EXPECT_FALSE(verdict.alternative.has_value());
  EXPECT_EQ(verdict.violations.front().layer, 2);
}

TEST_F(SafetyEnforcerTest, RefusesWhenNoSimilarPoolScoresHighEnough) {
  FleetPlan plan{.cluster = "prod", .region = "us-east-1"};
  plan.pools = {Spot("c5.large", "us-east-1a", 5), Spot("c5.large", "us-east-1b", 5)};
  SafetyVerdict verdict = Enforce(plan);
  ASSERT_EQ(verdict.outcome, VerdictOutcome::kRefused);
  EXPECT_EQ(verdict.refused_layer, SafetyLayer::kPoolScore);
  EXPECT_NE(verdict.reason.find("similar to c5.large in us-east-1 scores at least 0.75"),
            std::string::npos)
      << verdict.reason;
  EXPECT_NE(verdict.reason.find("at 0.50"), std::string::npos) << verdict.reason;
}

TEST_F(SafetyEnforcerTest, LayerThreeSplitsInstancesLargerThanAPoolMayHold) {
  // 3 x 16 vCPUs, cap 9 vCPUs per pool: no arrangement works until each is split in two.
  FleetPlan plan{.cluster = "prod", .region = "us-east-1"};
  plan.pools = {OnDemand("m5.4xlarge", "us-east-1a", 1), OnDemand("m5.4xlarge", "us-east-1b", 1),
                OnDemand("m5.4xlarge", "us-east-1c", 1)};
  SafetyVerdict verdict = Enforce(plan);
  ASSERT_EQ(verdict.outcome, VerdictOutcome::kFixed) << verdict.reason;
  EXPECT_NE(verdict.changes.front().find("split 1 x m5.4xlarge/us-east-1a/on-demand into 2 x "
                                         "m5.2xlarge/us-east-1a/on-demand"),
            std::string::npos)
      << verdict.changes.front();
  ExpectFixedAndSafe(plan);
  for (const PlannedPool& pool : fixed_.pools) EXPECT_EQ(pool.vcpus_per_instance, 8);
}

TEST_F(SafetyEnforcerTest, ASplitIntoAnUnsafeSpotPoolTakesTheSafestSimilarPoolInstead) {
  for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
    Score("m5.2xlarge", zone, 0.90);
    Score("m5a.xlarge", zone, 0.90);  // m5.xlarge, the half of m5.2xlarge, has no score
    Score("m6i.xlarge", zone, 0.85);
  }
  FleetPlan plan{.cluster = "prod", .region = "us-east-1"};
  plan.pools = {Spot("m5.2xlarge", "us-east-1a", 1), Spot("m5.2xlarge", "us-east-1b", 1),
                Spot("m5.2xlarge", "us-east-1c", 1)};
  SafetyVerdict verdict = Enforce(plan);
  ASSERT_EQ(verdict.outcome, VerdictOutcome::kFixed) << verdict.reason;
  EXPECT_NE(verdict.changes.front().find("into 2 x m5a.xlarge/us-east-1a/spot"), std::string::npos)
      << verdict.changes.front();
  ExpectFixedAndSafe(plan);
  for (const PlannedPool& pool : fixed_.pools) EXPECT_NE(pool.instance_type, "m5.xlarge");
}

TEST_F(SafetyEnforcerTest, RefusesWhenAnInstanceIsLargerThanAPoolMayHoldAndCannotBeSplit) {
  FleetPlan plan{.cluster = "prod", .region = "us-east-1"};
  plan.pools = {OnDemand("m5.large", "us-east-1a", 2), OnDemand("m5.large", "us-east-1b", 1),
                OnDemand("m5.large", "us-east-1c", 1)};
  SafetyVerdict verdict = Enforce(plan);
  ASSERT_EQ(verdict.outcome, VerdictOutcome::kRefused);
  EXPECT_EQ(verdict.refused_layer, SafetyLayer::kPoolShare);
  EXPECT_NE(verdict.reason.find("each m5.large has 2 vCPUs, more than the 1 vCPUs one pool may "
                                "hold (0.20 of 8), and its family has no smaller type"),
            std::string::npos)
      << verdict.reason;
}

TEST_F(SafetyEnforcerTest, RefusesWhenEverySafeSimilarPoolIsFull) {
  // Only m5.large scores 0.88 or more: 5 safe spot pools of at most 4 vCPUs each cannot hold
  // the 34 spot vCPUs left after the on-demand share is raised.
  SafetyThresholds t{.min_pool_safety_score = 0.88, .max_pool_capacity_share = 0.10};
  FleetPlan plan{.cluster = "prod", .region = "us-east-1"};
  for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"}) {
    plan.pools.push_back(Spot("m5.large", zone, 4));
  }
  SafetyVerdict verdict = Enforce(plan, t);
  ASSERT_EQ(verdict.outcome, VerdictOutcome::kRefused);
  EXPECT_EQ(verdict.refused_layer, SafetyLayer::kPoolShare);
  EXPECT_NE(verdict.reason.find("no other safe pool of a similar type has room"), std::string::npos)
      << verdict.reason;
}

TEST_F(SafetyEnforcerTest, RefusesWhenThereAreFewerInstancesThanZonesNeeded) {
  SafetyThresholds t{.max_pool_capacity_share = 1.0};
  FleetPlan plan{.cluster = "prod", .region = "us-east-1"};
  plan.pools = {OnDemand("m5.large", "us-east-1a", 2)};
  SafetyVerdict verdict = Enforce(plan, t);
  ASSERT_EQ(verdict.outcome, VerdictOutcome::kRefused);
  EXPECT_EQ(verdict.refused_layer, SafetyLayer::kZoneSpread);
  EXPECT_NE(verdict.reason.find("2 instances in 2 zones cannot be spread over 3"),
            std::string::npos)
      << verdict.reason;
}

TEST_F(SafetyEnforcerTest, RefusesAPlanWithNoInstances) {
  FleetPlan plan{.cluster = "prod", .region = "us-east-1"};
  plan.pools = {Spot("m5.large", "us-east-1a", 0)};
  SafetyVerdict verdict = Enforce(plan);
  ASSERT_EQ(verdict.outcome, VerdictOutcome::kRefused);
  EXPECT_EQ(verdict.reason, "layer 2 (availability-zones): the plan has no instances to spread");
}

TEST_F(SafetyEnforcerTest, RespectsEachClustersOwnThresholds) {
  ClusterThresholds thresholds;
  thresholds.Set("strict", {.min_pool_safety_score = 0.88,
                            .min_availability_zones = 4,
                            .max_pool_capacity_share = 0.20,
                            .min_on_demand_share = 0.30});
  FleetPlan plan = SafePlan();
  EXPECT_EQ(Enforce(plan, thresholds.For("prod")).outcome, VerdictOutcome::kPass);
  plan.cluster = "strict";
  const SafetyThresholds& strict = thresholds.For("strict");
  SafetyVerdict verdict = Enforce(plan, strict);
  ASSERT_EQ(verdict.outcome, VerdictOutcome::kFixed) << verdict.reason;
  ExpectFixedAndSafe(plan, strict);
  EXPECT_GE(fixed_.ZonesUsed().size(), 4u);
  EXPECT_GE(fixed_.OnDemandShare(), 0.30);
  for (const PlannedPool& pool : fixed_.pools) {
    if (pool.capacity == CapacityType::kSpot) {
      EXPECT_EQ(pool.instance_type, "m5.large");
    }
  }
}

TEST_F(SafetyEnforcerTest, StampsViolationsWithNowAndThePlansOrigin) {
  FleetPlan plan = SafePlan();
  plan.pools[0].count = 8;
  SafetyVerdict verdict = Enforce(plan);
  ASSERT_FALSE(verdict.violations.empty());
  for (const SafetyViolation& v : verdict.violations) {
    EXPECT_EQ(v.detected_at, kNow);
    EXPECT_EQ(v.cluster, "prod");
    EXPECT_EQ(v.recommendation_id, "rec-7");
  }
}

TEST_F(SafetyEnforcerTest, GivesTheSameAlternativeEveryTime) {
  FleetPlan plan{.cluster = "prod", .region = "us-east-1"};
  plan.pools = {Spot("m5n.large", "us-east-1a", 12), Spot("m5.large", "us-east-1b", 3)};
  SafetyVerdict first = Enforce(plan);
  SafetyVerdict second = Enforce(plan);
  ASSERT_TRUE(first.alternative && second.alternative);
  EXPECT_EQ(DescribePlan(*first.alternative), DescribePlan(*second.alternative));
  EXPECT_EQ(first.changes, second.changes);
}

TEST_F(SafetyEnforcerTest, RejectsBadThresholdsAndMalformedPlans) {
  SafetyEnforcer enforcer(*catalog_, scores_);
  EXPECT_FALSE(enforcer.Enforce(SafePlan(), {.min_availability_zones = 0}, kNow).has_value());
  FleetPlan plan = SafePlan();
  plan.pools.push_back(Spot("x9.imaginary", "us-east-1a", 1));
  Result<SafetyVerdict> verdict = enforcer.Enforce(plan, {}, kNow);
  ASSERT_FALSE(verdict.has_value());
  EXPECT_TRUE(IsInvalidArgument(verdict.error()));
  EXPECT_NE(verdict.error().message.find("x9.imaginary"), std::string::npos);
  plan.pools.back() = Spot("m5.large", "us-east-1a", -1);
  EXPECT_FALSE(enforcer.Enforce(plan, {}, kNow).has_value());
}

// Seeded random plans and thresholds: whatever the input, a verdict is a pass, a fix whose
// alternative passes all five layers with the same vCPUs, or a refusal naming its layer.
TEST_F(SafetyEnforcerTest, EveryVerdictOnRandomPlansIsPassSafeFixOrReasonedRefusal) {
  const char* types[] = {"m5.large",  "m5a.large",  "m5n.large", "c5.large",
                         "m5.xlarge", "m5.2xlarge", "m6i.large"};
  const char* zones[] = {"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"};
  for (const char* zone : zones) {
    Score("m5.xlarge", zone, 0.80);
    Score("m5.2xlarge", zone, 0.78);
  }
  std::mt19937 random(20261126);
  int outcomes[3] = {0, 0, 0};
  for (int round = 0; round < 300; ++round) {
    FleetPlan plan{.cluster = "c" + std::to_string(round), .region = "us-east-1"};
    int pools = 1 + static_cast<int>(random() % 8);
    for (int i = 0; i < pools; ++i) {
      plan.pools.push_back({types[random() % 7], zones[random() % 5],
                            random() % 3 == 0 ? CapacityType::kOnDemand : CapacityType::kSpot,
                            static_cast<int32_t>(random() % 7), 0});
    }
    SafetyThresholds t{.min_pool_safety_score = 0.70 + 0.05 * static_cast<double>(random() % 4),
                       .min_availability_zones = 2 + static_cast<int32_t>(random() % 3),
                       .max_pool_capacity_share = 0.15 + 0.05 * static_cast<double>(random() % 4),
                       .min_on_demand_share = 0.05 * static_cast<double>(random() % 6)};
    SafetyVerdict verdict = Enforce(plan, t);
    ++outcomes[static_cast<int>(verdict.outcome)];
    SCOPED_TRACE(DescribePlan(plan));
    switch (verdict.outcome) {
      case VerdictOutcome::kPass:
        EXPECT_TRUE(verdict.violations.empty());
        break;
      case VerdictOutcome::kFixed: {
        ASSERT_TRUE(verdict.alternative.has_value());
        EXPECT_TRUE(CheckAllLayers(*verdict.alternative, t, scores_).empty())
            << DescribePlan(*verdict.alternative);
        EXPECT_EQ(verdict.alternative->TotalVcpus(), NormalizePlan(plan, *catalog_)->TotalVcpus());
        break;
      }
      case VerdictOutcome::kRefused:
        EXPECT_TRUE(verdict.refused_layer.has_value());
        // Layer 5 here would mean the repair built a plan that fails the re-check.
        EXPECT_NE(verdict.refused_layer, SafetyLayer::kAllLayers) << verdict.reason;
        EXPECT_FALSE(verdict.reason.empty());
        EXPECT_FALSE(verdict.violations.empty());
        break;
    }
  }
  // The generator must exercise fixes and refusals, or this test proves little.
  EXPECT_GT(outcomes[static_cast<int>(VerdictOutcome::kFixed)], 100);
  EXPECT_GT(outcomes[static_cast<int>(VerdictOutcome::kRefused)], 10);
}

}  // namespace
}  // namespace cloudoptim
