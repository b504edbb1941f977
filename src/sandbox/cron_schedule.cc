#include "sandbox/cron_schedule.h"

#include <array>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

namespace cloudoptim::sandbox {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_days;
using std::chrono::year_month_day;

struct FieldSpec {
  const char* name;
  int min;
  int max;
  std::array<const char*, 12> names;  // for months (1..) and weekdays (0..)
};

constexpr FieldSpec kMinute{"minute", 0, 59, {}};
constexpr FieldSpec kHour{"hour", 0, 23, {}};
constexpr FieldSpec kDay{"day-of-month", 1, 31, {}};
constexpr FieldSpec kMonth{
    "month",
    1,
    12,
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}};
constexpr FieldSpec kWeekday{
    "day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}};

Result<int> ParseValue(std::string_view text, const FieldSpec& f) {
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (size_t i = 0; i < f.names.size(); ++i) {
    if (f.names[i] != nullptr && lower == f.names[i])
      return static_cast<int>(i) + (f.min == 1 ? 1 : 0);
  }
  char* end = nullptr;
  long value = std::strtol(lower.c_str(), &end, 10);
  if (lower.empty() || *end != '\0' || value < f.min || value > f.max) {
    return InvalidArgument("schedule: " + std::string(f.name) + " field \"" + std::string(text) +
                           "\" out of range " + std::to_string(f.min) + "-" +
                           std::to_string(f.max));
  }
  return static_cast<int>(value);
}

// One field: comma-separated items, each "*", "a", "a-b", optionally "/step". Returns the
// allowed values; `restricted` is false for a bare "*" (which matters for the day fields).
Result<std::vector<int>> ParseField(std::string_view text, const FieldSpec& f, bool* restricted) {
  std::vector<int> values;
  *restricted = text != "*" && text != "?";
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    int step = 1;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      CO_ASSIGN_OR_RETURN(step, ParseValue(item.substr(slash + 1), FieldSpec{f.name, 1, 59, {}}));
      item = item.substr(0, slash);
    }
    int low = f.min, high = f.max;
    if (item != "*" && item != "?") {
      size_t dash = item.find('-');
      CO_ASSIGN_OR_RETURN(low, ParseValue(item.substr(0, dash), f));
      high = low;
      if (dash != std::string_view::npos) {
        CO_ASSIGN_OR_RETURN(high, ParseValue(item.substr(dash + 1), f));
      } else if (step > 1) {
        high = f.max;  // "a/n" means from a to the end, every n
      }
      if (high < low) {
        return InvalidArgument("schedule: " + std::string(f.name) + " range \"" +
                               std::string(item) + "\" runs backwards");
      }
    }
    for (int v = low; v <= high; v += step) values.push_back(v);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return values;
}

std::string_view Macro(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return text;
}

}  // namespace

Result<CronSchedule> CronSchedule::Parse(std::string_view text) {
  std::string_view expanded = Macro(text);
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < expanded.size()) {
    while (i < expanded.size() && expanded[i] == ' ') ++i;
    size_t start = i;
    while (i < expanded.size() && expanded[i] != ' ') ++i;
    if (i > start) fields.push_back(expanded.substr(start, i - start));
  }
  if (fields.size() != 5) {
    return InvalidArgument("schedule: \"" + std::string(text) +
                           "\" needs 5 fields (minute hour day-of-month month day-of-week), has " +
                           std::to_string(fields.size()));
  }
  CronSchedule s;
  bool restricted = false;
  CO_ASSIGN_OR_RETURN(std::vector<int> minutes, ParseField(fields[0], kMinute, &restricted));
  for (int v : minutes) s.minutes_.set(static_cast<size_t>(v));
  CO_ASSIGN_OR_RETURN(std::vector<int> hours, ParseField(fields[1], kHour, &restricted));
  for (int v : hours) s.hours_.set(static_cast<size_t>(v));
  CO_ASSIGN_OR_RETURN(std::vector<int> days, ParseField(fields[2], kDay, &s.days_restricted_));
  for (int v : days) s.days_.set(static_cast<size_t>(v));
  CO_ASSIGN_OR_RETURN(std::vector<int> months, ParseField(fields[3], kMonth, &restricted));
  for (int v : months) s.months_.set(static_cast<size_t>(v));
  CO_ASSIGN_OR_RETURN(std::vector<int> weekdays,
                      ParseField(fields[4], kWeekday, &s.weekdays_restricted_));
  for (int v : weekdays) s.weekdays_.set(static_cast<size_t>(v % 7));  // 7 is Sunday too
  return s;
}

bool CronSchedule::Matches(TimePoint t) const {
  sys_days day = floor<days>(t);
  year_month_day ymd(day);
  auto in_day = floor<minutes>(t) - day;
  int hour = static_cast<int>(floor<hours>(in_day).count());
  int minute = static_cast<int>((in_day - floor<hours>(in_day)).count());
  unsigned weekday = std::chrono::weekday(day).c_encoding();
  bool day_ok = days_.test(static_cast<unsigned>(ymd.day()));
  bool weekday_ok = weekdays_.test(weekday);
  bool date_ok =
      days_restricted_ && weekdays_restricted_ ? (day_ok || weekday_ok) : (day_ok && weekday_ok);
  return months_.test(static_cast<unsigned>(ymd.month())) && date_ok && hours_.test(hour) &&
         minutes_.test(minute);
}

// Skips whole months, days and hours that cannot match, so a yearly schedule costs a few
// dozen steps rather than half a million minutes.
std::optional<TimePoint> CronSchedule::NextOnWallClock(TimePoint after) const {
  TimePoint t = floor<minutes>(after) + minutes(1);
  const TimePoint limit = t + days(366 * 8);
  while (t < limit) {
    sys_days day = floor<days>(t);
    year_month_day ymd(day);
    if (!months_.test(static_cast<unsigned>(ymd.month()))) {
      auto next_month = year_month_day(ymd.year() / ymd.month() / 1) + std::chrono::months(1);
      t = sys_days(next_month);
      continue;
    }
    bool day_ok = days_.test(static_cast<unsigned>(ymd.day()));
    bool weekday_ok = weekdays_.test(std::chrono::weekday(day).c_encoding());
    bool date_ok =
        days_restricted_ && weekdays_restricted_ ? (day_ok || weekday_ok) : (day_ok && weekday_ok);
    if (!date_ok) {
      t = day + days(1);
      continue;
    }
    auto in_day = t - day;
    if (!hours_.test(static_cast<size_t>(floor<hours>(in_day).count()))) {
      t = day + floor<hours>(in_day) + hours(1);
      continue;
    }
    if (Matches(t)) return t;
    t += minutes(1);
  }
  return std::nullopt;
}

// The schedule is read on the zone's wall clock: find the next matching local minute, then the
// instant it happens. A local minute inside a spring-forward gap has no instant (skipped); one
// in a fall-back hour maps to its first instant, which is not after `after` on the second pass
// (so it runs once). At most an hour of candidates can be skipped, hence the bound.
std::optional<TimePoint> CronSchedule::Next(TimePoint after, const TimeZone& zone) const {
  if (zone.is_utc()) return NextOnWallClock(after);
  TimePoint local = zone.ToLocal(after);
  for (int candidates = 0; candidates < 2 * 60 + 1; ++candidates) {
    std::optional<TimePoint> next_local = NextOnWallClock(local);
    if (!next_local) return std::nullopt;
    std::optional<TimePoint> instant = zone.FromLocal(*next_local);
    if (instant && *instant > after) return instant;
    local = *next_local;
  }
  return std::nullopt;
}

}  // namespace cloudoptim::sandbox
