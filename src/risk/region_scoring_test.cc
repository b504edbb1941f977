#include "risk/region_scoring.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

// The shipped catalogue: real types, zones and Spot Advisor data.
const Catalog& ShippedCatalog() {
  static const Catalog* catalog = [] {
    Result<Catalog> loaded = Catalog::Load(std::string(CO_SOURCE_DIR) + "/data");
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
    return new Catalog(loaded ? std::move(*loaded) : Catalog());
  }();
  return *catalog;
}

TEST(RegionScoringTest, ScoresEveryPoolOfTheRegion) {
  const Catalog& catalog = ShippedCatalog();
  size_t pools = 0;
  for (const InstanceType& type : catalog.Types()) {
    pools += catalog.ZonesOffering("us-east-1", type.name).size();
  }
  ASSERT_GT(pools, 1000u);
  const PoolScoreTable table = ScoreRegion(catalog, "us-east-1", {});
  EXPECT_EQ(table.size(), pools);
  size_t safe = 0;
  for (const auto& [key, score] : table.all()) {
    EXPECT_GE(score.safety_score, 0.0);
    EXPECT_LE(score.safety_score, 1.0);
    EXPECT_DOUBLE_EQ(score.factors.weight_customer_feedback, 0.0);  // day zero
    safe += score.safety_score >= 0.75 ? 1 : 0;
  }
  EXPECT_GT(safe, 100u);  // Spot Advisor's <5% band is deep in us-east-1
  EXPECT_LT(safe, pools);
}

TEST(RegionScoringTest, DayZeroScoresFollowSpotAdvisor) {
  const PoolScoreTable table = ScoreRegion(ShippedCatalog(), "us-east-1", {});
  const PoolScore* c5 = table.Find("c5.large", "us-east-1a");    // <5%
  const PoolScore* m5x = table.Find("m5.xlarge", "us-east-1a");  // >20%
  ASSERT_NE(c5, nullptr);
  ASSERT_NE(m5x, nullptr);
  EXPECT_GE(c5->safety_score, 0.75);
  EXPECT_LT(m5x->safety_score, 0.75);
  EXPECT_DOUBLE_EQ(c5->factors.spot_advisor, 0.125);
}

TEST(RegionScoringTest, EvidenceChangesOnlyItsOwnPool) {
  RegionEvidence evidence;
  evidence.feedback[{"c5.large", "us-east-1a"}] = {.instance_hours = 600'000,
                                                   .interruptions = 30'000};
  const PoolScoreTable before = ScoreRegion(ShippedCatalog(), "us-east-1", {});
  const PoolScoreTable after = ScoreRegion(ShippedCatalog(), "us-east-1", evidence);
  EXPECT_LT(after.Find("c5.large", "us-east-1a")->safety_score,
            before.Find("c5.large", "us-east-1a")->safety_score);
  EXPECT_DOUBLE_EQ(after.Find("c5.large", "us-east-1b")->safety_score,
                   before.Find("c5.large", "us-east-1b")->safety_score);
}

TEST(RegionScoringTest, LatestSpotPriceIsTheNewestPositivePoint) {
  RegionEvidence evidence;
  const TimePoint t0{};
  evidence.price_history[{"m5.large", "us-east-1a"}] = {
      {"us-east-1a", t0 + std::chrono::hours(2), Money::FromUsd(0.041)},
      {"us-east-1a", t0 + std::chrono::hours(5), Money::FromUsd(0.043)},
      {"us-east-1a", t0 + std::chrono::hours(1), Money::FromUsd(0.040)},
      {"us-east-1a", t0 + std::chrono::hours(9), Money()}};
  evidence.price_history[{"m5.large", "us-east-1b"}] = {};
  const auto latest = LatestSpotPrices(evidence);
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest.at({"m5.large", "us-east-1a"}), Money::FromUsd(0.043));
}

}  // namespace
}  // namespace cloudoptim
