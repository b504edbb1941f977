#include "engines/pool_allocation.h"

#include <map>
#include <set>

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

PoolOption Spot(std::string type, std::string zone, double usd, double score, int vcpus = 2) {
  return {
      {std::move(type), std::move(zone), CapacityType::kSpot}, vcpus, Money::FromUsd(usd), score};
}
PoolOption OnDemand(std::string type, std::string zone, double usd, int vcpus = 2) {
  return {
      {std::move(type), std::move(zone), CapacityType::kOnDemand}, vcpus, Money::FromUsd(usd), 1.0};
}

// Three types in each of three zones, all safe.
std::vector<PoolOption> NineSafePools() {
  std::vector<PoolOption> out;
  for (std::string zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
    out.push_back(Spot("c5.large", zone, 0.035, 0.85));
    out.push_back(Spot("m5d.large", zone, 0.040, 0.80));
    out.push_back(Spot("r5.large", zone, 0.050, 0.90));
  }
  return out;
}
std::vector<PoolOption> OnDemandPools() {
  std::vector<PoolOption> out;
  for (std::string zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
    out.push_back(OnDemand("m5.large", zone, 0.096));
  }
  return out;
}

double Sum(const std::vector<PoolShare>& shares) {
  double total = 0;
  for (const PoolShare& s : shares) total += s.share;
  return total;
}

TEST(PoolAllocationTest, SpreadsEvenlyOverZonesAndCapsEachPool) {
  const Allocation a = AllocateAcrossZones(NineSafePools(), 0.85, 0.20);
  EXPECT_DOUBLE_EQ(a.unplaced_share, 0);
  std::map<std::string, double> per_zone;
  for (const PoolShare& s : a.shares) {
    EXPECT_LE(s.share, 0.20 + 1e-12);
    per_zone[s.option.pool.availability_zone] += s.share;
  }
  ASSERT_EQ(per_zone.size(), 3u);
  for (const auto& [zone, share] : per_zone) EXPECT_NEAR(share, 0.85 / 3, 1e-12) << zone;
  // Cheapest first within a zone: c5.large is full before m5d.large is used; r5 stays unused.
  for (const PoolShare& s : a.shares) EXPECT_NE(s.option.pool.instance_type, "r5.large");
}

TEST(PoolAllocationTest, WhatAZoneCannotHoldGoesToTheCheapestPoolsWithRoom) {
  std::vector<PoolOption> options = {
      Spot("c5.large", "us-east-1a", 0.03, 0.9), Spot("c5.large", "us-east-1b", 0.03, 0.9),
      Spot("m5d.large", "us-east-1b", 0.04, 0.9), Spot("c5.large", "us-east-1c", 0.03, 0.9),
      Spot("m5d.large", "us-east-1c", 0.05, 0.9)};
  const Allocation a = AllocateAcrossZones(options, 0.9, 0.20);
  EXPECT_NEAR(Sum(a.shares), 0.9, 1e-12);
  for (const PoolShare& s : a.shares) EXPECT_LE(s.share, 0.20 + 1e-12);
  const Allocation too_much = AllocateAcrossZones(options, 1.2, 0.20);
  EXPECT_NEAR(too_much.unplaced_share, 0.2, 1e-12);
}

TEST(PoolAllocationTest, SafePlanKeepsTheOnDemandFloor) {
  const MixPlan plan = PlanSpotMix(NineSafePools(), OnDemandPools(), 0.0, SafetyThresholds{});
  ASSERT_TRUE(plan.fallback_reason.empty()) << plan.fallback_reason;
  EXPECT_NEAR(plan.spot_share, 0.85, 1e-12);
  EXPECT_NEAR(plan.on_demand_share, 0.15, 1e-12);
  EXPECT_NEAR(Sum(plan.on_demand), 0.15, 1e-12);
}

TEST(PoolAllocationTest, PinnedPodsRaiseTheOnDemandShare) {
  const MixPlan plan = PlanSpotMix(NineSafePools(), OnDemandPools(), 0.4, SafetyThresholds{});
  ASSERT_TRUE(plan.fallback_reason.empty());
  EXPECT_NEAR(plan.on_demand_share, 0.4, 1e-12);
  const MixPlan all = PlanSpotMix(NineSafePools(), OnDemandPools(), 1.0, SafetyThresholds{});
  EXPECT_EQ(all.fallback_reason, "every pod of the group must stay on on-demand");
}

TEST(PoolAllocationTest, PoolsBelowTheMinimumScoreAreNeverUsed) {
  std::vector<PoolOption> options = NineSafePools();
  options.push_back(Spot("m6g.large", "us-east-1a", 0.001, 0.74));  // cheapest, unsafe
  const MixPlan plan = PlanSpotMix(options, OnDemandPools(), 0, SafetyThresholds{});
  ASSERT_TRUE(plan.fallback_reason.empty());
  for (const PoolShare& s : plan.spot) {
    EXPECT_GE(s.option.safety_score, 0.75);
    EXPECT_NE(s.option.pool.instance_type, "m6g.large");
  }
}

TEST(PoolAllocationTest, FallsBackWhenNoPoolIsSafe) {
  std::vector<PoolOption> options = NineSafePools();
  for (PoolOption& o : options) o.safety_score = 0.6;
  const MixPlan plan = PlanSpotMix(options, OnDemandPools(), 0, SafetyThresholds{});
  EXPECT_EQ(plan.fallback_reason, "no spot pool of a suitable type scores at least 0.75");
  EXPECT_TRUE(plan.spot.empty());
}

TEST(PoolAllocationTest, FallsBackWhenSafePoolsSpanTooFewZones) {
  std::vector<PoolOption> options = NineSafePools();
  std::erase_if(options,
                [](const PoolOption& o) { return o.pool.availability_zone == "us-east-1c"; });
  const MixPlan plan = PlanSpotMix(options, OnDemandPools(), 0, SafetyThresholds{});
  EXPECT_EQ(plan.fallback_reason, "safe spot pools exist in 2 zone(s), fewer than the 3 required");
}

TEST(PoolAllocationTest, TooFewSafePoolsForTheCapLeaveTheRestOnDemand) {
  std::vector<PoolOption> options = {Spot("c5.large", "us-east-1a", 0.03, 0.9),
                                     Spot("c5.large", "us-east-1b", 0.03, 0.9),
                                     Spot("c5.large", "us-east-1c", 0.03, 0.9)};
  std::vector<PoolOption> on_demand = OnDemandPools();
  on_demand.push_back(OnDemand("m6i.large", "us-east-1a", 0.096));
  const MixPlan plan = PlanSpotMix(options, on_demand, 0, SafetyThresholds{});
  ASSERT_TRUE(plan.fallback_reason.empty()) << plan.fallback_reason;
  EXPECT_NEAR(plan.spot_share, 0.6, 1e-12);
  EXPECT_NEAR(plan.on_demand_share, 0.4, 1e-12);
  for (const PoolShare& s : plan.on_demand) EXPECT_LE(s.share, 0.20 + 1e-12);
}

TEST(PoolAllocationTest, ShareCostUsesThePricePerVcpu) {
  const PoolShare share{Spot("c5.xlarge", "us-east-1a", 0.08, 0.9, 4), 0.5};
  // Half of 16 vCPUs = 8 vCPUs = two c5.xlarge at $0.08.
  EXPECT_EQ(ShareCostPerHour(share, 16), Money::FromUsd(0.16));
}

}  // namespace
}  // namespace cloudoptim
