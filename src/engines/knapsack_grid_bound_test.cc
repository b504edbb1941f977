#include "engines/knapsack_grid_bound.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>

namespace cloudoptim {
namespace {

constexpr int64_t kGi = int64_t{1} << 30;
constexpr int64_t kMi = int64_t{1} << 20;

// Brute force over every count vector.
double Optimum(const std::vector<KnapsackItem>& items, const Resources& capacity) {
  double best = 0;
  std::function<void(size_t, int64_t, int64_t, double)> go = [&](size_t i, int64_t cpu,
                                                                 int64_t memory, double value) {
    if (cpu > capacity.cpu_millis || memory > capacity.memory_bytes) return;
    best = std::max(best, value);
    if (i == items.size()) return;
    for (int64_t a = 0; a <= items[i].max_count; ++a) {
      go(i + 1, cpu + a * items[i].size.cpu_millis, memory + a * items[i].size.memory_bytes,
         value + static_cast<double>(a) * items[i].value);
    }
  };
  go(0, 0, 0, 0.0);
  return best;
}

TEST(KnapsackGridBoundTest, NeverBelowTheOptimum) {
  std::mt19937 rng(5);
  const Resources capacity{2000, 2 * kGi, 0, 11, 0};
  for (int instance = 0; instance < 30; ++instance) {
    std::vector<KnapsackItem> items;
    for (int i = 0; i < 6; ++i) {
      items.push_back({{std::uniform_int_distribution<int64_t>(100, 1500)(rng),
                        std::uniform_int_distribution<int64_t>(64, 1500)(rng) * kMi, 0, 1, 0},
                       std::uniform_real_distribution<double>(0.001, 0.01)(rng),
                       std::uniform_int_distribution<int64_t>(1, 3)(rng)});
    }
    double optimum = Optimum(items, capacity);
    for (int32_t cells : {4, 16, 64}) {
      EXPECT_GE(GridKnapsackBound(items, capacity, cells), optimum - 1e-12) << instance;
    }
    // A finer grid is a tighter relaxation here, and never wildly off on these items.
    EXPECT_LE(GridKnapsackBound(items, capacity, 256), optimum * 1.5) << instance;
  }
}

TEST(KnapsackGridBoundTest, ExactWhenSizesAreWholeCells) {
  // Cells of 250m and 256 MiB: 3 × (750m, 512Mi) + 1 × (1000m, 1Gi) cannot all fit 2 vCPU;
  // the best is two of the first and one of the second... checked against brute force.
  const Resources capacity{2000, 2 * kGi, 0, 11, 0};
  std::vector<KnapsackItem> items = {{{750, 512 * kMi, 0, 1, 0}, 0.004, 3},
                                     {{1000, kGi, 0, 1, 0}, 0.005, 2},
                                     {{250, 256 * kMi, 0, 1, 0}, 0.0015, 4}};
  EXPECT_NEAR(GridKnapsackBound(items, capacity, 8), Optimum(items, capacity), 1e-12);
  EXPECT_NEAR(GridKnapsackBound(items, capacity, 64), Optimum(items, capacity), 1e-12);
}

TEST(KnapsackGridBoundTest, IgnoresWorthlessAndOversizedItems) {
  const Resources capacity{2000, 2 * kGi, 0, 11, 0};
  std::vector<KnapsackItem> items = {{{3000, kGi, 0, 1, 0}, 1.0, 1},
                                     {{500, kGi / 2, 0, 1, 0}, -1.0, 4},
                                     {{1000, kGi, 0, 1, 0}, 0.5, 5}};
  EXPECT_NEAR(GridKnapsackBound(items, capacity, 64), 1.0, 1e-12);
}

}  // namespace
}  // namespace cloudoptim
