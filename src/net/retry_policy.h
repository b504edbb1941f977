// Bounded retries with exponential backoff and full jitter, shared by the AWS and Kubernetes
// clients. Time goes through Clock, so tests run on a FakeClock without sleeping.
//
//   RetryPolicy policy{.max_attempts = 5, .initial_backoff = 100ms, .max_backoff = 20s};
//   Retrier retrier(policy, clock);
//   while (true) {
//     Result<HttpResponse> r = http.Send(request);
//     Error error = ...;                                   // classify r (transport or status)
//     if (ok || !IsRetryable(error)) return ...;
//     if (!retrier.WaitBeforeRetry(ParseRetryAfter(r->headers.Get("Retry-After"), clock.Now())))
//       return error;                                      // attempts or total time used up
//   }
//
// Or, when the attempt is a Result<T> function whose errors say retryability themselves:
//   Result<T> r = CallWithRetries(policy, clock, [&] { return DoSomething(); });
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"

namespace cloudoptim {

struct RetryPolicy {
  int max_attempts = 5;  // including the first
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{std::chrono::seconds(20)};
  // No retry starts (its wait included) past this long after the first attempt began.
  std::chrono::milliseconds max_total{std::chrono::seconds(60)};
};

// Why full jitter: many clients throttled at the same moment (every control-plane replica hit
// by RequestLimitExceeded) must not come back in lockstep. Waiting a uniformly random time in
// [0, min(max_backoff, initial * 2^retry)] spreads them best for the least total wait (see the
// AWS Architecture Blog, "Exponential Backoff And Jitter"). A server's Retry-After is a floor:
// we never come back sooner than asked, but still stop at max_total.
class Retrier {
 public:
  // `seed` makes the jitter reproducible in tests; zero picks a random one.
  Retrier(const RetryPolicy& policy, Clock& clock, uint64_t seed = 0);

  // Sleeps (on the clock) before the next attempt and returns true, or returns false without
  // sleeping when the attempts or the total time are used up.
  bool WaitBeforeRetry(std::optional<Duration> retry_after = std::nullopt);

  // Attempts made so far, counting the first (WaitBeforeRetry increments it).
  int attempts() const { return attempts_; }
  // The wait before retry number `retry` (1-based) without Retry-After: jittered.
  Duration JitteredBackoff(int retry);

 private:
  RetryPolicy policy_;
  Clock& clock_;
  TimePoint start_;
  int attempts_ = 1;
  std::mt19937_64 random_;
};

// Retry-After in either form HTTP allows: delay-seconds ("120") or an IMF-fixdate
// ("Wed, 21 Oct 2015 07:28:00 GMT"). nullopt when absent or unparseable.
std::optional<Duration> ParseRetryAfter(std::optional<std::string_view> header, TimePoint now);

// Runs `attempt` until it succeeds, fails with a non-retryable error (IsRetryable), or the
// policy is used up; returns the last result. The final error is annotated with the number of
// attempts made.
template <typename Fn>
auto CallWithRetries(const RetryPolicy& policy, Clock& clock, Fn&& attempt) -> decltype(attempt()) {
  Retrier retrier(policy, clock);
  while (true) {
    auto result = attempt();
    if (result || !IsRetryable(result.error())) return result;
    if (!retrier.WaitBeforeRetry()) {
      return std::unexpected(
          Annotate(std::move(result).error(),
                   "gave up after " + std::to_string(retrier.attempts()) + " attempts"));
    }
  }
}

}  // namespace cloudoptim
