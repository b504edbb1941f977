#include "risk/price_volatility.h"

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cloudoptim {
namespace {

// The real DescribeSpotPriceHistory response for m5.large (250 points over five zones).
std::vector<SpotPricePoint> LoadM5LargeHistory() {
  std::ifstream file(std::string(CO_SOURCE_DIR) +
                     "/testdata/risk/m5_large_spot_price_history.json");
  std::stringstream text;
  text << file.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, false);
  std::vector<SpotPricePoint> points;
  if (json.is_discarded()) return points;
  for (const nlohmann::json& item : json["SpotPriceHistory"]) {
    SpotPricePoint point;
    point.availability_zone = item["AvailabilityZone"].get<std::string>();
    point.usd_per_hour = Money::FromUsd(std::stod(item["SpotPrice"].get<std::string>()));
    EXPECT_TRUE(ParseRfc3339(item["Timestamp"].get<std::string>(), &point.timestamp));
    points.push_back(point);
  }
  return points;
}

SpotPricePoint At(int hour, double usd) {
  return SpotPricePoint{"us-east-1a", TimePoint{} + std::chrono::hours(hour), Money::FromUsd(usd)};
}

TEST(PriceVolatilityTest, RealM5LargeHistoryIsCalm) {
  const std::vector<SpotPricePoint> all = LoadM5LargeHistory();
  ASSERT_EQ(all.size(), 250u);
  std::map<std::string, std::vector<SpotPricePoint>> by_zone;
  for (const SpotPricePoint& p : all) by_zone[p.availability_zone].push_back(p);
  ASSERT_EQ(by_zone.size(), 5u);

  const VolatilityStats a = MeasureVolatility(by_zone["us-east-1a"]);
  EXPECT_EQ(a.point_count, 48);
  EXPECT_NEAR(a.mean_usd_per_hour.usd(), 0.04149, 0.00001);
  EXPECT_NEAR(a.coefficient_of_variation, 0.0088, 0.0005);
  // 1f moves most (0.0402..0.0437), 1d least (0.0425..0.0431).
  const VolatilityStats d = MeasureVolatility(by_zone["us-east-1d"]);
  const VolatilityStats f = MeasureVolatility(by_zone["us-east-1f"]);
  EXPECT_NEAR(f.coefficient_of_variation, 0.0241, 0.0005);
  EXPECT_NEAR(f.max_relative_jump, 0.0073, 0.0005);
  EXPECT_LT(VolatilityRisk(d), VolatilityRisk(f));
  // Calm real pools score well below the no-history prior.
  for (const auto& [zone, points] : by_zone) {
    EXPECT_LT(VolatilityRisk(MeasureVolatility(points)), kVolatilityPriorRisk) << zone;
  }
}

TEST(PriceVolatilityTest, OrderOfPointsDoesNotMatter) {
  std::vector<SpotPricePoint> points = {At(0, 0.10), At(1, 0.12), At(2, 0.09)};
  std::vector<SpotPricePoint> reversed(points.rbegin(), points.rend());
  EXPECT_DOUBLE_EQ(MeasureVolatility(points).max_relative_jump,
                   MeasureVolatility(reversed).max_relative_jump);
  EXPECT_NEAR(MeasureVolatility(points).max_relative_jump, 0.25, 1e-9);  // 0.12 -> 0.09
}

TEST(PriceVolatilityTest, TooLittleHistoryGivesThePrior) {
  std::vector<SpotPricePoint> two = {At(0, 0.10), At(1, 0.50)};
  EXPECT_DOUBLE_EQ(VolatilityRisk(MeasureVolatility(two)), kVolatilityPriorRisk);
  EXPECT_DOUBLE_EQ(VolatilityRisk(MeasureVolatility({})), kVolatilityPriorRisk);
}

TEST(PriceVolatilityTest, FlatPricesAreRiskFreeAndWildPricesFullRisk) {
  std::vector<SpotPricePoint> flat = {At(0, 0.1), At(1, 0.1), At(2, 0.1), At(3, 0.1)};
  EXPECT_DOUBLE_EQ(VolatilityRisk(MeasureVolatility(flat)), 0.0);
  std::vector<SpotPricePoint> wild = {At(0, 0.1), At(1, 0.3), At(2, 0.1), At(3, 0.3)};
  EXPECT_DOUBLE_EQ(VolatilityRisk(MeasureVolatility(wild)), 1.0);
}

TEST(PriceVolatilityTest, BiggerSwingsNeverLowerTheRisk) {
  double previous = -1;
  for (double swing = 0; swing <= 0.5; swing += 0.01) {
    std::vector<SpotPricePoint> points = {At(0, 0.1), At(1, 0.1 * (1 + swing)), At(2, 0.1),
                                          At(3, 0.1 * (1 + swing))};
    const double risk = VolatilityRisk(MeasureVolatility(points));
    EXPECT_GE(risk, previous) << swing;
    previous = risk;
  }
}

TEST(PriceVolatilityTest, NonPositivePricesAreIgnored) {
  std::vector<SpotPricePoint> points = {At(0, 0.1), At(1, 0), At(2, 0.1), At(3, 0.1)};
  EXPECT_EQ(MeasureVolatility(points).point_count, 3);
  EXPECT_DOUBLE_EQ(MeasureVolatility(points).max_relative_jump, 0);
}

}  // namespace
}  // namespace cloudoptim
