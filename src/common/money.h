// Money as fixed-point micro-dollars (1 USD = 1,000,000 micros), so that sums of thousands of
// prices are exact and savings never drift with floating-point rounding.
//
//   Money hourly = Money::FromUsd(0.096);          // m5.large on-demand, us-east-1
//   Money monthly = hourly.PerHourToMonthly();      // 730 hours: $70.08
//   std::string s = monthly.ToString();             // "$70.08"
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace cloudoptim {

class Money {
 public:
  // AWS bills by the hour; a month is 730 hours (8760 / 12), as AWS's pricing pages use.
  static constexpr int64_t kHoursPerMonth = 730;
  static constexpr int64_t kMicrosPerUsd = 1'000'000;

  constexpr Money() = default;
  static constexpr Money FromMicros(int64_t micros) { return Money(micros); }
  // Rounds to the nearest micro-dollar. Prices arrive as decimal strings or doubles with at
  // most 8 significant decimals; micro-dollar precision loses nothing that matters.
  static Money FromUsd(double usd);

  constexpr int64_t micros() const { return micros_; }
  double usd() const { return static_cast<double>(micros_) / kMicrosPerUsd; }

  // An hourly rate as a 730-hour month.
  constexpr Money PerHourToMonthly() const { return Money(micros_ * kHoursPerMonth); }
  // Scales by a real factor (a share, a discount, hours as a fraction), rounding to the micro.
  Money Scaled(double factor) const;

  constexpr Money operator+(Money other) const { return Money(micros_ + other.micros_); }
  constexpr Money operator-(Money other) const { return Money(micros_ - other.micros_); }
  constexpr Money operator-() const { return Money(-micros_); }
  constexpr Money operator*(int64_t count) const { return Money(micros_ * count); }
  constexpr Money& operator+=(Money other) {
    micros_ += other.micros_;
    return *this;
  }
  constexpr Money& operator-=(Money other) {
    micros_ -= other.micros_;
    return *this;
  }
  constexpr auto operator<=>(const Money&) const = default;
  constexpr bool IsZero() const { return micros_ == 0; }

  // "$1,234.56": two decimals, rounded half away from zero ("$0.10" for $0.096). Use
  // ToDecimalString() where sub-cent precision matters (hourly prices).
  std::string ToString() const;
  // Four decimals, no thousands separator: "0.0960". For hourly prices in tables and CSV.
  std::string ToDecimalString(int decimals = 4) const;

 private:
  constexpr explicit Money(int64_t micros) : micros_(micros) {}
  int64_t micros_ = 0;
};

}  // namespace cloudoptim
