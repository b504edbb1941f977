#include "sandbox/simulated_clock.h"

#include <thread>

namespace cloudoptim::sandbox {

SimulatedClock::SimulatedClock(TimePoint start, double speed)
    : start_(start), wall_start_(std::chrono::steady_clock::now()), speed_(speed > 0 ? speed : 1) {}

TimePoint SimulatedClock::Now() const {
  auto wall = std::chrono::steady_clock::now() - wall_start_;
  auto scaled = std::chrono::duration<double, std::nano>(wall) * speed_;
  return start_ + std::chrono::duration_cast<Duration>(scaled);
}

void SimulatedClock::SleepFor(Duration d) {
  std::this_thread::sleep_for(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::duration<double, std::nano>(d) / speed_));
}

}  // namespace cloudoptim::sandbox
