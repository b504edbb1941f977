// Simulated time for the sandbox: starts at a chosen instant and runs `speed` times faster
// than the wall clock, so a day of diurnal usage or a 2-minute spot notice can pass in
// seconds (--speed 60).
//
//   SimulatedClock clock(start, /*speed=*/60);
//   clock.Now();                               // start + 60 × wall time elapsed
//   clock.SleepFor(std::chrono::minutes(1));   // sleeps one wall second
#pragma once

#include "common/clock.h"

namespace cloudoptim::sandbox {

class SimulatedClock final : public Clock {
 public:
  SimulatedClock(TimePoint start, double speed);
  TimePoint Now() const override;
  void SleepFor(Duration d) override;
  double speed() const { return speed_; }

 private:
  TimePoint start_;
  std::chrono::steady_clock::time_point wall_start_;
  double speed_;
};

}  // namespace cloudoptim::sandbox
