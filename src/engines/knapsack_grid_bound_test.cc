#include "engines/knapsack_grid_bound.h"

#include <gtest/gtest.h>

#include <random>

#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::kGi;
using packing_test::kMi;

double OptimumIgnoringSlots(const std::vector<KnapsackItem>& items, const Resources& capacity) {
  return packing_test::BruteForceKnapsack(items, capacity, /*count_slots=*/false);
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
    double optimum = OptimumIgnoringSlots(items, capacity);
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
  EXPECT_NEAR(GridKnapsackBound(items, capacity, 8), OptimumIgnoringSlots(items, capacity), 1e-12);
  EXPECT_NEAR(GridKnapsackBound(items, capacity, 64), OptimumIgnoringSlots(items, capacity), 1e-12);
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
