// Kubernetes resource quantities ("100m", "1.5Gi", "1e3"), parsed and formatted exactly as
// k8s.io/apimachinery's resource.Quantity does, including its canonical form.
//
//   Result<Quantity> q = Quantity::Parse("1.5Gi");
//   q->Value();          // 1610612736 (bytes)
//   q->MilliValue();     // for CPU: "100m" -> 100
//   q->ToString();       // canonical: "1536Mi"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace cloudoptim {

class Quantity {
 public:
  // How the quantity is written, kept so that formatting round-trips the suffix family.
  enum class Format { kDecimalSI, kBinarySI, kDecimalExponent };

  Quantity() = default;

  // Parses the Kubernetes quantity grammar:
  //   <quantity> ::= <signedNumber><suffix>, suffix ::= Ki|Mi|Gi|Ti|Pi|Ei | n|u|m|""|k|M|G|T|P|E
  //                  | e<signedInteger> | E<signedInteger>
  // Digits below 1n are rounded up (away from zero), as Kubernetes does.
  // Errors (InvalidArgument) name the input: "1.5.5", "Mi", "", "1 Gi", and values out of
  // CloudOptim's range: |value| < 2^63 with its digits at nano precision fitting in 63 bits
  // ("12E", "9Ei" and "1e19" are rejected where Kubernetes would use big decimals or cap).
  static Result<Quantity> Parse(std::string_view text);
  // Builds from an integer scaled by 10^scale (e.g. FromScaled(100, -3) is "100m").
  static Quantity FromScaled(int64_t value, int32_t scale, Format format);
  static Quantity FromMillis(int64_t millis) { return FromScaled(millis, -3, Format::kDecimalSI); }
  static Quantity FromBytes(int64_t bytes) { return FromScaled(bytes, 0, Format::kBinarySI); }

  // The value rounded up (away from zero) to an integer, as Quantity.Value(): "100m" -> 1,
  // "-100m" -> -1, "1.5Gi" -> 1610612736.
  int64_t Value() const;
  // The value * 1000 rounded up (as Quantity.MilliValue()): "0.5" -> 500, "1" -> 1000.
  // Saturates at the int64 limits ("3Ei" has no int64 milli value; Kubernetes overflows).
  int64_t MilliValue() const;
  Format format() const { return format_; }
  bool IsZero() const { return value_ == 0; }

  // The canonical string as Kubernetes prints it ("1536Mi", "500m", "1k", "1e3" stays "1e3",
  // "+1" is "1").
  std::string ToString() const;

  // Compares by value, whatever the format.
  int Compare(const Quantity& other) const;
  bool operator==(const Quantity& other) const { return Compare(other) == 0; }

 private:
  // value_ * 10^scale_, with |value_| held in an int64; the parser rounds up sub-nano
  // fractions the way Kubernetes does (to the nearest 10^-9, away from zero).
  int64_t value_ = 0;
  int32_t scale_ = 0;
  Format format_ = Format::kDecimalSI;
};

}  // namespace cloudoptim
