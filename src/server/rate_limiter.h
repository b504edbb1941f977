// Per-key request rate limits: a token bucket per API key id. Each bucket holds up to
// `burst` tokens and refills at `per_second`; a request takes one token. Time comes from a
// Clock so tests advance it by hand.
//
//   RateLimiter limiter(clock, {.per_second = 50, .burst = 100});
//   if (auto wait = limiter.TryTake(principal.key_id)) reply 429, Retry-After: wait->count()
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"

namespace cloudoptim::server {

struct RateLimit {
  double per_second = 50;
  double burst = 100;
};

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, RateLimit limit) : clock_(clock), limit_(limit) {}
  // nullopt when the request may go ahead (a token was taken); otherwise how long until a
  // token is back, rounded up to whole seconds (at least 1) for Retry-After.
  std::optional<std::chrono::seconds> TryTake(const std::string& key);

 private:
  struct Bucket {
    double tokens = 0;
    TimePoint refilled{};
  };
  const Clock& clock_;
  RateLimit limit_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace cloudoptim::server
