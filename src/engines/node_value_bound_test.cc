#include "engines/node_value_bound.h"

#include <gtest/gtest.h>

#include <random>

#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::BruteForceKnapsack;
using packing_test::kGi;
using packing_test::kMi;

// Pods in 50m and 1 MiB steps (like the generated clusters'), one slot each, a few of each.
std::vector<KnapsackItem> RandomRoomierItems(std::mt19937& rng, int n) {
  std::vector<KnapsackItem> items;
  for (int i = 0; i < n; ++i) {
    items.push_back({{std::uniform_int_distribution<int64_t>(2, 30)(rng) * 50,
                      std::uniform_int_distribution<int64_t>(64, 3000)(rng) * kMi, 0, 1, 0},
                     std::uniform_real_distribution<double>(0.001, 0.01)(rng),
                     std::uniform_int_distribution<int64_t>(1, 3)(rng)});
  }
  return items;
}

const Resources kSmall{1930, 1359 * kMi, 0, 11, 0};  // a t4g.small
const Resources kMedium{3920, 6 * kGi + 7 * kMi, 0, 17, 0};
const Resources kFewSlots{3920, 6 * kGi, 0, 3, 0};  // the slots bind

TEST(NodeValueBoundTest, EveryBoundIsAtLeastTheOptimum) {
  std::mt19937 rng(5);
  NodeValueLimits coarse;  // forces merged cells and a coarse CPU grid
  coarse.max_grid_cells = 256;
  coarse.cpu_cells = 16;
  for (int instance = 0; instance < 16; ++instance) {
    std::vector<KnapsackItem> items = RandomRoomierItems(rng, 6);
    for (const Resources& node : {kSmall, kMedium, kFewSlots}) {
      const double optimum = BruteForceKnapsack(items, node);
      for (const NodeValueLimits& limits : {NodeValueLimits{}, coarse}) {
        EXPECT_GE(MergedGridNodeValueBound(items, node, limits), optimum - 1e-12) << instance;
        EXPECT_GE(PricedCpuNodeValueBound(items, node, limits), optimum - 1e-12) << instance;
        EXPECT_GE(TightNodeValueBound(items, node, limits), optimum - 1e-12) << instance;
      }
      for (const std::array<double, 3>& w :
           {std::array<double, 3>{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1e-3, 1e-9, 0.01}}) {
        EXPECT_GE(SurrogateNodeValueBound(items, node, w), optimum - 1e-12) << instance;
      }
    }
  }
}

// Many copies of few shapes: the merged grid gives every pod of a cell its best value.
TEST(NodeValueBoundTest, MergedCellsStayAboveTheOptimum) {
  std::mt19937 rng(6);
  for (int instance = 0; instance < 20; ++instance) {
    std::vector<KnapsackItem> items = RandomRoomierItems(rng, 4);
    for (KnapsackItem copy : std::vector<KnapsackItem>(items)) {
      copy.size.memory_bytes += kMi;  // a neighbour in the same coarse cell, worth less
      copy.value *= 0.9;
      items.push_back(copy);
    }
    NodeValueLimits limits;
    limits.max_grid_cells = 64;
    const double optimum = BruteForceKnapsack(items, kMedium);
    EXPECT_GE(MergedGridNodeValueBound(items, kMedium, limits), optimum - 1e-12) << instance;
  }
}

// Where the grid is exact and no two pods share a cell, the DP is the optimum; where memory
// and slots cannot bind, the CPU-only DP is (its multipliers stay at zero).
TEST(NodeValueBoundTest, ExactWhereNothingIsRelaxed) {
  std::mt19937 rng(7);
  for (int instance = 0; instance < 20; ++instance) {
    std::vector<KnapsackItem> items = RandomRoomierItems(rng, 5);
    const double optimum = BruteForceKnapsack(items, kSmall);
    EXPECT_NEAR(MergedGridNodeValueBound(items, kSmall, NodeValueLimits{}), optimum, 1e-12)
        << instance;
    Resources roomy = kMedium;
    roomy.memory_bytes = 1000 * kGi;
    roomy.pods = 1000;
    EXPECT_NEAR(PricedCpuNodeValueBound(items, roomy, NodeValueLimits{}),
                BruteForceKnapsack(items, roomy), 1e-9)
        << instance;
  }
}

// A node's best fill among thousands of pods: the bounds must stay valid and close. The
// optimum of 400 pods of 8 distinct shapes is known by brute force over those 8.
TEST(NodeValueBoundTest, TightOnManyCopies) {
  std::mt19937 rng(8);
  std::vector<KnapsackItem> items = RandomRoomierItems(rng, 8);
  for (KnapsackItem& item : items) item.max_count = 50;
  const double optimum = BruteForceKnapsack(items, kMedium);
  const double tight = TightNodeValueBound(items, kMedium, NodeValueLimits{});
  EXPECT_GE(tight, optimum - 1e-12);
  EXPECT_LE(tight, optimum * 1.05);
}

TEST(NodeValueBoundTest, NothingFitsIsZero) {
  std::vector<KnapsackItem> items = {{{5000, kGi, 0, 1, 0}, 1.0, 2}};
  EXPECT_EQ(TightNodeValueBound(items, kSmall, NodeValueLimits{}), 0.0);
  EXPECT_EQ(SurrogateNodeValueBound(items, kSmall, {1, 0, 0}), 0.0);
}

}  // namespace
}  // namespace cloudoptim
