#include "model/quantity.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace cloudoptim {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
// Kubernetes keeps at most nine decimal places (nano); finer values are rounded up to 1n.
constexpr int32_t kNanoScale = -9;
// No real quantity is this long; the cap keeps the exact arithmetic below cheap on hostile input.
constexpr size_t kMaxInputLength = 1024;

// An unsigned integer of any size, just big enough for parsing: "1.25Ei" or "0.000000000123"
// must be computed exactly before rounding to nano and checking the range, and their exact
// values do not fit in 64 bits. Little-endian base-2^32 limbs.
class BigUnsigned {
 public:
  void MultiplyAdd(uint32_t factor, uint32_t addend) {
    uint64_t carry = addend;
    for (uint32_t& limb : limbs_) {
      const uint64_t product = static_cast<uint64_t>(limb) * factor + carry;
      limb = static_cast<uint32_t>(product);
      carry = product >> 32;
    }
    if (carry != 0) limbs_.push_back(static_cast<uint32_t>(carry));
  }
  // Divides in place and returns the remainder.
  uint32_t Divide(uint32_t divisor) {
    uint64_t remainder = 0;
    for (size_t i = limbs_.size(); i-- > 0;) {
      const uint64_t current = (remainder << 32) | limbs_[i];
      limbs_[i] = static_cast<uint32_t>(current / divisor);
      remainder = current % divisor;
    }
    while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
    return static_cast<uint32_t>(remainder);
  }
  bool IsZero() const { return limbs_.empty(); }
  size_t LimbCount() const { return limbs_.size(); }
  bool IsMultipleOf10() const {
    BigUnsigned copy = *this;
    return copy.Divide(10) == 0;
  }
  // The value when it is at most 2^63 - 1.
  std::optional<int64_t> ToInt64() const {
    if (limbs_.size() > 2) return std::nullopt;
    uint64_t value = 0;
    for (size_t i = limbs_.size(); i-- > 0;) value = (value << 32) | limbs_[i];
    if (value > static_cast<uint64_t>(kInt64Max)) return std::nullopt;
    return static_cast<int64_t>(value);
  }

 private:
  std::vector<uint32_t> limbs_;
};

struct Suffix {
  int32_t base = 10;     // 10 or 2
  int64_t exponent = 0;  // power of `base`
  Quantity::Format format = Quantity::Format::kDecimalSI;
};

// The suffixes of Kubernetes' grammar: binary SI, decimal SI, or an exponent "e<int>"/"E<int>".
// A bare "E" is exa, not an exponent.
std::optional<Suffix> ParseSuffix(std::string_view s) {
  using F = Quantity::Format;
  static constexpr std::pair<std::string_view, int32_t> kDecimal[] = {
      {"", 0},  {"n", -9}, {"u", -6}, {"m", -3}, {"k", 3},
      {"M", 6}, {"G", 9},  {"T", 12}, {"P", 15}, {"E", 18}};
  static constexpr std::pair<std::string_view, int32_t> kBinary[] = {
      {"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}};
  for (const auto& [name, exponent] : kDecimal) {
    if (s == name) return Suffix{10, exponent, F::kDecimalSI};
  }
  for (const auto& [name, exponent] : kBinary) {
    if (s == name) return Suffix{2, exponent, F::kBinarySI};
  }
  if (s.size() < 2 || (s[0] != 'e' && s[0] != 'E')) return std::nullopt;
  size_t pos = 1;
  const bool negative = s[pos] == '-';
  if (s[pos] == '-' || s[pos] == '+') ++pos;
  if (pos == s.size()) return std::nullopt;
  int64_t exponent = 0;
  for (; pos < s.size(); ++pos) {
    if (s[pos] < '0' || s[pos] > '9') return std::nullopt;
    // Any exponent beyond a few hundred makes a non-zero value out of range or round to 1n,
    // so saturating here changes no outcome while keeping the arithmetic in range.
    exponent = std::min<int64_t>(exponent * 10 + (s[pos] - '0'), 1'000'000);
  }
  return Suffix{10, negative ? -exponent : exponent, F::kDecimalExponent};
}

// A quantity split into sign, digits before and after the point, and the suffix text.
struct Number {
  bool negative = false;
  std::string_view int_digits;
  std::string_view frac_digits;
  std::string_view suffix;
};

Number SplitNumber(std::string_view text) {
  Number n;
  size_t pos = 0;
  n.negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) ++pos;
  auto digits_from = [&](size_t begin) {
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    return text.substr(begin, pos - begin);
  };
  n.int_digits = digits_from(pos);
  if (pos < text.size() && text[pos] == '.') n.frac_digits = digits_from(++pos);
  n.suffix = text.substr(pos);
  return n;
}

// mantissa * 10^exponent10 becomes a whole number of nanos, rounded away from zero (the
// mantissa is a magnitude): Kubernetes rounds "you asked for some" up rather than to zero.
void RoundUpToNanos(BigUnsigned* mantissa, int64_t* exponent10) {
  if (*exponent10 >= kNanoScale) return;
  const int64_t drop = kNanoScale - *exponent10;
  bool inexact = false;
  // A number of 32n bits has fewer than 10n decimal digits: dropping that many leaves zero.
  if (drop > static_cast<int64_t>(10 * mantissa->LimbCount())) {
    *mantissa = BigUnsigned();
    inexact = true;
  } else {
    for (int64_t i = 0; i < drop; ++i) inexact |= mantissa->Divide(10) != 0;
  }
  if (inexact) mantissa->MultiplyAdd(1, 1);
  *exponent10 = kNanoScale;
}

std::unexpected<Error> Invalid(std::string_view text, std::string_view why) {
  std::string message = "invalid quantity \"";
  message += text;
  message += "\": ";
  message += why;
  return InvalidArgument(std::move(message));
}

__int128 Pow10(int32_t n) {
  __int128 result = 1;
  for (int32_t i = 0; i < n; ++i) result *= 10;
  return result;
}

// Divides by 10^digits, rounding away from zero (Kubernetes' inf.RoundUp and
// negativeScaleInt64 both round away from zero, so "-100m" has Value() -1).
__int128 DivideAwayFromZero(__int128 value, int32_t digits) {
  const __int128 divisor = Pow10(digits);
  __int128 quotient = value / divisor;
  if (value % divisor != 0) quotient += value > 0 ? 1 : -1;
  return quotient;
}

// The exact value in nanos; always fits, as |value| < 2^63 and scale >= -9.
__int128 ToNanos(int64_t value, int32_t scale) {
  return static_cast<__int128>(value) * Pow10(scale - kNanoScale);
}

int64_t Saturate(__int128 value) {
  if (value > kInt64Max) return kInt64Max;
  if (value < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

std::string Int128ToString(__int128 value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  std::string digits;
  while (value != 0) {
    const int digit = static_cast<int>(value % 10);
    digits.insert(digits.begin(), static_cast<char>('0' + (digit < 0 ? -digit : digit)));
    value /= 10;
  }
  return negative ? "-" + digits : digits;
}

std::string_view DecimalSiSuffix(int32_t exponent) {
  switch (exponent) {
    case -9:
      return "n";
    case -6:
      return "u";
    case -3:
      return "m";
    case 0:
      return "";
    case 3:
      return "k";
    case 6:
      return "M";
    case 9:
      return "G";
    case 12:
      return "T";
    case 15:
      return "P";
    case 18:
      return "E";
  }
  return "?";
}

}  // namespace

// Parsing is exact: the digits are read into a big integer, scaled by the suffix (times 2^k
// for binary suffixes, times 10^k for decimal ones), rounded up to a whole number of nanos
// as Kubernetes does, and only then checked against the range CloudOptim supports (the
// value and its digits at the finest needed scale fit in an int64). Kubernetes falls back to
// arbitrary-precision decimals for larger values (and caps binary ones at 2^63-1); no
// Kubernetes resource comes near that, so we reject them with a clear error instead.
Result<Quantity> Quantity::Parse(std::string_view text) {
  if (text.empty()) return Invalid(text, "empty string");
  if (text.size() > kMaxInputLength) {
    return InvalidArgument("invalid quantity: longer than 1024 characters");
  }
  const Number number = SplitNumber(text);
  if (number.int_digits.empty() && number.frac_digits.empty()) {
    return Invalid(text, "expected a number before the suffix (e.g. \"128Mi\", \"0.5\")");
  }
  const std::string_view suffix_text = number.suffix;
  const std::optional<Suffix> suffix = ParseSuffix(suffix_text);
  if (!suffix) {
    return Invalid(text, "unknown suffix \"" + std::string(suffix_text) +
                             "\" (expected one of n u m k M G T P E Ki Mi Gi Ti Pi Ei or e<int>)");
  }

  BigUnsigned mantissa;
  for (char c : number.int_digits) mantissa.MultiplyAdd(10, static_cast<uint32_t>(c - '0'));
  for (char c : number.frac_digits) mantissa.MultiplyAdd(10, static_cast<uint32_t>(c - '0'));
  int64_t exponent10 = -static_cast<int64_t>(number.frac_digits.size());
  if (suffix->base == 10) {
    exponent10 += suffix->exponent;
  } else {
    for (int64_t i = 0; i < suffix->exponent; i += 10) mantissa.MultiplyAdd(1024, 0);
  }
  Quantity q;
  q.format_ = suffix->format;
  if (mantissa.IsZero()) return q;

  RoundUpToNanos(&mantissa, &exponent10);
  while (!mantissa.IsZero() && mantissa.IsMultipleOf10()) {
    mantissa.Divide(10);
    ++exponent10;
  }
  const std::optional<int64_t> digits = mantissa.ToInt64();
  if (!digits || exponent10 > 18 ||
      (exponent10 > 0 &&
       static_cast<__int128>(*digits) * Pow10(static_cast<int32_t>(exponent10)) > kInt64Max)) {
    return Invalid(text,
                   "out of range (CloudOptim supports magnitudes below 2^63 whose digits, "
                   "rounded up to nanos, fit in 63 bits)");
  }
  q.value_ = number.negative ? -*digits : *digits;
  q.scale_ = static_cast<int32_t>(exponent10);
  // A binary quantity strictly between 0 and 1 (after rounding) is shown in decimal, as
  // Kubernetes does: "0.000000000001Ki" is "2n".
  if (q.format_ == Format::kBinarySI && q.scale_ < 0 && *digits < Pow10(-q.scale_)) {
    q.format_ = Format::kDecimalSI;
  }
  return q;
}

// Normalised like a parsed quantity: trailing decimal zeros removed, sub-nano digits rounded
// up. Values beyond the supported range saturate (callers pass int64 counts of bytes or
// millis, which are always in range).
Quantity Quantity::FromScaled(int64_t value, int32_t scale, Format format) {
  Quantity q;
  q.format_ = format;
  if (value == 0) return q;
  __int128 v = value;
  if (scale < kNanoScale) {
    v = kNanoScale - scale > 38 ? (v > 0 ? 1 : -1) : DivideAwayFromZero(v, kNanoScale - scale);
    scale = kNanoScale;
  }
  while (v % 10 == 0 && scale < 100) {
    v /= 10;
    ++scale;
  }
  if (scale > 0) {
    v = scale > 18 ? (v > 0 ? kInt64Max : -kInt64Max) : v * Pow10(scale);
    v = std::clamp<__int128>(v, -kInt64Max, kInt64Max);
    scale = 0;
    while (v % 10 == 0) {
      v /= 10;
      ++scale;
    }
  }
  q.value_ = static_cast<int64_t>(v);
  q.scale_ = scale;
  return q;
}

int64_t Quantity::Value() const {
  return Saturate(DivideAwayFromZero(ToNanos(value_, scale_), -kNanoScale));
}

int64_t Quantity::MilliValue() const {
  return Saturate(DivideAwayFromZero(ToNanos(value_, scale_), -kNanoScale - 3));
}

int Quantity::Compare(const Quantity& other) const {
  const __int128 a = ToNanos(value_, scale_);
  const __int128 b = ToNanos(other.value_, other.scale_);
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Kubernetes' canonical form: the largest suffix that loses no precision and needs no
// fractional digits. Binary quantities use a power-of-1024 suffix only when the value is a
// whole number of at least 1024 in magnitude; otherwise they print as decimal SI ("500m",
// "1k"). Decimal quantities move their exponent down to a multiple of three.
std::string Quantity::ToString() const {
  if (value_ == 0) return "0";
  Format format = format_;
  if (format == Format::kBinarySI) {
    const __int128 nanos = ToNanos(value_, scale_);
    const __int128 limit = static_cast<__int128>(1024) * Pow10(-kNanoScale);
    if ((nanos > -limit && nanos < limit) || scale_ < 0) format = Format::kDecimalSI;
  }
  if (format == Format::kBinarySI) {
    __int128 whole = static_cast<__int128>(value_) * Pow10(scale_);
    int power = 0;
    while (whole % 1024 == 0 && power < 6) {
      whole /= 1024;
      ++power;
    }
    static constexpr std::string_view kBinary[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    return Int128ToString(whole) + std::string(kBinary[power]);
  }
  __int128 mantissa = value_;
  int32_t exponent = scale_;
  switch (exponent % 3) {
    case 1:
    case -2:
      mantissa *= 10;
      exponent -= 1;
      break;
    case 2:
    case -1:
      mantissa *= 100;
      exponent -= 2;
      break;
  }
  std::string out = Int128ToString(mantissa);
  if (format == Format::kDecimalExponent || exponent > 18) {
    if (exponent != 0) out += "e" + std::to_string(exponent);
    return out;
  }
  out += DecimalSiSuffix(exponent);
  return out;
}

}  // namespace cloudoptim
