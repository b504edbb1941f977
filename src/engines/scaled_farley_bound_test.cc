#include "engines/scaled_farley_bound.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "engines/config_lp.h"
#include "engines/exact_partition.h"
#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::BruteForceKnapsack;
using packing_test::FourTypes;
using packing_test::RandomPods;

// θ must be at least every type's best fill over its price, whatever the values.
TEST(ScaledFarleyBoundTest, ThetaBoundsEveryTypesBestFill) {
  std::mt19937 rng(3);
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    std::vector<Resources> pods = RandomPods(seed, 7);
    std::vector<double> values;
    for (size_t i = 0; i < pods.size(); ++i) {
      values.push_back(std::uniform_real_distribution<double>(0.0, 0.2)(rng));
    }
    pods.push_back(pods.front());  // a repeated request: one item of count 2
    values.push_back(values.front() / 2);
    std::vector<KnapsackItem> items = DistinctPods(pods, values);
    ASSERT_EQ(items.size(), pods.size() - 1);
    double worst = 0;
    for (const PriceOption& o : FourTypes()) {
      worst = std::max(worst, BruteForceKnapsack(items, o.allocatable) / o.hourly.usd());
    }
    FarleyTheta theta = ComputeFarleyTheta(items, FourTypes(), {}, NodeValueLimits{});
    EXPECT_GE(theta.theta, worst - 1e-12) << seed;
    EXPECT_GE(theta.option, 0) << seed;
    EXPECT_GE(theta.tightened, 1) << seed;
  }
}

// The most important property: never above the integer optimum, nor above the converged
// configuration LP over the same pods (Farley's bound is a dual bound of that LP).
TEST(ScaledFarleyBoundTest, NeverAboveTheOptimumOrTheConfigurationLp) {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    std::vector<Resources> pods = RandomPods(100 + seed, 7 + static_cast<int>(seed) % 5);
    Result<PartitionOptimum> best = ExactPartitionOptimum(pods, FourTypes());
    Result<ConfigLpBoundResult> lp = ConfigLpBound(pods, FourTypes(), 400, 10.0);
    ASSERT_TRUE(best.has_value() && lp.has_value()) << seed;
    for (ShapeRounding rounding : {ShapeRounding::kMean, ShapeRounding::kMin}) {
      ScaledFarleyLimits limits;
      limits.rounding = rounding;
      limits.groups = 4;  // fewer groups than pods: the extension to real pods matters
      Result<ScaledFarleyResult> farley = ScaledFarleyBound(pods, FourTypes(), limits);
      ASSERT_TRUE(farley.has_value()) << farley.error().ToString();
      EXPECT_GT(farley->bound.micros(), 0) << seed;
      EXPECT_LE(farley->bound.micros(), best->hourly.micros() + 1) << seed;
      EXPECT_GE(farley->bound.micros(), farley->fluid.micros()) << seed;
      EXPECT_GE(farley->bound.micros(), farley->grouped.micros()) << seed;
      // Each pod its own group (distinct requests): the LP over the real pods.
      if (lp->converged && lp->shapes == pods.size()) {
        EXPECT_LE(farley->bound.usd(), lp->bound.usd() * (1 + 1e-6) + 1e-6) << seed;
      }
    }
  }
}

// The rounded-up groups' master is at least the configuration LP's optimum over the real
// pods, so at least every Farley bound; groups of unequal pods give no lower bound.
TEST(ScaledFarleyBoundTest, RoundedUpMasterIsAboveTheBounds) {
  for (uint32_t seed = 1; seed <= 2; ++seed) {
    std::vector<Resources> pods = RandomPods(200 + seed, 20);
    for (Resources& p : pods) p.cpu_millis = p.cpu_millis / 500 * 500;  // groups will merge
    Result<ConfigLpBoundResult> upper = ConfigLpOptimumAtMost(pods, FourTypes(), 8, 10.0);
    Result<ScaledFarleyResult> farley = ScaledFarleyBound(pods, FourTypes());
    Result<ConfigLpBoundResult> lp = ConfigLpBound(pods, FourTypes(), 400, 10.0);
    ASSERT_TRUE(upper.has_value() && farley.has_value() && lp.has_value()) << seed;
    EXPECT_LT(upper->shapes, pods.size()) << seed;
    EXPECT_GE(upper->master.micros() + 1, farley->bound.micros()) << seed;
    EXPECT_GE(upper->master.micros() + 1, lp->bound.micros()) << seed;
    EXPECT_EQ(upper->bound.micros(), 0) << seed;
  }
}

// One pod per group: the LP over the real pods, whose Farley bound is a proven bound.
TEST(ScaledFarleyBoundTest, OnePodPerGroupGivesAProvenBound) {
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    std::vector<Resources> pods = RandomPods(300 + seed, 9);
    Result<ConfigLpBoundResult> upper = ConfigLpOptimumAtMost(pods, FourTypes(), 100, 10.0);
    Result<PartitionOptimum> best = ExactPartitionOptimum(pods, FourTypes());
    ASSERT_TRUE(upper.has_value() && best.has_value()) << seed;
    EXPECT_EQ(upper->shapes, pods.size()) << seed;
    EXPECT_GT(upper->bound.micros(), 0) << seed;
    EXPECT_LE(upper->bound.micros(), best->hourly.micros() + 1) << seed;
    EXPECT_LE(upper->bound.micros(), upper->master.micros() + 1) << seed;
  }
}

// Hundreds of pods: below a real packing (first fit decreasing onto the large type).
TEST(ScaledFarleyBoundTest, BelowARealPackingOfManyPods) {
  std::vector<Resources> pods = RandomPods(9, 300);
  for (Resources& p : pods) p.cpu_millis = p.cpu_millis / 50 * 50;
  const PriceOption large = FourTypes()[3];
  std::vector<Resources> sorted = pods;
  std::sort(sorted.begin(), sorted.end(),
            [](const Resources& a, const Resources& b) { return a.cpu_millis > b.cpu_millis; });
  std::vector<Resources> nodes;
  for (const Resources& p : sorted) {
    auto it = std::find_if(nodes.begin(), nodes.end(), [&](const Resources& used) {
      return (used + p).FitsIn(large.allocatable);
    });
    if (it == nodes.end()) {
      nodes.push_back(p);
    } else {
      *it += p;
    }
  }
  const double packing = static_cast<double>(nodes.size()) * large.hourly.usd();
  ScaledFarleyLimits limits;
  limits.groups = 40;
  limits.config_lp_seconds = 1.0;
  Result<ScaledFarleyResult> farley = ScaledFarleyBound(pods, FourTypes(), limits);
  ASSERT_TRUE(farley.has_value()) << farley.error().ToString();
  EXPECT_LE(farley->bound.usd(), packing);
  EXPECT_GT(farley->bound.usd(), 0.5 * packing);  // not vacuous
  EXPECT_GT(farley->fluid_theta, 0.9);            // the fluid prices' θ is proven near 1
  EXPECT_LE(farley->fluid_theta, 1.0 + 1e-9);
}

TEST(ScaledFarleyBoundTest, APodNoTypeHoldsIsAnError) {
  std::vector<Resources> pods = {{64000, 1, 0, 1, 0}};
  EXPECT_FALSE(ScaledFarleyBound(pods, FourTypes()).has_value());
}

}  // namespace
}  // namespace cloudoptim
