#include "sandbox/cron_schedule.h"

#include <gtest/gtest.h>

namespace cloudoptim::sandbox {
namespace {

TimePoint At(const char* rfc3339) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

std::string NextAfter(const char* schedule, const char* after) {
  Result<CronSchedule> s = CronSchedule::Parse(schedule);
  if (!s) return s.error().message;
  std::optional<TimePoint> next = s->Next(At(after));
  return next ? FormatRfc3339(*next) : "never";
}

TEST(CronScheduleTest, StepsRangesListsAndNames) {
  EXPECT_EQ(NextAfter("*/5 * * * *", "2026-11-26T07:12:30Z"), "2026-11-26T07:15:00Z");
  EXPECT_EQ(NextAfter("*/5 * * * *", "2026-11-26T07:15:00Z"), "2026-11-26T07:20:00Z");
  EXPECT_EQ(NextAfter("30 2 * * *", "2026-11-26T07:00:00Z"), "2026-11-27T02:30:00Z");
  EXPECT_EQ(NextAfter("0 9-17/4 * * mon-fri", "2026-11-27T18:00:00Z"),  // a Friday
            "2026-11-30T09:00:00Z");
  EXPECT_EQ(NextAfter("0 0 1 jan,jul *", "2026-11-26T00:00:00Z"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(NextAfter("@hourly", "2026-11-26T07:59:59Z"), "2026-11-26T08:00:00Z");
  EXPECT_EQ(NextAfter("@weekly", "2026-11-26T00:00:00Z"), "2026-11-29T00:00:00Z");  // Sunday
  EXPECT_EQ(NextAfter("0 0 29 2 *", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00Z");
  EXPECT_EQ(NextAfter("0 0 30 2 *", "2026-03-01T00:00:00Z"), "never");
}

TEST(CronScheduleTest, RestrictedDayFieldsAreOredAsInVixieCron) {
  // The 1st of the month or any Monday.
  EXPECT_EQ(NextAfter("0 0 1 * 1", "2026-11-26T00:00:00Z"), "2026-11-30T00:00:00Z");
  EXPECT_EQ(NextAfter("0 0 1 * 1", "2026-11-30T00:00:00Z"), "2026-12-01T00:00:00Z");
}

TEST(CronScheduleTest, MalformedSchedulesNameTheField) {
  EXPECT_EQ(NextAfter("0 25 * * *", "2026-11-26T00:00:00Z"),
            "schedule: hour field \"25\" out of range 0-23");
  EXPECT_EQ(
      NextAfter("* * *", "2026-11-26T00:00:00Z"),
      "schedule: \"* * *\" needs 5 fields (minute hour day-of-month month day-of-week), has 3");
  EXPECT_EQ(NextAfter("0 0 * foo *", "2026-11-26T00:00:00Z"),
            "schedule: month field \"foo\" out of range 1-12");
  EXPECT_EQ(NextAfter("5-1 * * * *", "2026-11-26T00:00:00Z"),
            "schedule: minute range \"5-1\" runs backwards");
}

}  // namespace
}  // namespace cloudoptim::sandbox
