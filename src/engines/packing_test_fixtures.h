// Test fixtures shared by the packing bounds' and moves' tests: pods and types in round
// units, four small types of different shapes, random pods that fit them, and a brute-force
// knapsack.
//
//   std::vector<PriceOption> options = FourTypes();
//   std::vector<Resources> pods = RandomPods(/*seed=*/3, /*n=*/12);
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "engines/cost_lower_bound.h"
#include "engines/knapsack_grid_bound.h"
#include "engines/repack_search.h"
#include "model/resources.h"

namespace cloudoptim::packing_test {

inline constexpr int64_t kGi = int64_t{1} << 30;
inline constexpr int64_t kMi = int64_t{1} << 20;

// A pod's requests in millicores and GiB, one slot.
inline Resources PodRequest(int64_t cpu_millis, int64_t memory_gib) {
  return {cpu_millis, memory_gib * kGi, 0, 1, 0};
}

// A type for the repacking moves: millicores, GiB, 110 pod slots, an hourly price.
inline RepackType RepackTypeOf(int64_t cpu_millis, int64_t memory_gib, double usd) {
  return {{cpu_millis, memory_gib * kGi, 0, 110, 0}, Money::FromUsd(usd)};
}

// One 4-vCPU, 16-GiB type.
inline std::vector<PriceOption> OneType() {
  return {{"box", {4000, 16 * kGi, 0, 100, 0}, Money::FromUsd(0.20)}};
}

// A small, a compute, a memory and a large type.
inline std::vector<PriceOption> FourTypes() {
  return {{"s", {2000, 4 * kGi, 0, 20, 0}, Money::FromUsd(0.08)},
          {"c", {4000, 6 * kGi, 0, 30, 0}, Money::FromUsd(0.14)},
          {"r", {2000, 14 * kGi, 0, 30, 0}, Money::FromUsd(0.13)},
          {"l", {8000, 30 * kGi, 0, 60, 0}, Money::FromUsd(0.38)}};
}

// Pods of 200-3,000 millicores and 256-9,000 MiB, one slot each.
inline std::vector<Resources> RandomPods(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  std::vector<Resources> pods;
  for (int i = 0; i < n; ++i) {
    pods.push_back({std::uniform_int_distribution<int64_t>(200, 3000)(rng),
                    std::uniform_int_distribution<int64_t>(256, 9000)(rng) * kMi, 0, 1, 0});
  }
  return pods;
}

// The knapsack's optimum by brute force over every count vector: the most value that fits
// `capacity` in CPU, memory and, when `count_slots`, pod slots.
inline double BruteForceKnapsack(const std::vector<KnapsackItem>& items, Resources capacity,
                                 bool count_slots = true) {
  if (!count_slots) capacity.pods = std::numeric_limits<int64_t>::max();
  double best = 0;
  std::function<void(size_t, Resources, double)> go = [&](size_t i, Resources used, double value) {
    if (!used.FitsIn(capacity)) return;
    best = std::max(best, value);
    if (i == items.size()) return;
    for (int64_t a = 0; a <= items[i].max_count; ++a) {
      go(i + 1, used + items[i].size * a, value + static_cast<double>(a) * items[i].value);
    }
  };
  go(0, Resources{}, 0.0);
  return best;
}

}  // namespace cloudoptim::packing_test
