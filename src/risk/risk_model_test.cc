#include "risk/risk_model.h"

#include <vector>

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

PoolRiskInput CalmM5Large() {
  return PoolRiskInput{.instance_type = "m5.large",
                       .availability_zone = "us-east-1a",
                       .advisor_range = InterruptionRange::kUnder5,
                       .structure = StructuralTraits{.category = "m",
                                                     .generation = 5,
                                                     .vcpus = 2,
                                                     .sizes_in_family = 10,
                                                     .zones_offering = 6}};
}

std::vector<SpotPricePoint> Series(std::vector<double> usd) {
  std::vector<SpotPricePoint> points;
  for (size_t i = 0; i < usd.size(); ++i) {
    points.push_back({"us-east-1a", TimePoint{} + std::chrono::hours(i), Money::FromUsd(usd[i])});
  }
  return points;
}

TEST(RiskModelTest, SpotAdvisorRangesMapToBucketMidpoints) {
  EXPECT_DOUBLE_EQ(SpotAdvisorRisk(InterruptionRange::kUnder5), 0.125);
  EXPECT_DOUBLE_EQ(SpotAdvisorRisk(InterruptionRange::k5To10), 0.375);
  EXPECT_DOUBLE_EQ(SpotAdvisorRisk(InterruptionRange::k10To15), 0.625);
  EXPECT_DOUBLE_EQ(SpotAdvisorRisk(InterruptionRange::k15To20), 0.875);
  EXPECT_DOUBLE_EQ(SpotAdvisorRisk(InterruptionRange::kOver20), 1.0);
  EXPECT_DOUBLE_EQ(SpotAdvisorRisk(std::nullopt), kUnknownAdvisorRisk);
}

TEST(RiskModelTest, DayZeroOnlyTheLowestAdvisorBandPassesTheSafetyLine) {
  PoolRiskInput input = CalmM5Large();
  const PoolScore calm = ScorePool(input);
  EXPECT_GE(calm.safety_score, 0.75);
  EXPECT_NEAR(calm.safety_score, 1 - (0.6 * 0.125 + 0.3 * kVolatilityPriorRisk), 1e-12);
  input.advisor_range = InterruptionRange::k5To10;
  EXPECT_LT(ScorePool(input).safety_score, 0.75);
  input.advisor_range = std::nullopt;
  EXPECT_LT(ScorePool(input).safety_score, 0.75);
}

TEST(RiskModelTest, BreakdownAddsUpToTheScore) {
  PoolRiskInput input = CalmM5Large();
  const std::vector<SpotPricePoint> history = Series({0.04, 0.05, 0.04, 0.045});
  input.price_history = history;
  input.structure.generation = 4;
  input.feedback = {.instance_hours = 60'000, .interruptions = 40};
  const PoolScore score = ScorePool(input);
  const RiskFactors& f = score.factors;
  EXPECT_NEAR(f.weight_spot_advisor + f.weight_price_volatility + f.weight_structural +
                  f.weight_customer_feedback,
              1.0, 1e-12);
  EXPECT_GT(f.price_volatility, 0);
  EXPECT_GT(f.structural, 0);
  EXPECT_GT(f.customer_feedback, 0);
  EXPECT_DOUBLE_EQ(f.weight_customer_feedback, 0.12);
  EXPECT_NEAR(score.safety_score, 1 - WeightedRisk(f), 1e-12);
  EXPECT_EQ(score.instance_type, "m5.large");
  EXPECT_EQ(score.availability_zone, "us-east-1a");
}

TEST(RiskModelTest, EachFactorLowersSafetyOnItsOwn) {
  const double base = ScorePool(CalmM5Large()).safety_score;

  PoolRiskInput advisor = CalmM5Large();
  advisor.advisor_range = InterruptionRange::kOver20;
  EXPECT_LT(ScorePool(advisor).safety_score, base);

  PoolRiskInput volatile_pool = CalmM5Large();
  const std::vector<SpotPricePoint> wild = Series({0.04, 0.08, 0.04, 0.08});
  volatile_pool.price_history = wild;
  EXPECT_LT(ScorePool(volatile_pool).safety_score, base);

  PoolRiskInput metal = CalmM5Large();
  metal.structure.bare_metal = true;
  EXPECT_LT(ScorePool(metal).safety_score, base);
}

TEST(RiskModelTest, CustomerFeedbackCountsOnlyOnceThereIsEvidence) {
  PoolRiskInput input = CalmM5Large();
  input.feedback = {.instance_hours = 9'000, .interruptions = 500};
  const PoolScore early = ScorePool(input);
  EXPECT_DOUBLE_EQ(early.factors.weight_customer_feedback, 0.0);
  EXPECT_GT(early.factors.customer_feedback, 0);  // measured, but not yet weighted
  EXPECT_DOUBLE_EQ(early.safety_score, ScorePool(CalmM5Large()).safety_score);

  input.feedback = {.instance_hours = 600'000, .interruptions = 20'000};
  EXPECT_LT(ScorePool(input).safety_score, early.safety_score);
  // Equally many hours without interruptions: our evidence beats Spot Advisor's average.
  input.feedback.interruptions = 0;
  EXPECT_GT(ScorePool(input).safety_score, early.safety_score);
}

TEST(RiskModelTest, FeedbackRiskGrowsWithTheInterruptionRate) {
  EXPECT_DOUBLE_EQ(CustomerFeedbackRisk({.instance_hours = 1e6, .interruptions = 0}), 0.0);
  double previous = 0;
  for (int64_t interruptions = 1; interruptions <= 256; interruptions *= 2) {
    const double risk =
        CustomerFeedbackRisk({.instance_hours = 1'000'000, .interruptions = interruptions});
    EXPECT_GT(risk, previous) << interruptions;
    EXPECT_LE(risk, 1.0);
    previous = risk;
  }
  // One interruption in the first hour is not read as certainty.
  EXPECT_LT(CustomerFeedbackRisk({.instance_hours = 1, .interruptions = 1}), 0.5);
  // Half the fleet interrupted every month is full risk.
  EXPECT_DOUBLE_EQ(CustomerFeedbackRisk({.instance_hours = 1e6, .interruptions = 1'000}), 1.0);
}

TEST(RiskModelTest, SafetyIsMonotoneInEveryFactor) {
  const InterruptionRange ranges[] = {InterruptionRange::kUnder5, InterruptionRange::k5To10,
                                      InterruptionRange::k10To15, InterruptionRange::k15To20,
                                      InterruptionRange::kOver20};
  double previous = 2;
  for (InterruptionRange range : ranges) {
    PoolRiskInput input = CalmM5Large();
    input.advisor_range = range;
    const double safety = ScorePool(input).safety_score;
    EXPECT_LT(safety, previous);
    EXPECT_GE(safety, 0.0);
    previous = safety;
  }
}

TEST(RiskModelTest, InterruptionsAcrossCustomersMarkThePool) {
  EXPECT_EQ(CrossCustomerStatus(0), PoolStatus::kNormal);
  EXPECT_EQ(CrossCustomerStatus(1), PoolStatus::kNormal);
  EXPECT_EQ(CrossCustomerStatus(2), PoolStatus::kUncertain);
  EXPECT_EQ(CrossCustomerStatus(3), PoolStatus::kRisky);
  EXPECT_EQ(CrossCustomerStatus(40), PoolStatus::kRisky);
  EXPECT_EQ(PoolStatusName(PoolStatus::kUncertain), "uncertain");

  const double base = ScorePool(CalmM5Large()).safety_score;
  PoolRiskInput input = CalmM5Large();
  input.feedback.customers_interrupted = 2;
  const PoolScore uncertain = ScorePool(input);
  EXPECT_EQ(uncertain.status, PoolStatus::kUncertain);
  EXPECT_NEAR(uncertain.safety_score, base - 0.10, 1e-12);
  EXPECT_NEAR(uncertain.safety_score, 1 - WeightedRisk(uncertain.factors), 1e-12);
  input.feedback.customers_interrupted = 3;
  const PoolScore risky = ScorePool(input);
  EXPECT_EQ(risky.status, PoolStatus::kRisky);
  EXPECT_NEAR(risky.safety_score, base - 0.20, 1e-12);
  EXPECT_LT(risky.safety_score, 0.75);  // a RISKY pool leaves every plan
}

TEST(RiskModelTest, TableHoldsOneScorePerPool) {
  std::vector<PoolRiskInput> inputs = {CalmM5Large(), CalmM5Large(), CalmM5Large()};
  inputs[1].availability_zone = "us-east-1b";
  inputs[2].instance_type = "c5.large";
  const PoolScoreTable table = ScorePools(inputs);
  EXPECT_EQ(table.size(), 3u);
  ASSERT_NE(table.Find("c5.large", "us-east-1a"), nullptr);
  EXPECT_EQ(table.Find("c5.large", "us-east-1b"), nullptr);
}

}  // namespace
}  // namespace cloudoptim
