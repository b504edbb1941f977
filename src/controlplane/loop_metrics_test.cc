#include "controlplane/loop_metrics.h"

#include <gtest/gtest.h>

namespace cloudoptim::controlplane {
namespace {

EngineCycleResult CycleWithOneBinPackRecommendation() {
  Recommendations recommendations;
  recommendations.items.push_back({.id = "bin-pack/node/n1/0",
                                   .engine = EngineName::kBinPack,
                                   .target = "node/n1",
                                   .monthly_savings = Money::FromUsd(140.16),
                                   .confidence = 0.9,
                                   .explanation = "n1 is empty"});
  return SummarizeCycle(std::move(recommendations));
}

TEST(LoopMetricsTest, ACycleRecordsItsDurationRecommendationsAndSavingsPerEngine) {
  server::MetricsRegistry registry;
  LoopMetrics metrics(registry);
  store::Cluster cluster{.id = "c1", .tenant_id = "t1", .name = "prod"};
  metrics.OnCycle(cluster, CycleWithOneBinPackRecommendation(), std::chrono::milliseconds(250));

  EXPECT_EQ(
      registry.ObservationCount("cloudoptim_engine_cycle_duration_seconds", {{"cluster", "c1"}}),
      1u);
  EXPECT_EQ(registry.Value("cloudoptim_engine_cycles_total", {{"cluster", "c1"}, {"result", "ok"}}),
            1);
  EXPECT_EQ(
      registry.Value("cloudoptim_recommendations", {{"cluster", "c1"}, {"engine", "bin-pack"}}), 1);
  EXPECT_EQ(
      registry.Value("cloudoptim_recommendations", {{"cluster", "c1"}, {"engine", "rightsize"}}),
      0);
  EXPECT_DOUBLE_EQ(registry.Value("cloudoptim_projected_monthly_savings_usd",
                                  {{"cluster", "c1"}, {"engine", "bin-pack"}}),
                   140.16);
  EXPECT_NE(registry.RenderText().find("# TYPE cloudoptim_engine_cycle_duration_seconds histogram"),
            std::string::npos);
}

TEST(LoopMetricsTest, AFailedCycleCountsAsAnError) {
  server::MetricsRegistry registry;
  LoopMetrics metrics(registry);
  store::Cluster cluster{.id = "c1"};
  metrics.OnCycleFailed(cluster, Error{ErrorCode::kUnavailable, "down"}, std::chrono::seconds(1));
  EXPECT_EQ(
      registry.Value("cloudoptim_engine_cycles_total", {{"cluster", "c1"}, {"result", "error"}}),
      1);
  EXPECT_EQ(registry.Value("cloudoptim_engine_cycles_total", {{"cluster", "c1"}, {"result", "ok"}}),
            0);
}

TEST(SummarizeCycleTest, SummariesFollowTheEngineOrderAndPickTheLargestExplanation) {
  EngineCycleResult result = CycleWithOneBinPackRecommendation();
  ASSERT_EQ(result.summaries.size(), 3u);
  EXPECT_EQ(result.summaries[0].engine, EngineName::kSpotOptimize);
  EXPECT_EQ(result.summaries[1].recommendation_count, 1u);
  EXPECT_EQ(result.summaries[1].monthly_savings, Money::FromUsd(140.16));
  EXPECT_EQ(result.summaries[1].top_explanation, "n1 is empty");
  EXPECT_TRUE(result.summaries[2].monthly_savings.IsZero());
}

}  // namespace
}  // namespace cloudoptim::controlplane
