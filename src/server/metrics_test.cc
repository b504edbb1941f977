#include "server/metrics.h"

#include <gtest/gtest.h>

#include "server/rate_limiter.h"

namespace cloudoptim::server {
namespace {

TEST(MetricsRegistryTest, RendersCountersGaugesAndCumulativeHistogramBuckets) {
  MetricsRegistry m;
  m.Describe("co_requests_total", MetricType::kCounter, "Requests.");
  m.Increment("co_requests_total", {{"route", "/a"}});
  m.Increment("co_requests_total", {{"route", "/a"}}, 2);
  m.SetGauge("co_savings_usd", {{"cluster", "c\"1"}}, 12.5);
  m.Describe("co_latency_seconds", MetricType::kHistogram, "Latency.", {0.1, 1});
  m.Observe("co_latency_seconds", {}, 0.05);
  m.Observe("co_latency_seconds", {}, 0.5);
  m.Observe("co_latency_seconds", {}, 5);
  std::string text = m.RenderText();
  EXPECT_NE(text.find("# HELP co_requests_total Requests.\n# TYPE co_requests_total counter\n"
                      "co_requests_total{route=\"/a\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("co_savings_usd{cluster=\"c\\\"1\"} 12.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("co_latency_seconds_bucket{le=\"0.10000000000000001\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("co_latency_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("co_latency_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("co_latency_seconds_count 3\n"), std::string::npos);
  EXPECT_DOUBLE_EQ(m.Value("co_requests_total", {{"route", "/a"}}), 3);
  EXPECT_EQ(m.ObservationCount("co_latency_seconds"), 3u);
}

TEST(MetricsRegistryTest, LabelOrderDoesNotMakeANewSeries) {
  MetricsRegistry m;
  m.Increment("x_total", {{"a", "1"}, {"b", "2"}});
  m.Increment("x_total", {{"b", "2"}, {"a", "1"}});
  EXPECT_DOUBLE_EQ(m.Value("x_total", {{"a", "1"}, {"b", "2"}}), 2);
}

TEST(RateLimiterTest, ABurstThenOneTokenPerRefillPeriodPerKey) {
  FakeClock clock(TimePoint{} + std::chrono::hours(1));
  RateLimiter limiter(clock, {.per_second = 2, .burst = 3});
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.TryTake("k").has_value());
  std::optional<std::chrono::seconds> wait = limiter.TryTake("k");
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, std::chrono::seconds(1));
  EXPECT_FALSE(limiter.TryTake("other").has_value());  // its own bucket
  clock.Advance(std::chrono::milliseconds(500));
  EXPECT_FALSE(limiter.TryTake("k").has_value());  // one token back
  EXPECT_TRUE(limiter.TryTake("k").has_value());
  clock.Advance(std::chrono::hours(1));  // refills up to the burst only
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.TryTake("k").has_value());
  EXPECT_TRUE(limiter.TryTake("k").has_value());
}

}  // namespace
}  // namespace cloudoptim::server
