#include "engines/engine_cycle.h"

#include <gtest/gtest.h>

#include "engines/idle_node_test_util.h"
#include "risk/region_scoring.h"

namespace cloudoptim {
namespace {

class EngineCycleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Catalog> loaded = Catalog::Load(CO_SOURCE_DIR "/data");
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    catalog_ = new Catalog(std::move(*loaded));
  }
  static void TearDownTestSuite() { delete catalog_; }
  static Catalog* catalog_;
};
Catalog* EngineCycleTest::catalog_ = nullptr;

TEST_F(EngineCycleTest, RunsEveryEngineInOrderAndSumsTheirSavings) {
  const InstanceType* type = catalog_->FindType("m5.xlarge");
  ASSERT_NE(type, nullptr);
  Snapshot snapshot;
  snapshot.region = "us-east-1";
  for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
    snapshot.nodes.push_back(IdleOnDemandNode(std::string("idle-") + zone, zone, *type));
  }
  Policy policy;
  PoolScoreTable scores = ScoreRegion(*catalog_, "us-east-1", {});
  EngineCycleResult result = RunEngineCycle(
      {.snapshot = snapshot, .policy = policy, .catalog = *catalog_, .pool_scores = &scores});

  ASSERT_EQ(result.summaries.size(), 3u);
  EXPECT_EQ(result.summaries[0].engine, EngineName::kSpotOptimize);
  EXPECT_EQ(result.summaries[1].engine, EngineName::kBinPack);
  EXPECT_EQ(result.summaries[2].engine, EngineName::kRightsize);
  size_t count = 0;
  Money total;
  for (const EngineSummary& s : result.summaries) {
    count += s.recommendation_count;
    total += s.monthly_savings;
  }
  EXPECT_EQ(count, result.recommendations.items.size());
  EXPECT_EQ(total, result.recommendations.TotalMonthlySavings());
  // Three empty on-demand nodes are pure waste: bin-pack must propose removing them.
  EXPECT_GE(result.summaries[1].recommendation_count, 1u);
  EXPECT_GT(result.summaries[1].monthly_savings, Money());
  EXPECT_FALSE(result.summaries[1].top_explanation.empty());
}

TEST_F(EngineCycleTest, AnEmptyClusterGetsNoRecommendations) {
  Snapshot snapshot;
  snapshot.region = "us-east-1";
  Policy policy;
  EngineCycleResult result =
      RunEngineCycle({.snapshot = snapshot, .policy = policy, .catalog = *catalog_});
  EXPECT_TRUE(result.recommendations.items.empty());
  for (const EngineSummary& s : result.summaries) EXPECT_TRUE(s.monthly_savings.IsZero());
}

}  // namespace
}  // namespace cloudoptim
