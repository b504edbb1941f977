#include "net/retry_policy.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <string>

namespace cloudoptim {

Retrier::Retrier(const RetryPolicy& policy, Clock& clock, uint64_t seed)
    : policy_(policy),
      clock_(clock),
      start_(clock.Now()),
      random_(seed != 0 ? seed : std::random_device{}()) {}

Duration Retrier::JitteredBackoff(int retry) {
  // Cap the exponent so the shift cannot overflow; max_backoff bounds the result anyway.
  const int exponent = std::clamp(retry - 1, 0, 30);
  const auto initial = std::chrono::duration_cast<Duration>(policy_.initial_backoff);
  const auto cap = std::chrono::duration_cast<Duration>(policy_.max_backoff);
  const Duration ceiling = std::min(cap, initial * (int64_t{1} << exponent));
  if (ceiling.count() <= 0) return Duration::zero();
  std::uniform_int_distribution<Duration::rep> pick(0, ceiling.count());
  return Duration(pick(random_));
}

bool Retrier::WaitBeforeRetry(std::optional<Duration> retry_after) {
  if (attempts_ >= policy_.max_attempts) return false;
  Duration wait = JitteredBackoff(attempts_);
  if (retry_after && *retry_after > wait) wait = *retry_after;
  const Duration elapsed = clock_.Now() - start_;
  if (elapsed + wait > std::chrono::duration_cast<Duration>(policy_.max_total)) return false;
  clock_.SleepFor(wait);
  ++attempts_;
  return true;
}

std::optional<Duration> ParseRetryAfter(std::optional<std::string_view> header, TimePoint now) {
  if (!header || header->empty()) return std::nullopt;
  std::string_view text = *header;
  int64_t seconds = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error == std::errc() && end == text.data() + text.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::seconds(seconds);
  }
  std::tm parsed{};
  std::istringstream in{std::string(text)};
  in >> std::get_time(&parsed, "%a, %d %b %Y %H:%M:%S GMT");
  if (in.fail()) return std::nullopt;
  const TimePoint when = std::chrono::system_clock::from_time_t(timegm(&parsed));
  return when > now ? when - now : Duration::zero();
}

}  // namespace cloudoptim
