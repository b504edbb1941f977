#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace cloudoptim::server {

std::optional<std::chrono::seconds> RateLimiter::TryTake(const std::string& key) {
  TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  auto [it, created] = buckets_.try_emplace(key, Bucket{limit_.burst, now});
  Bucket& bucket = it->second;
  if (!created && now > bucket.refilled) {
    double elapsed_seconds = std::chrono::duration<double>(now - bucket.refilled).count();
    bucket.tokens = std::min(limit_.burst, bucket.tokens + elapsed_seconds * limit_.per_second);
    bucket.refilled = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::nullopt;
  }
  double wait_seconds = limit_.per_second > 0 ? (1 - bucket.tokens) / limit_.per_second : 3600;
  return std::chrono::seconds(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait_seconds))));
}

}  // namespace cloudoptim::server
