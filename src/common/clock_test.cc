#include "common/clock.h"

#include <gtest/gtest.h>

#include <string>

namespace cloudoptim {
namespace {

using namespace std::chrono;

TimePoint Utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return time_point_cast<Duration>(sys_days{year{y} / month{mo} / day{d}} + hours(h) + minutes(mi) +
                                   seconds(s));
}

TimePoint Parse(std::string_view text) {
  TimePoint t{};
  EXPECT_TRUE(ParseRfc3339(text, &t)) << text;
  return t;
}

TEST(Rfc3339Test, FormatsUtcWithSeconds) {
  EXPECT_EQ(FormatRfc3339(Utc(2026, 11, 26, 4, 12, 50)), "2026-11-26T04:12:50Z");
  EXPECT_EQ(FormatRfc3339(Utc(1970, 1, 1, 0, 0, 0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(Utc(2024, 2, 29, 23, 59, 59) + milliseconds(999)),
            "2024-02-29T23:59:59Z");  // fractions are dropped
}

TEST(Rfc3339Test, ParsesUtcAndRoundTrips) {
  EXPECT_EQ(Parse("2026-11-26T04:12:50Z"), Utc(2026, 11, 26, 4, 12, 50));
  EXPECT_EQ(Parse("2026-11-26t04:12:50z"), Utc(2026, 11, 26, 4, 12, 50));
  EXPECT_EQ(Parse("2026-11-26 04:12:50Z"), Utc(2026, 11, 26, 4, 12, 50));
  const TimePoint t = Utc(2000, 2, 29, 12, 0, 1);
  EXPECT_EQ(Parse(FormatRfc3339(t)), t);
}

TEST(Rfc3339Test, ParsesFractionalSeconds) {
  EXPECT_EQ(Parse("2026-11-26T04:12:50.5Z"), Utc(2026, 11, 26, 4, 12, 50) + milliseconds(500));
  EXPECT_EQ(Parse("2026-11-26T04:12:50.000001Z"), Utc(2026, 11, 26, 4, 12, 50) + microseconds(1));
  // Digits beyond nanoseconds are ignored, not rejected.
  EXPECT_EQ(Parse("2026-11-26T04:12:50.1234567891234Z"),
            Utc(2026, 11, 26, 4, 12, 50) + duration_cast<Duration>(nanoseconds(123456789)));
}

TEST(Rfc3339Test, AppliesNumericOffsets) {
  EXPECT_EQ(Parse("2026-11-26T05:12:50+01:00"), Utc(2026, 11, 26, 4, 12, 50));
  EXPECT_EQ(Parse("2026-11-25T22:42:50-05:30"), Utc(2026, 11, 26, 4, 12, 50));
  EXPECT_EQ(Parse("2026-11-26T04:12:50+00:00"), Utc(2026, 11, 26, 4, 12, 50));
  EXPECT_EQ(Parse("2027-01-01T00:30:00.25+01:00"),
            Utc(2026, 12, 31, 23, 30, 0) + milliseconds(250));
}

TEST(Rfc3339Test, RejectsMalformedTimestamps) {
  for (const char* bad : {"",
                          "garbage",
                          "2026-11-26",
                          "2026-11-26T04:12:50",
                          "2026-11-26T04:12Z",
                          "2026-13-01T00:00:00Z",
                          "2026-00-01T00:00:00Z",
                          "2026-02-30T00:00:00Z",
                          "2026-11-26T24:00:00Z",
                          "2026-11-26T04:60:00Z",
                          "2026-11-26T04:12:50.Z",
                          "2026-11-26T04:12:50+0100",
                          "2026-11-26T04:12:50+01",
                          "2026-11-26T04:12:50Zjunk",
                          "2026-11-26T04:12:50 Z",
                          "2026/11/26T04:12:50Z",
                          "20a6-11-26T04:12:50Z",
                          "2026-11-26X04:12:50Z",
                          "2026-11-26T04:12:50+24:00",
                          "2026-11-26T04:12:50+01:60"}) {
    TimePoint t = Utc(1999, 1, 1, 0, 0, 0);
    EXPECT_FALSE(ParseRfc3339(bad, &t)) << bad;
    EXPECT_EQ(t, Utc(1999, 1, 1, 0, 0, 0)) << "output changed on failure: " << bad;
  }
}

TEST(FakeClockTest, MovesOnlyWhenToldOrSlept) {
  const TimePoint start = Utc(2026, 11, 26, 0, 0, 0);
  FakeClock clock(start);
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(minutes(2));
  EXPECT_EQ(clock.Now(), start + minutes(2));
  clock.SleepFor(seconds(30));
  EXPECT_EQ(clock.Now(), start + minutes(2) + seconds(30));
}

}  // namespace
}  // namespace cloudoptim
