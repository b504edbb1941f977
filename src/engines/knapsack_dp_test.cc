#include "engines/knapsack_dp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::kGi;
using packing_test::kMi;

double Optimum(const std::vector<KnapsackItem>& items, const Resources& capacity) {
  return packing_test::BruteForceKnapsack(items, capacity);
}

// Pods in 50m and 1 MiB steps, like the generated clusters', one slot each.
std::vector<KnapsackItem> RandomItems(std::mt19937& rng, int n) {
  std::vector<KnapsackItem> items;
  for (int i = 0; i < n; ++i) {
    items.push_back({{std::uniform_int_distribution<int64_t>(2, 30)(rng) * 50,
                      std::uniform_int_distribution<int64_t>(64, 1500)(rng) * kMi, 0, 1, 0},
                     std::uniform_real_distribution<double>(0.001, 0.01)(rng),
                     std::uniform_int_distribution<int64_t>(1, 3)(rng)});
  }
  return items;
}

TEST(KnapsackDpTest, ExactGridGivesTheOptimumAndAFillThatReachesIt) {
  std::mt19937 rng(11);
  const Resources capacity{1930, 1359 * kMi, 0, 110, 0};  // a t4g.small's CPU and memory
  for (int instance = 0; instance < 40; ++instance) {
    std::vector<KnapsackItem> items = RandomItems(rng, 6);
    KnapsackGrid grid = ChooseKnapsackGrid(items, capacity, 1 << 17);
    ASSERT_TRUE(grid.exact) << instance;
    KnapsackDpResult dp = SolveKnapsackDp(items, capacity, grid);
    const double optimum = Optimum(items, capacity);
    EXPECT_NEAR(dp.upper_bound, optimum, 1e-12) << instance;
    ASSERT_TRUE(dp.fits) << instance;
    EXPECT_NEAR(dp.value, optimum, 1e-12) << instance;
  }
}

TEST(KnapsackDpTest, CoarseGridsNeverFallBelowTheOptimum) {
  std::mt19937 rng(12);
  const Resources capacity{3920, 6 * kGi + 7 * kMi, 0, 110, 0};
  for (int instance = 0; instance < 40; ++instance) {
    std::vector<KnapsackItem> items = RandomItems(rng, 6);
    const double optimum = Optimum(items, capacity);
    for (int64_t cells : {16, 64, 400, 4000}) {
      KnapsackGrid grid = ChooseKnapsackGrid(items, capacity, cells);
      EXPECT_FALSE(grid.exact);
      KnapsackDpResult dp = SolveKnapsackDp(items, capacity, grid);
      EXPECT_GE(dp.upper_bound, optimum - 1e-12) << instance << " " << cells;
      // A fill that fits is a real fill: never worth more than the optimum.
      if (dp.fits) {
        EXPECT_LE(dp.value, optimum + 1e-12) << instance << " " << cells;
      }
    }
  }
}

TEST(KnapsackDpTest, SlotLimitIsPricedInAndStaysABound) {
  // Up to 4 slots where CPU and memory alone would take 8 or more small pods.
  std::mt19937 rng(13);
  const Resources capacity{4000, 8 * kGi, 0, 4, 0};
  int tighter = 0;
  for (int instance = 0; instance < 40; ++instance) {
    std::vector<KnapsackItem> items;
    for (int i = 0; i < 5; ++i) {
      items.push_back({{std::uniform_int_distribution<int64_t>(2, 10)(rng) * 50,
                        std::uniform_int_distribution<int64_t>(64, 900)(rng) * kMi, 0, 1, 0},
                       std::uniform_real_distribution<double>(0.001, 0.01)(rng),
                       3});
    }
    const double optimum = Optimum(items, capacity);
    Resources no_slots = capacity;
    no_slots.pods = 1000;
    const double unlimited = Optimum(items, no_slots);
    KnapsackDpResult dp =
        SolveKnapsackDp(items, capacity, ChooseKnapsackGrid(items, capacity, 1 << 16));
    EXPECT_GE(dp.upper_bound, optimum - 1e-12) << instance;
    EXPECT_LE(dp.upper_bound, unlimited + 1e-12) << instance;
    if (dp.fits) {
      EXPECT_LE(dp.value, optimum + 1e-12) << instance;
    }
    tighter += dp.upper_bound < unlimited - 1e-9 ? 1 : 0;
  }
  EXPECT_GT(tighter, 20);  // the multiplier does cut the slot-free optimum down
}

TEST(KnapsackDpTest, RequestsWithoutASlotTakeNone) {
  // Pods that ask for no slot fill a node with two slots as far as CPU and memory allow.
  const Resources capacity{2000, 4 * kGi, 0, 2, 0};
  std::vector<KnapsackItem> items = {{{500, kGi, 0, 0, 0}, 0.01, 4},
                                     {{1000, kGi, 0, 1, 0}, 0.015, 3}};
  const double optimum = Optimum(items, capacity);
  EXPECT_NEAR(optimum, 0.04, 1e-12);
  KnapsackDpResult dp =
      SolveKnapsackDp(items, capacity, ChooseKnapsackGrid(items, capacity, 1 << 16));
  EXPECT_NEAR(dp.upper_bound, optimum, 1e-12);
  EXPECT_GE(MemoryLagrangianDp(items, capacity, 4096).upper_bound, optimum - 1e-12);
}

TEST(KnapsackDpTest, WithoutTheChoiceTableItStillBounds) {
  std::mt19937 rng(14);
  const Resources capacity{2000, 3 * kGi, 0, 3, 0};
  for (int instance = 0; instance < 20; ++instance) {
    std::vector<KnapsackItem> items = RandomItems(rng, 6);
    KnapsackDpResult dp =
        SolveKnapsackDp(items, capacity, ChooseKnapsackGrid(items, capacity, 1 << 14), 0);
    EXPECT_TRUE(dp.counts.empty());
    EXPECT_FALSE(dp.fits);
    EXPECT_GE(dp.upper_bound, Optimum(items, capacity) - 1e-12) << instance;
  }
}

TEST(KnapsackDpTest, GridTakesTheRequestsCommonDivisors) {
  std::vector<KnapsackItem> items = {{{150, 3 * kMi, 0, 1, 0}, 1.0, 1},
                                     {{250, 5 * kMi, 0, 1, 0}, 1.0, 1}};
  KnapsackGrid grid = ChooseKnapsackGrid(items, {1930, 1359 * kMi, 0, 11, 0}, 1 << 20);
  EXPECT_TRUE(grid.exact);
  EXPECT_EQ(grid.cpu_millis, 50);
  EXPECT_EQ(grid.memory_bytes, kMi);
  EXPECT_EQ(grid.cpu_cells, 38);
  EXPECT_EQ(grid.memory_cells, 1359);
  // Too many cells for the budget: coarser, never more cells than the budget allows.
  KnapsackGrid coarse = ChooseKnapsackGrid(items, {1930, 1359 * kMi, 0, 11, 0}, 1 << 12);
  EXPECT_FALSE(coarse.exact);
  EXPECT_EQ(coarse.cpu_cells, 38);  // the CPU stays exact: 39 columns fit the budget
  EXPECT_LE(coarse.Cells(), 1 << 12);
}

TEST(KnapsackDpTest, IgnoresWorthlessAndOversizedItems) {
  const Resources capacity{2000, 2 * kGi, 0, 11, 0};
  std::vector<KnapsackItem> items = {{{3000, kGi, 0, 1, 0}, 1.0, 1},
                                     {{500, kGi / 2, 0, 1, 0}, -1.0, 4},
                                     {{1000, kGi, 0, 1, 0}, 0.5, 5}};
  KnapsackDpResult dp = SolveKnapsackDp(items, capacity, ChooseKnapsackGrid(items, capacity, 4096));
  EXPECT_NEAR(dp.upper_bound, 1.0, 1e-12);
  ASSERT_TRUE(dp.fits);
  EXPECT_EQ(dp.counts, (std::vector<int64_t>{0, 0, 2}));
}

}  // namespace
}  // namespace cloudoptim

namespace cloudoptim {
namespace {

TEST(KnapsackDpTest, MemoryLagrangianNeverFallsBelowTheOptimum) {
  std::mt19937 rng(15);
  const Resources capacity{7910, 12 * kGi, 0, 200, 0};
  int close = 0;
  for (int instance = 0; instance < 30; ++instance) {
    std::vector<KnapsackItem> items = RandomItems(rng, 7);
    const double optimum = Optimum(items, capacity);
    for (int64_t cells : {int64_t{16}, int64_t{4096}}) {
      KnapsackDpResult dp = MemoryLagrangianDp(items, capacity, cells);
      EXPECT_GE(dp.upper_bound, optimum - 1e-12) << instance << " " << cells;
      if (dp.fits) {
        EXPECT_LE(dp.value, optimum + 1e-12) << instance;
      }
      if (cells == 4096 && dp.upper_bound <= optimum * 1.05) ++close;
    }
  }
  EXPECT_GT(close, 15);  // a real bound, not just a valid one
  // A slot limit that binds is priced in: ten slots, ten pods.
  std::vector<KnapsackItem> small = {{{100, 64 * kMi, 0, 1, 0}, 0.01, 50}};
  const double ten = MemoryLagrangianDp(small, {7910, 12 * kGi, 0, 10, 0}, 4096).upper_bound;
  EXPECT_GE(ten, 0.1 - 1e-12);
  EXPECT_LE(ten, 0.101);
  for (int instance = 0; instance < 20; ++instance) {
    std::vector<KnapsackItem> items = RandomItems(rng, 6);
    const Resources few_slots{7910, 12 * kGi, 0, 3, 0};
    EXPECT_GE(MemoryLagrangianDp(items, few_slots, 4096).upper_bound,
              Optimum(items, few_slots) - 1e-12)
        << instance;
  }
}

}  // namespace
}  // namespace cloudoptim
