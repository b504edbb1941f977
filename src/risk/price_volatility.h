// Price volatility of one spot pool from its price history (DescribeSpotPriceHistory points):
// how much the price moves around its mean and the largest single step. A pool whose price
// swings is a pool whose spare capacity swings, and interruptions follow spare capacity.
//
//   VolatilityStats stats = MeasureVolatility(points_of_one_pool);
//   double risk = VolatilityRisk(stats);   // [0,1]; prior when there is too little history
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "common/clock.h"
#include "common/money.h"

namespace cloudoptim {

// One point of a spot price series, as DescribeSpotPriceHistory returns it.
struct SpotPricePoint {
  std::string availability_zone;
  TimePoint timestamp{};
  Money usd_per_hour;
};

struct VolatilityStats {
  int32_t point_count = 0;
  Money mean_usd_per_hour;
  double coefficient_of_variation = 0;  // population stddev / mean
  double max_relative_jump = 0;         // max |p[i] - p[i-1]| / p[i-1], points in time order
};

// The statistics of the points as given (the caller passes one pool's points; any order).
// Points with a non-positive price are ignored, as AWS never publishes them.
VolatilityStats MeasureVolatility(std::span<const SpotPricePoint> points);

// Fewer points than this say nothing about volatility; the prior applies instead.
inline constexpr int32_t kMinVolatilityPoints = 3;
// What we assume about a pool without history: a little volatile, not calm. It keeps day-zero
// scores of pools in Spot Advisor's lowest band above the 0.75 safety line, and others below.
inline constexpr double kVolatilityPriorRisk = 0.25;
// Scale of the mapping: a coefficient of variation of 10% or a 20% single step is as volatile
// as spot prices get since AWS smoothed pricing in 2017 (m5.large in us-east-1: CV 0.4-2.4%,
// max step 0.7%).
inline constexpr double kFullRiskCoefficientOfVariation = 0.10;
inline constexpr double kFullRiskRelativeJump = 0.20;

// Risk in [0,1]: the mean of the two normalised measures; the prior below kMinVolatilityPoints.
double VolatilityRisk(const VolatilityStats& stats);

}  // namespace cloudoptim
