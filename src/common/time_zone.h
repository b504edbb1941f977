// An IANA time zone (from the system's tzdata, through the date-tz library) that converts
// between UTC instants and local wall-clock time, daylight-saving rules included. Local times
// are carried in a TimePoint whose calendar fields read as the wall clock ("local TimePoint"),
// so calendar code written for UTC works on them unchanged.
//
//   Result<TimeZone> berlin = TimeZone::Find("Europe/Berlin");
//   TimePoint local = berlin->ToLocal(now);                 // 09:00 local reads as 09:00
//   std::optional<TimePoint> utc = berlin->FromLocal(local);  // nullopt inside a DST gap
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"

namespace cloudoptim {

class TimeZone {
 public:
  // UTC; also what an empty name means.
  TimeZone() = default;
  // InvalidArgument naming the zone when tzdata does not know it ("Mars/Olympus").
  static Result<TimeZone> Find(std::string_view iana_name);

  const std::string& name() const { return name_; }
  bool is_utc() const { return zone_ == nullptr; }

  TimePoint ToLocal(TimePoint utc) const;
  // The instant a local wall-clock time happens: nullopt when the clock skips it (spring
  // forward), the earlier one when it happens twice (fall back).
  std::optional<TimePoint> FromLocal(TimePoint local) const;

 private:
  const void* zone_ = nullptr;  // a const date::time_zone*, kept out of this header
  std::string name_ = "UTC";
};

}  // namespace cloudoptim
