// A CronJob's spec.schedule: the standard five cron fields (minute, hour, day of month,
// month, day of week) with lists, ranges, steps and month/day names, or the macros
// @yearly/@annually, @monthly, @weekly, @daily/@midnight, @hourly, matched against the wall
// clock of spec.timeZone (UTC when unset).
//
//   Result<CronSchedule> every_5 = CronSchedule::Parse("*/5 * * * *");
//   std::optional<TimePoint> next = every_5->Next(now);   // first matching minute after now
//   next = every_5->Next(now, *TimeZone::Find("Europe/Berlin"));
#pragma once

#include <bitset>
#include <optional>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"
#include "common/time_zone.h"

namespace cloudoptim::sandbox {

class CronSchedule {
 public:
  // InvalidArgument naming the field and its text ("schedule: hour field \"25\" out of
  // range 0-23").
  static Result<CronSchedule> Parse(std::string_view text);

  // The first whole minute strictly after `after` whose wall-clock time in `zone` matches;
  // nullopt when none does within eight years (e.g. "0 0 30 2 *"). Across daylight-saving
  // changes: a local time the clock skips does not run, one it repeats runs once (the first).
  std::optional<TimePoint> Next(TimePoint after, const TimeZone& zone = {}) const;

  // As Vixie cron: when both day fields are restricted, a day matching either one runs.
  bool Matches(TimePoint minute) const;

 private:
  // Next() on a clock without daylight saving (UTC, or local wall-clock time as a TimePoint).
  std::optional<TimePoint> NextOnWallClock(TimePoint after) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;
};

}  // namespace cloudoptim::sandbox
