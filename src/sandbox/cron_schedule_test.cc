#include "sandbox/cron_schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cloudoptim::sandbox {
namespace {

TimePoint At(const char* rfc3339) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

std::string NextAfter(const char* schedule, const char* after, const char* zone_name = "") {
  Result<CronSchedule> s = CronSchedule::Parse(schedule);
  if (!s) return s.error().message;
  Result<TimeZone> zone = TimeZone::Find(zone_name);
  if (!zone) return zone.error().message;
  std::optional<TimePoint> next = s->Next(At(after), *zone);
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

TEST(CronScheduleTest, SchedulesFollowTheWallClockOfTheirTimeZone) {
  // 09:00 in Berlin is 08:00 UTC in winter (CET) and 07:00 UTC in summer (CEST).
  EXPECT_EQ(NextAfter("0 9 * * *", "2026-11-26T07:00:00Z", "Europe/Berlin"),
            "2026-11-26T08:00:00Z");
  EXPECT_EQ(NextAfter("0 9 * * *", "2026-07-01T00:00:00Z", "Europe/Berlin"),
            "2026-07-01T07:00:00Z");
  // Weekdays are the zone's: 23:30 on Sunday in Tokyo is still Sunday 14:30 UTC.
  EXPECT_EQ(NextAfter("30 23 * * sun", "2026-11-26T00:00:00Z", "Asia/Tokyo"),
            "2026-11-29T14:30:00Z");
  EXPECT_EQ(NextAfter("0 9 * * *", "2026-11-26T07:00:00Z", "UTC"), "2026-11-26T09:00:00Z");
}

TEST(CronScheduleTest, ALocalTimeTheClockSkipsDoesNotRun) {
  // New York springs forward on 2026-03-08 at 02:00 EST: 02:30 does not exist that day.
  EXPECT_EQ(NextAfter("30 2 * * *", "2026-03-07T08:00:00Z", "America/New_York"),
            "2026-03-09T06:30:00Z");
  // Every half hour in Berlin on 2026-03-29: 01:30 CET, then 03:00 CEST (02:xx is skipped).
  EXPECT_EQ(NextAfter("*/30 * * * *", "2026-03-29T00:30:00Z", "Europe/Berlin"),
            "2026-03-29T01:00:00Z");
}

TEST(CronScheduleTest, ALocalTimeTheClockRepeatsRunsOnce) {
  // New York falls back on 2026-11-01 at 02:00 EDT: 01:30 happens at 05:30Z and at 06:30Z.
  EXPECT_EQ(NextAfter("30 1 * * *", "2026-11-01T04:00:00Z", "America/New_York"),
            "2026-11-01T05:30:00Z");
  EXPECT_EQ(NextAfter("30 1 * * *", "2026-11-01T05:30:00Z", "America/New_York"),
            "2026-11-02T06:30:00Z");
}

TEST(CronScheduleTest, AnUnknownTimeZoneIsNamed) {
  EXPECT_THAT(NextAfter("0 9 * * *", "2026-11-26T00:00:00Z", "Mars/Olympus_Mons"),
              ::testing::HasSubstr("unknown time zone \"Mars/Olympus_Mons\""));
}

}  // namespace
}  // namespace cloudoptim::sandbox
