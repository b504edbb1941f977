#include "net/retry_policy.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TimePoint Start() { return std::chrono::system_clock::from_time_t(1'700'000'000); }

TEST(RetrierTest, JitterStaysWithinTheExponentialCeiling) {
  FakeClock clock(Start());
  Retrier retrier(RetryPolicy{.initial_backoff = milliseconds(100), .max_backoff = seconds(2)},
                  clock, /*seed=*/42);
  for (int retry = 1; retry <= 8; ++retry) {
    const Duration ceiling = std::min<Duration>(seconds(2), milliseconds(100) * (1 << (retry - 1)));
    for (int sample = 0; sample < 50; ++sample) {
      const Duration wait = retrier.JitteredBackoff(retry);
      EXPECT_GE(wait, Duration::zero());
      EXPECT_LE(wait, ceiling) << "retry " << retry;
    }
  }
}

TEST(RetrierTest, StopsAfterMaxAttempts) {
  FakeClock clock(Start());
  Retrier retrier(RetryPolicy{.max_attempts = 3, .max_total = seconds(600)}, clock, 7);
  EXPECT_TRUE(retrier.WaitBeforeRetry());
  EXPECT_TRUE(retrier.WaitBeforeRetry());
  EXPECT_FALSE(retrier.WaitBeforeRetry());
  EXPECT_EQ(retrier.attempts(), 3);
}

TEST(RetrierTest, HonoursRetryAfterAsAFloorAndStopsAtTheTotalBudget) {
  FakeClock clock(Start());
  Retrier retrier(RetryPolicy{.max_attempts = 10, .max_total = seconds(10)}, clock, 7);
  EXPECT_TRUE(retrier.WaitBeforeRetry(seconds(4)));
  EXPECT_GE(clock.Now() - Start(), seconds(4));
  EXPECT_TRUE(retrier.WaitBeforeRetry(seconds(4)));
  // 8 s used; another 4 s would pass the 10 s budget.
  EXPECT_FALSE(retrier.WaitBeforeRetry(seconds(4)));
  EXPECT_LE(clock.Now() - Start(), seconds(10));
}

TEST(CallWithRetriesTest, RetriesRetryableErrorsUntilSuccess) {
  FakeClock clock(Start());
  int calls = 0;
  Result<int> r = CallWithRetries(RetryPolicy{}, clock, [&]() -> Result<int> {
    if (++calls < 3) return Unavailable("peer down");
    return 7;
  });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 7);
  EXPECT_EQ(calls, 3);
}

TEST(CallWithRetriesTest, DoesNotRetryPermanentErrors) {
  FakeClock clock(Start());
  int calls = 0;
  Result<int> r = CallWithRetries(RetryPolicy{}, clock, [&]() -> Result<int> {
    ++calls;
    return PermissionDenied("no");
  });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(IsPermissionDenied(r.error()));
}

TEST(CallWithRetriesTest, GivesUpAfterTheBoundAndSaysSo) {
  FakeClock clock(Start());
  int calls = 0;
  Result<int> r = CallWithRetries(RetryPolicy{.max_attempts = 4}, clock, [&]() -> Result<int> {
    ++calls;
    return ResourceExhausted("throttled");
  });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(calls, 4);
  EXPECT_TRUE(IsResourceExhausted(r.error()));
  EXPECT_NE(r.error().message.find("gave up after 4 attempts"), std::string::npos);
}

TEST(ParseRetryAfterTest, ReadsSecondsAndHttpDates) {
  const TimePoint now = std::chrono::system_clock::from_time_t(1445412480);  // 07:28:00 GMT
  EXPECT_EQ(ParseRetryAfter("120", now), seconds(120));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), seconds(30));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now), Duration::zero());
  EXPECT_FALSE(ParseRetryAfter("soon", now).has_value());
  EXPECT_FALSE(ParseRetryAfter(std::nullopt, now).has_value());
  EXPECT_FALSE(ParseRetryAfter("-5", now).has_value());
}

}  // namespace
}  // namespace cloudoptim
