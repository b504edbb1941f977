#include "common/money.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace cloudoptim {

Money Money::FromUsd(double usd) {
  return Money(static_cast<int64_t>(std::llround(usd * static_cast<double>(kMicrosPerUsd))));
}

Money Money::Scaled(double factor) const {
  return Money(static_cast<int64_t>(std::llround(static_cast<double>(micros_) * factor)));
}

std::string Money::ToDecimalString(int decimals) const {
  const int64_t magnitude = std::llabs(micros_);
  int64_t divisor = 1;
  for (int i = decimals; i < 6; ++i) divisor *= 10;
  // Round half away from zero at the requested number of decimals.
  const int64_t scaled = (magnitude + divisor / 2) / divisor;
  int64_t unit = 1;
  for (int i = 0; i < decimals; ++i) unit *= 10;
  std::string out = micros_ < 0 && scaled != 0 ? "-" : "";
  out += std::to_string(scaled / unit);
  if (decimals > 0) out += fmt::format(".{:0{}}", scaled % unit, decimals);
  return out;
}

std::string Money::ToString() const {
  std::string digits = ToDecimalString(2);
  const bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  const size_t dot = digits.find('.');
  std::string whole = digits.substr(0, dot);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(i, ",");
  return (negative ? "-$" : "$") + whole + digits.substr(dot);
}

}  // namespace cloudoptim
