#include "engines/config_lp.h"

#include <gtest/gtest.h>

#include <random>

#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::FourTypes;
using packing_test::kGi;
using packing_test::kMi;
using packing_test::RandomPods;

using packing_test::OneType;

TEST(ConfigLpTest, WholeConfigurationsDoNotSplitAPodAcrossNodes) {
  // Three pods of 2.4 vCPU on 4-vCPU boxes: the shape LP buys 1.8 boxes; no box holds two,
  // and the configuration LP knows it: three boxes, the integer optimum.
  std::vector<PodShape> shapes = {{{2400, 2 * kGi, 0, 1, 0}, 3}};
  Result<ConfigLpSolution> lp = SolveConfigLp(shapes, OneType());
  ASSERT_TRUE(lp.has_value()) << lp.error().ToString();
  EXPECT_TRUE(lp->converged);
  EXPECT_NEAR(lp->lower_bound_usd, 0.60, 1e-6);
  EXPECT_NEAR(lp->master_usd, 0.60, 1e-6);
}

TEST(ConfigLpTest, NoPodsCostNothing) {
  // Nothing to pack (no shapes, or shapes without pods): buy nothing, and say it is optimal.
  for (const std::vector<PodShape>& shapes :
       {std::vector<PodShape>{}, std::vector<PodShape>{{{2400, 2 * kGi, 0, 1, 0}, 0}}}) {
    Result<ConfigLpSolution> lp = SolveConfigLp(shapes, OneType());
    ASSERT_TRUE(lp.has_value()) << lp.error().ToString();
    EXPECT_TRUE(lp->converged);
    EXPECT_EQ(lp->lower_bound_usd, 0.0);
    EXPECT_EQ(lp->master_usd, 0.0);
    EXPECT_TRUE(lp->configs.empty());
  }
  EXPECT_FALSE(SolveConfigLp({}, {}).has_value());  // no types is still an error
}

TEST(ConfigLpTest, PricingFindsMixedConfigurations) {
  // A 3-vCPU pod and a 1-vCPU pod fill one box together; homogeneous boxes would waste a
  // quarter. Two of each: two boxes.
  std::vector<PodShape> shapes = {{{3000, kGi, 0, 1, 0}, 2}, {{1000, kGi, 0, 1, 0}, 2}};
  Result<ConfigLpSolution> lp = SolveConfigLp(shapes, OneType());
  ASSERT_TRUE(lp.has_value()) << lp.error().ToString();
  EXPECT_TRUE(lp->converged);
  EXPECT_NEAR(lp->lower_bound_usd, 0.40, 1e-6);
  ASSERT_FALSE(lp->configs.empty());
  double nodes = 0;
  for (const NodeConfig& c : lp->configs) nodes += c.nodes;
  EXPECT_NEAR(nodes, 2.0, 1e-6);
}

TEST(ConfigLpTest, AShapeNoTypeHoldsIsAnError) {
  std::vector<PodShape> shapes = {{{8000, kGi, 0, 1, 0}, 1}};
  Result<ConfigLpSolution> lp = SolveConfigLp(shapes, OneType());
  ASSERT_FALSE(lp.has_value());
  EXPECT_TRUE(IsInvalidArgument(lp.error()));
}

// The bound must stay below every packing (CBC's best packing is one) and, where CBC proves
// its optimum, at least the shape LP's; on these instances it should be close to optimal.
TEST(ConfigLpTest, BoundLiesBetweenTheShapeLpAndEveryPacking) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    std::vector<Resources> pods = RandomPods(seed, 8);
    Result<ConfigLpBoundResult> config = ConfigLpBound(pods, FourTypes(), 400, 10.0);
    Result<Money> shape = ShapeLpBound(pods, FourTypes(), ShapeLpCuts::kNone);
    Result<ExactPacking> exact = ExactOptimum(pods, FourTypes(), 30.0);
    ASSERT_TRUE(config.has_value() && shape.has_value() && exact.has_value()) << seed;
    EXPECT_TRUE(config->converged) << seed;
    EXPECT_LE(config->bound.micros(), exact->hourly.micros() + 1) << seed;
    EXPECT_GE(config->bound.micros() + 1, shape->micros()) << seed;
  }
}

TEST(ConfigLpTest, BoundEqualsTheOptimumWhenTheLpIsIntegral) {
  // Two 3-vCPU and two 1-vCPU pods on 4-vCPU boxes, and one 2.4-vCPU pod: the LP optimum is
  // integral (three boxes), and CBC proves the same optimum.
  std::vector<Resources> pods = {{3000, kGi, 0, 1, 0},
                                 {3000, kGi, 0, 1, 0},
                                 {1000, kGi, 0, 1, 0},
                                 {1000, kGi, 0, 1, 0},
                                 {2400, kGi, 0, 1, 0}};
  Result<ConfigLpBoundResult> config = ConfigLpBound(pods, OneType(), 400, 10.0);
  Result<ExactPacking> exact = ExactOptimum(pods, OneType(), 30.0);
  ASSERT_TRUE(config.has_value() && exact.has_value());
  ASSERT_TRUE(exact->proven_optimal);
  EXPECT_NEAR(config->bound.usd(), exact->hourly.usd(), 1e-6);
  EXPECT_NEAR(config->bound.usd(), 0.60, 1e-6);
}

TEST(ConfigLpTest, StoppingEarlyStillGivesALowerBound) {
  std::vector<Resources> pods = RandomPods(7, 60);
  std::vector<PodShape> shapes = GroupShapes(pods, 400);
  ConfigLpLimits one;
  one.max_iterations = 1;
  ConfigLpLimits full;
  Result<ConfigLpSolution> early = SolveConfigLp(shapes, FourTypes(), one);
  Result<ConfigLpSolution> done = SolveConfigLp(shapes, FourTypes(), full);
  ASSERT_TRUE(early.has_value()) << early.error().ToString();
  ASSERT_TRUE(done.has_value()) << done.error().ToString();
  EXPECT_FALSE(early->converged);
  EXPECT_GT(done->iterations, 1);
  // The longer run includes the first iteration, so its bound is never lower.
  EXPECT_LE(early->lower_bound_usd, done->lower_bound_usd + 1e-9);
  EXPECT_GT(early->lower_bound_usd, 0.0);
  EXPECT_LE(done->lower_bound_usd, done->master_usd + 1e-9);
  EXPECT_GE(early->master_usd, done->master_usd - 1e-9);
}

// The tight-pricing options (grid DP bounds and columns, several fills per type, other
// smoothing) change how the LP gets there, never where: the same converged optimum as the
// plain LP on the same shapes, and no early bound above it.
TEST(ConfigLpTest, DpPricingReachesTheSameOptimum) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    std::vector<Resources> pods = RandomPods(seed, 14);
    for (Resources& p : pods) p.cpu_millis = p.cpu_millis / 50 * 50;  // an exact CPU grid
    std::vector<PodShape> shapes = GroupShapes(pods, 400);
    ConfigLpLimits plain;
    plain.max_iterations = 1000;
    ConfigLpLimits tight = plain;
    tight.dp_bounds = true;
    tight.dp_pricing_types = 4;
    tight.columns_per_type = 4;
    tight.smoothing = 0.3;
    Result<ConfigLpSolution> a = SolveConfigLp(shapes, FourTypes(), plain);
    Result<ConfigLpSolution> b = SolveConfigLp(shapes, FourTypes(), tight);
    ASSERT_TRUE(a.has_value() && b.has_value()) << seed;
    ASSERT_TRUE(a->converged) << seed;
    ASSERT_TRUE(b->converged) << seed;
    EXPECT_NEAR(a->lower_bound_usd, b->lower_bound_usd, 1e-6) << seed;
    // Early stopping with the search all but off: the bounds come from the DP and the LP
    // bounds alone, and must stay below the optimum.
    ConfigLpLimits early = tight;
    early.max_knapsack_nodes = 1;
    for (int32_t iterations : {1, 3, 10}) {
      early.max_iterations = iterations;
      Result<ConfigLpSolution> c = SolveConfigLp(shapes, FourTypes(), early);
      ASSERT_TRUE(c.has_value()) << seed;
      EXPECT_LE(c->lower_bound_usd, a->lower_bound_usd + 1e-7) << seed << " " << iterations;
      EXPECT_GT(c->lower_bound_usd, 0.0) << seed;
    }
  }
}

}  // namespace
}  // namespace cloudoptim
