#include "engines/extension_lp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>

#include "engines/config_lp.h"
#include "engines/exact_partition.h"
#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::FourTypes;
using packing_test::RandomPods;

// The cheapest packing by enumerating every partition of the pods into nodes (each node the
// cheapest type that holds its pods): independent of every LP and DP. For ≤ 8 pods.
double BruteForceOptimum(const std::vector<Resources>& pods,
                         const std::vector<PriceOption>& options) {
  auto node_cost = [&](const Resources& used) {
    double best = std::numeric_limits<double>::infinity();
    for (const PriceOption& o : options) {
      if (used.FitsIn(o.allocatable)) best = std::min(best, o.hourly.usd());
    }
    return best;
  };
  std::vector<Resources> blocks;
  double best = std::numeric_limits<double>::infinity();
  std::function<void(size_t)> go = [&](size_t i) {
    if (i == pods.size()) {
      double cost = 0;
      for (const Resources& b : blocks) cost += node_cost(b);
      best = std::min(best, cost);
      return;
    }
    for (size_t b = 0; b < blocks.size(); ++b) {  // by index: deeper calls grow `blocks`
      blocks[b] += pods[i];
      go(i + 1);
      blocks[b] -= pods[i];
    }
    blocks.push_back(pods[i]);
    go(i + 1);
    blocks.pop_back();
  };
  go(0);
  return best;
}

// First fit decreasing onto one type: a real packing, as pod index sets.
std::vector<std::vector<size_t>> FirstFitDecreasing(const std::vector<Resources>& pods,
                                                    const PriceOption& type) {
  std::vector<size_t> order(pods.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return pods[a].cpu_millis > pods[b].cpu_millis; });
  std::vector<std::vector<size_t>> nodes;
  std::vector<Resources> used;
  for (size_t i : order) {
    size_t n = 0;
    while (n < nodes.size() && !(used[n] + pods[i]).FitsIn(type.allocatable)) ++n;
    if (n == nodes.size()) nodes.emplace_back(), used.emplace_back();
    nodes[n].push_back(i);
    used[n] += pods[i];
  }
  return nodes;
}

// The most important property: never above the cheapest packing (brute force), whatever the
// grouping, and never below the fluid bound it keeps as a floor.
TEST(ExtensionLpTest, NeverAboveTheBruteForceOptimum) {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    std::vector<Resources> pods = RandomPods(seed, 5 + static_cast<int>(seed) % 4);
    const double optimum = BruteForceOptimum(pods, FourTypes());
    for (size_t groups : {size_t{1}, size_t{3}, pods.size()}) {
      ExtensionLpLimits limits;
      limits.groups = groups;
      limits.blends = {1.0, 0.5};
      Result<ExtensionLpResult> lb = ExtensionLpBound(pods, FourTypes(), limits);
      ASSERT_TRUE(lb.has_value()) << lb.error().ToString();
      EXPECT_LE(lb->bound.usd(), optimum + 1e-6) << seed << " groups " << groups;
      EXPECT_GE(lb->bound.micros(), lb->fluid.micros()) << seed;
      EXPECT_GE(lb->bound.micros(), lb->extension.micros()) << seed;
      EXPECT_GT(lb->theta, 0.0) << seed;
    }
  }
}

// Larger sets than brute force reaches: below the exact partition optimum, and with one pod
// per group (the configuration LP over the real pods) below that LP where it converged.
TEST(ExtensionLpTest, NeverAboveTheExactOptimumOrTheRealPodsLp) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    std::vector<Resources> pods = RandomPods(100 + seed, 9 + static_cast<int>(seed) % 4);
    Result<PartitionOptimum> best = ExactPartitionOptimum(pods, FourTypes());
    Result<ConfigLpBoundResult> lp = ConfigLpBound(pods, FourTypes(), 400, 10.0);
    ASSERT_TRUE(best.has_value() && lp.has_value()) << seed;
    ExtensionLpLimits limits;
    limits.groups = pods.size() * 2;  // at least one group per pod
    Result<ExtensionLpResult> lb = ExtensionLpBound(pods, FourTypes(), limits);
    ASSERT_TRUE(lb.has_value()) << lb.error().ToString();
    EXPECT_LE(lb->bound.micros(), best->hourly.micros()) << seed;
    if (lp->converged && lp->shapes == pods.size()) {
      EXPECT_LE(lb->extension.usd(), lp->bound.usd() * (1 + 1e-6) + 1e-6) << seed;
    }
  }
}

// A hundred and more pods: below a real packing, and a master started from that packing's nodes
// never costs more than the packing.
TEST(ExtensionLpTest, BelowARealPackingItStartsFrom) {
  std::vector<Resources> pods = RandomPods(9, 160);
  for (Resources& p : pods) p.cpu_millis = p.cpu_millis / 50 * 50;
  const PriceOption large = FourTypes()[3];
  ExtensionLpLimits limits;
  limits.groups = 20;
  limits.max_iterations = 12;
  limits.seed_fills = FirstFitDecreasing(pods, large);
  const double packing = static_cast<double>(limits.seed_fills.size()) * large.hourly.usd();
  Result<ExtensionLpResult> lb = ExtensionLpBound(pods, FourTypes(), limits);
  ASSERT_TRUE(lb.has_value()) << lb.error().ToString();
  EXPECT_LE(lb->bound.usd(), packing);
  EXPECT_LE(lb->first_master_usd, packing + 1e-6);
  EXPECT_LE(lb->master_usd, lb->first_master_usd + 1e-9);  // columns only lower the master
  EXPECT_GT(lb->bound.usd(), 0.5 * packing);               // not vacuous
  EXPECT_GE(lb->groups, 10u);
  EXPECT_GT(lb->iterations, 1);
}

// Same pods, same limits (no time limit): the same bound, master and columns.
TEST(ExtensionLpTest, Deterministic) {
  std::vector<Resources> pods = RandomPods(5, 80);
  ExtensionLpLimits limits;
  limits.groups = 12;
  limits.max_iterations = 8;
  Result<ExtensionLpResult> a = ExtensionLpBound(pods, FourTypes(), limits);
  Result<ExtensionLpResult> b = ExtensionLpBound(pods, FourTypes(), limits);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->bound, b->bound);
  EXPECT_EQ(a->master_usd, b->master_usd);
  EXPECT_EQ(a->iterations, b->iterations);
  EXPECT_EQ(a->columns, b->columns);
}

// Seed fills that are not real fills (an index out of range, a pod twice, more than any type
// holds) are ignored: they could have lowered the master below what packings allow.
TEST(ExtensionLpTest, IgnoresSeedFillsThatAreNotRealFills) {
  std::vector<Resources> pods = RandomPods(7, 20);
  ExtensionLpLimits limits;
  limits.groups = 4;
  limits.max_iterations = 1;
  limits.seed_fills = {
      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}, {3, 99}, {5, 5}};
  Result<ExtensionLpResult> with = ExtensionLpBound(pods, FourTypes(), limits);
  limits.seed_fills.clear();
  Result<ExtensionLpResult> without = ExtensionLpBound(pods, FourTypes(), limits);
  ASSERT_TRUE(with.has_value() && without.has_value());
  EXPECT_EQ(with->columns, without->columns);
  EXPECT_EQ(with->master_usd, without->master_usd);
}

TEST(ExtensionLpTest, APodNoTypeHoldsIsAnError) {
  std::vector<Resources> pods = {{64000, 1, 0, 1, 0}};
  Result<ExtensionLpResult> lb = ExtensionLpBound(pods, FourTypes());
  ASSERT_FALSE(lb.has_value());
  EXPECT_EQ(lb.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(ExtensionLpBound(RandomPods(1, 3), {}).has_value());
}

TEST(ExtensionLpTest, NoPodsCostNothing) {
  Result<ExtensionLpResult> lb = ExtensionLpBound({}, FourTypes());
  ASSERT_TRUE(lb.has_value());
  EXPECT_EQ(lb->bound.micros(), 0);
}

}  // namespace
}  // namespace cloudoptim
