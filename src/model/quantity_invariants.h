// The properties every input to Quantity::Parse must keep, shared by the libFuzzer target
// (quantity_fuzz.cc) and the unit test that replays its seed corpus and mutations of it.
//
//   std::string broken = CheckQuantityInvariants(input);  // empty when all hold
#pragma once

#include <string>
#include <string_view>

#include "model/quantity.h"

namespace cloudoptim {

// Returns a description of the first violated property, or "" when all hold:
//  - parsing never crashes, and a failure is InvalidArgument naming the input;
//  - the canonical string parses back to an equal quantity and is a fixed point;
//  - Value() and MilliValue() have the sign of the quantity;
//  - the negated input (when unsigned) parses to the opposite value.
inline std::string CheckQuantityInvariants(std::string_view input) {
  Result<Quantity> q = Quantity::Parse(input);
  if (!q) {
    if (!IsInvalidArgument(q.error())) return "error is not InvalidArgument";
    if (input.size() <= 1024 && q.error().message.find(input) == std::string::npos) {
      return "error does not name the input: " + q.error().message;
    }
    return "";
  }
  const std::string canonical = q->ToString();
  Result<Quantity> again = Quantity::Parse(canonical);
  if (!again) return "canonical form \"" + canonical + "\" does not parse";
  if (again->Compare(*q) != 0) return "canonical form \"" + canonical + "\" changes the value";
  if (again->ToString() != canonical) return "canonical form \"" + canonical + "\" not stable";
  const int sign = q->Compare(Quantity());
  auto sign_of = [](int64_t v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); };
  if (sign_of(q->Value()) != sign) return "Value() has the wrong sign";
  if (sign_of(q->MilliValue()) != sign) return "MilliValue() has the wrong sign";
  if (!input.empty() && input[0] != '-' && input[0] != '+') {
    Result<Quantity> negated = Quantity::Parse("-" + std::string(input));
    if (!negated) return "negated input does not parse";
    if (negated->Compare(*q) != -sign) return "negated input does not negate the value";
  }
  return "";
}

}  // namespace cloudoptim
