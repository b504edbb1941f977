#include "common/time_zone.h"

#include <date/tz.h>

namespace cloudoptim {
namespace {

const date::time_zone* Zone(const void* zone) { return static_cast<const date::time_zone*>(zone); }

}  // namespace

Result<TimeZone> TimeZone::Find(std::string_view iana_name) {
  TimeZone zone;
  if (iana_name.empty() || iana_name == "UTC" || iana_name == "Etc/UTC") return zone;
  try {
    // locate_zone reads tzdata once (thread-safe) and throws for an unknown name.
    zone.zone_ = date::locate_zone(iana_name);
  } catch (const std::exception& e) {
    return InvalidArgument("unknown time zone \"" + std::string(iana_name) +
                           "\" (an IANA name such as Europe/Berlin is expected): " + e.what());
  }
  zone.name_ = std::string(iana_name);
  return zone;
}

TimePoint TimeZone::ToLocal(TimePoint utc) const {
  if (zone_ == nullptr) return utc;
  const auto local = Zone(zone_)->to_local(utc);
  return TimePoint(local.time_since_epoch());
}

std::optional<TimePoint> TimeZone::FromLocal(TimePoint local) const {
  if (zone_ == nullptr) return local;
  const date::local_time<Duration> wall{local.time_since_epoch()};
  const date::local_info info = Zone(zone_)->get_info(date::floor<std::chrono::seconds>(wall));
  if (info.result == date::local_info::nonexistent) return std::nullopt;
  // unique or ambiguous: the first offset is the earlier instant.
  return TimePoint((wall - info.first.offset).time_since_epoch());
}

}  // namespace cloudoptim
