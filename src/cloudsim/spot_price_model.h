// How the simulated account's spot prices move: the catalogue's estimate (on-demand × (1 −
// Spot Advisor savings)) times a factor that differs per zone and steps every hour, the way
// real spot prices drift a few percent between zones and over a day. Deterministic from the
// seed, so a DescribeSpotPriceHistory asked twice answers the same.
//
//   SpotPriceModel model(/*seed=*/7);
//   double f = model.Factor("m5.large", "us-east-1a", now);   // within [0.95, 1.05]
//   Money price = model.Apply(estimate, "m5.large", "us-east-1a", now);
#pragma once

#include <cstdint>
#include <string_view>

#include "common/clock.h"
#include "common/money.h"

namespace cloudoptim {

class SpotPriceModel {
 public:
  // The factor stays within 1 ± (kZoneSpread + kHourlySpread).
  static constexpr double kZoneSpread = 0.02;
  static constexpr double kHourlySpread = 0.03;
  static constexpr Duration kStep = std::chrono::hours(1);

  explicit SpotPriceModel(uint64_t seed) : seed_(seed) {}

  double Factor(std::string_view instance_type, std::string_view zone, TimePoint at) const;
  Money Apply(Money estimate, std::string_view instance_type, std::string_view zone,
              TimePoint at) const;
  // The start of the hourly step containing `at` (when the price in effect at `at` was set).
  static TimePoint StepStart(TimePoint at);

 private:
  uint64_t seed_;
};

}  // namespace cloudoptim
