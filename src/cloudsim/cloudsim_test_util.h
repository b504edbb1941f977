// What cloudsim's unit tests share: the instant the simulated cloud's clock starts at.
#pragma once

#include <chrono>

#include "common/clock.h"

namespace cloudoptim::cloudsim_test {

inline const TimePoint kStart = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26};

}  // namespace cloudoptim::cloudsim_test
