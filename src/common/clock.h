// Time behind an interface, so that loops, retries and the sandbox can run on simulated time
// in tests. Engines never read a clock: "now" is a field of the Snapshot.
//
//   SystemClock clock;                      FakeClock clock(start);
//   auto t = clock.Now();                   clock.Advance(std::chrono::minutes(2));
#pragma once

#include <chrono>
#include <mutex>

namespace cloudoptim {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::system_clock::duration;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  // Blocks the caller for `d` of this clock's time (a fake clock returns at once and advances).
  virtual void SleepFor(Duration d) = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
  void SleepFor(Duration d) override;
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override;
  void SleepFor(Duration d) override { Advance(d); }
  void Advance(Duration d);

 private:
  mutable std::mutex mutex_;
  TimePoint now_;
};

// RFC 3339 / ISO 8601 in UTC with seconds ("2026-11-26T04:12:50Z"), as Kubernetes and AWS
// write timestamps.
std::string FormatRfc3339(TimePoint t);
// Accepts "2026-11-26T04:12:50Z", fractional seconds and numeric offsets ("+01:00").
// Returns false on anything else.
bool ParseRfc3339(std::string_view text, TimePoint* out);

}  // namespace cloudoptim
