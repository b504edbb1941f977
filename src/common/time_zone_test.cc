#include "common/time_zone.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

TimePoint At(const char* rfc3339) {
  TimePoint t;
  EXPECT_TRUE(ParseRfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

TEST(TimeZoneTest, ConvertsBothWaysWithDaylightSaving) {
  Result<TimeZone> berlin = TimeZone::Find("Europe/Berlin");
  ASSERT_TRUE(berlin) << berlin.error().message;
  EXPECT_EQ(berlin->name(), "Europe/Berlin");
  EXPECT_FALSE(berlin->is_utc());
  EXPECT_EQ(FormatRfc3339(berlin->ToLocal(At("2026-11-26T08:00:00Z"))), "2026-11-26T09:00:00Z");
  EXPECT_EQ(FormatRfc3339(berlin->ToLocal(At("2026-07-01T08:00:00Z"))), "2026-07-01T10:00:00Z");
  std::optional<TimePoint> utc = berlin->FromLocal(At("2026-07-01T10:00:00Z"));
  ASSERT_TRUE(utc);
  EXPECT_EQ(FormatRfc3339(*utc), "2026-07-01T08:00:00Z");
}

TEST(TimeZoneTest, SkippedLocalTimesHaveNoInstantAndRepeatedOnesTheFirst) {
  Result<TimeZone> berlin = TimeZone::Find("Europe/Berlin");
  ASSERT_TRUE(berlin);
  // 2026-03-29: 02:00 CET jumps to 03:00 CEST.
  EXPECT_FALSE(berlin->FromLocal(At("2026-03-29T02:30:00Z")));
  // 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens at 00:30Z and 01:30Z.
  std::optional<TimePoint> repeated = berlin->FromLocal(At("2026-10-25T02:30:00Z"));
  ASSERT_TRUE(repeated);
  EXPECT_EQ(FormatRfc3339(*repeated), "2026-10-25T00:30:00Z");
}

TEST(TimeZoneTest, UtcIsTheDefaultAndTheIdentity) {
  for (const char* name : {"", "UTC", "Etc/UTC"}) {
    Result<TimeZone> utc = TimeZone::Find(name);
    ASSERT_TRUE(utc) << name;
    EXPECT_TRUE(utc->is_utc());
    EXPECT_EQ(utc->ToLocal(At("2026-11-26T08:00:00Z")), At("2026-11-26T08:00:00Z"));
  }
  EXPECT_TRUE(TimeZone().is_utc());
}

TEST(TimeZoneTest, AnUnknownZoneIsRefusedByName) {
  Result<TimeZone> zone = TimeZone::Find("Europe/Atlantis");
  ASSERT_FALSE(zone);
  EXPECT_EQ(zone.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(zone.error().message, ::testing::HasSubstr("unknown time zone \"Europe/Atlantis\""));
}

}  // namespace
}  // namespace cloudoptim
