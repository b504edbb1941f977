#include "risk/price_volatility.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cloudoptim {

VolatilityStats MeasureVolatility(std::span<const SpotPricePoint> points) {
  std::vector<const SpotPricePoint*> ordered;
  ordered.reserve(points.size());
  for (const SpotPricePoint& point : points) {
    if (point.usd_per_hour.micros() > 0) ordered.push_back(&point);
  }
  std::stable_sort(
      ordered.begin(), ordered.end(),
      [](const SpotPricePoint* a, const SpotPricePoint* b) { return a->timestamp < b->timestamp; });
  VolatilityStats stats;
  stats.point_count = static_cast<int32_t>(ordered.size());
  if (ordered.empty()) return stats;

  double sum = 0;
  for (const SpotPricePoint* point : ordered) sum += point->usd_per_hour.usd();
  const double mean = sum / static_cast<double>(ordered.size());
  double squares = 0;
  for (const SpotPricePoint* point : ordered) {
    const double delta = point->usd_per_hour.usd() - mean;
    squares += delta * delta;
  }
  stats.mean_usd_per_hour = Money::FromUsd(mean);
  stats.coefficient_of_variation = std::sqrt(squares / static_cast<double>(ordered.size())) / mean;
  for (size_t i = 1; i < ordered.size(); ++i) {
    const double previous = ordered[i - 1]->usd_per_hour.usd();
    const double jump = std::abs(ordered[i]->usd_per_hour.usd() - previous) / previous;
    stats.max_relative_jump = std::max(stats.max_relative_jump, jump);
  }
  return stats;
}

double VolatilityRisk(const VolatilityStats& stats) {
  if (stats.point_count < kMinVolatilityPoints) return kVolatilityPriorRisk;
  const double spread =
      std::min(1.0, stats.coefficient_of_variation / kFullRiskCoefficientOfVariation);
  const double jump = std::min(1.0, stats.max_relative_jump / kFullRiskRelativeJump);
  return 0.5 * spread + 0.5 * jump;
}

}  // namespace cloudoptim
