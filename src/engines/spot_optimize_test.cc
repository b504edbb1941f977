#include "engines/spot_optimize.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engines/engine_case_test_util.h"

namespace cloudoptim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using engine_cases::TestCatalog;

engine_cases::EngineCase SafeCase() {
  Result<engine_cases::EngineCase> c = engine_cases::LoadEngineCase(
      std::string(CO_SOURCE_DIR) + "/testdata/engines/spot/safe_plan_meets_every_default.yaml",
      TestCatalog());
  EXPECT_TRUE(c.has_value());
  return *c;
}

TEST(SpotOptimizeTest, ObservedSpotPricesReplaceTheCatalogueEstimate) {
  engine_cases::EngineCase c = SafeCase();
  const PoolScoreTable scores = engine_cases::CaseScores(c, TestCatalog());
  EngineInput input{
      .snapshot = c.snapshot, .policy = c.policy, .catalog = TestCatalog(), .pool_scores = &scores};
  const Recommendations estimated = RunSpotOptimize(input);
  ASSERT_EQ(estimated.items.size(), 1u);
  EXPECT_THAT(estimated.items[0].actions[0].parameters.at("pools"), Not(HasSubstr("r5.large")));

  // r5.large observed at a fraction of its estimate in every zone: it becomes the first choice.
  std::map<std::pair<std::string, std::string>, Money> prices;
  for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
    prices[{"r5.large", zone}] = Money::FromUsd(0.01);
  }
  input.spot_prices = &prices;
  const Recommendations observed = RunSpotOptimize(input);
  ASSERT_EQ(observed.items.size(), 1u);
  EXPECT_THAT(observed.items[0].actions[0].parameters.at("pools"),
              HasSubstr("r5.large/us-east-1a/spot=0.2000"));
  EXPECT_GT(observed.items[0].monthly_savings, estimated.items[0].monthly_savings);
  EXPECT_NE(observed.items[0].id, estimated.items[0].id);
}

TEST(SpotOptimizeTest, FlexibleListHoldsEverySafeSimilarTypeCheapestFirst) {
  engine_cases::EngineCase c = SafeCase();
  c.score_overrides.push_back({"m5.2xlarge", "us-east-1a", 0.5, {}});
  c.score_overrides.push_back({"m5.2xlarge", "us-east-1b", 0.5, {}});
  c.score_overrides.push_back({"m5.2xlarge", "us-east-1c", 0.5, {}});
  const PoolScoreTable scores = engine_cases::CaseScores(c, TestCatalog());
  EngineInput input{
      .snapshot = c.snapshot, .policy = c.policy, .catalog = TestCatalog(), .pool_scores = &scores};
  const Recommendations recs = RunSpotOptimize(input);
  ASSERT_EQ(recs.items.size(), 1u);
  const std::string flexible = recs.items[0].actions[0].parameters.at("flexible_instance_types");
  // m5.large and m5.xlarge share the cheapest spot price per vCPU; the 0.5-scored m5.2xlarge
  // and the dissimilar c5 (too little memory per vCPU) are absent.
  EXPECT_TRUE(flexible.starts_with("m5.large,m5.xlarge,")) << flexible;
  EXPECT_THAT(flexible, HasSubstr("r5.xlarge"));
  EXPECT_THAT(flexible, Not(HasSubstr("m5.2xlarge")));
  EXPECT_THAT(flexible, Not(HasSubstr("c5.")));
}

TEST(SpotOptimizeTest, SavingsBelowThePolicyMinimumAreNotProposed) {
  engine_cases::EngineCase c = SafeCase();
  c.policy.min_monthly_savings = Money::FromUsd(100'000);
  const PoolScoreTable scores = engine_cases::CaseScores(c, TestCatalog());
  EngineInput input{
      .snapshot = c.snapshot, .policy = c.policy, .catalog = TestCatalog(), .pool_scores = &scores};
  EXPECT_TRUE(RunSpotOptimize(input).items.empty());
}

TEST(SpotOptimizeTest, RecommendationsSurviveTheJsonRoundTrip) {
  engine_cases::EngineCase c = SafeCase();
  const PoolScoreTable scores = engine_cases::CaseScores(c, TestCatalog());
  EngineInput input{
      .snapshot = c.snapshot, .policy = c.policy, .catalog = TestCatalog(), .pool_scores = &scores};
  const Recommendations recs = RunSpotOptimize(input);
  Result<Recommendations> back = RecommendationsFromJson(RecommendationsToJson(recs));
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  ASSERT_EQ(back->items.size(), recs.items.size());
  EXPECT_EQ(back->items[0].monthly_savings, recs.items[0].monthly_savings);
  EXPECT_EQ(back->items[0].actions[0].parameters, recs.items[0].actions[0].parameters);
}

}  // namespace
}  // namespace cloudoptim
