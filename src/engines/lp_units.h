// The units the LP bounds work in: requests and capacities as doubles in cores, GiB and pod
// slots, one function per dimension so a loop can run over the three.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "model/resources.h"

namespace cloudoptim::lp_units {

inline constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

inline double Cpu(const Resources& r) { return static_cast<double>(r.cpu_millis) / 1000.0; }
inline double Memory(const Resources& r) { return static_cast<double>(r.memory_bytes) / kGiB; }
inline double Slots(const Resources& r) { return static_cast<double>(r.pods); }
inline constexpr double (*kDims[])(const Resources&) = {Cpu, Memory, Slots};

// The pod slots a request or capacity counts, as an integer (never negative).
inline int64_t SlotCount(const Resources& r) { return std::max<int64_t>(r.pods, 0); }

// A pod takes a slot even when its request does not say so.
inline Resources WithSlot(Resources r) {
  r.pods = std::max<int64_t>(r.pods, 1);
  return r;
}

// How many request groups the fluid shape LP that guides the Farley-style bounds solves over.
inline constexpr size_t kShapeLpShapes = 400;

}  // namespace cloudoptim::lp_units
