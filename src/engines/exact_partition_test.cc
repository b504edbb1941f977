#include "engines/exact_partition.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <random>

#include "engines/config_lp.h"
#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::FourTypes;
using packing_test::kGi;
using packing_test::kMi;
using packing_test::RandomPods;

// The cheapest type holding `group`, or "none" as a huge cost.
int64_t GroupCost(const std::vector<Resources>& group, const std::vector<PriceOption>& options) {
  Resources sum;
  for (const Resources& r : group) sum += r;
  int64_t best = std::numeric_limits<int64_t>::max() / 4;
  for (const PriceOption& o : options) {
    if (sum.cpu_millis <= o.allocatable.cpu_millis &&
        sum.memory_bytes <= o.allocatable.memory_bytes && sum.pods <= o.allocatable.pods) {
      best = std::min(best, o.hourly.micros());
    }
  }
  return best;
}

// Brute force: every set partition of the pods (restricted growth strings).
int64_t BruteForce(const std::vector<Resources>& pods, const std::vector<PriceOption>& options) {
  int64_t best = std::numeric_limits<int64_t>::max();
  std::vector<std::vector<Resources>> groups;
  std::function<void(size_t)> place = [&](size_t i) {
    if (i == pods.size()) {
      int64_t total = 0;
      for (const auto& g : groups) total += GroupCost(g, options);
      best = std::min(best, total);
      return;
    }
    for (size_t g = 0; g < groups.size(); ++g) {  // by index: deeper calls grow `groups`
      groups[g].push_back(pods[i]);
      place(i + 1);
      groups[g].pop_back();
    }
    groups.push_back({pods[i]});
    place(i + 1);
    groups.pop_back();
  };
  place(0);
  return best;
}

// The partition it returns is a real packing: every pod once, each node's pods fit its
// type, and the types' prices sum to the optimum it reports.
void ExpectValidPacking(const PartitionOptimum& best, const std::vector<Resources>& pods,
                        const std::vector<PriceOption>& options) {
  std::vector<int> seen(pods.size(), 0);
  int64_t total = 0;
  for (const PartitionOptimum::Node& node : best.nodes) {
    ASSERT_GE(node.option, 0);
    Resources sum;
    for (int32_t p : node.pods) {
      ++seen[p];
      sum += pods[p];
    }
    EXPECT_TRUE(sum.FitsIn(options[node.option].allocatable)) << sum.ToString();
    total += options[node.option].hourly.micros();
  }
  for (int s : seen) EXPECT_EQ(s, 1);
  EXPECT_EQ(total, best.hourly.micros());
}

TEST(ExactPartitionTest, MatchesBruteForceOnTinyInstances) {
  for (uint32_t seed = 1; seed <= 10; ++seed) {
    std::vector<Resources> pods = RandomPods(seed, 7);
    Result<PartitionOptimum> best = ExactPartitionOptimum(pods, FourTypes());
    ASSERT_TRUE(best.has_value()) << best.error().ToString();
    EXPECT_EQ(best->hourly.micros(), BruteForce(pods, FourTypes())) << seed;
    ExpectValidPacking(*best, pods, FourTypes());
  }
}

TEST(ExactPartitionTest, MatchesCbcAndLiesAboveTheConfigurationLp) {
  for (uint32_t seed = 11; seed <= 14; ++seed) {
    std::vector<Resources> pods = RandomPods(seed, 9);
    Result<PartitionOptimum> best = ExactPartitionOptimum(pods, FourTypes());
    Result<ExactPacking> cbc = ExactOptimum(pods, FourTypes(), 60.0);
    Result<ConfigLpBoundResult> lp = ConfigLpBound(pods, FourTypes(), 400, 10.0);
    ASSERT_TRUE(best.has_value() && cbc.has_value() && lp.has_value()) << seed;
    ASSERT_TRUE(cbc->proven_optimal) << seed;
    EXPECT_EQ(best->hourly.micros(), cbc->hourly.micros()) << seed;
    EXPECT_GE(best->hourly.micros() + 1, lp->bound.micros()) << seed;
    ExpectValidPacking(*best, pods, FourTypes());
  }
}

TEST(ExactPartitionTest, IdenticalPodsMakeLargeBatchesCheap) {
  // 40 pods of two shapes: 21 × 21 states instead of 2^40 subsets. Three 1.5-vCPU pods and
  // one 2.5-vCPU pod (7 vCPU, 12 GiB) fill an "l" box; 30 of the one and 10 of the other
  // fill ten of them ($3.80), cheaper than any mix with the small types.
  std::vector<Resources> pods(30, Resources{1500, 3 * kGi, 0, 1, 0});
  pods.resize(40, Resources{2500, 3 * kGi, 0, 1, 0});
  Result<PartitionOptimum> best = ExactPartitionOptimum(pods, FourTypes());
  ASSERT_TRUE(best.has_value()) << best.error().ToString();
  EXPECT_EQ(best->states, 31 * 11);
  ExpectValidPacking(*best, pods, FourTypes());
  Result<ConfigLpBoundResult> lp = ConfigLpBound(pods, FourTypes(), 400, 10.0);
  ASSERT_TRUE(lp.has_value());
  EXPECT_GE(best->hourly.micros() + 1, lp->bound.micros());
  EXPECT_LE(best->hourly.micros(), Money::FromUsd(3.80).micros());
}

// Types of very different shapes and sizes (like hpc7g next to m6g on the trace), where the
// configuration LP's pricing bounds once went wrong: its bound must never exceed the proven
// integer optimum, whatever the pods.
std::vector<PriceOption> MixedTypes() {
  return {{"hpc", {63770, 116 * kGi, 0, 198, 0}, Money::FromUsd(1.68)},
          {"m.8x", {31850, 115 * kGi, 0, 234, 0}, Money::FromUsd(1.2384)},
          {"c.4x", {15890, 28 * kGi, 0, 234, 0}, Money::FromUsd(0.544)},
          {"r.2x", {7910, 58 * kGi, 0, 58, 0}, Money::FromUsd(0.4032)},
          {"t.med", {1930, 3 * kGi, 0, 8, 0}, Money::FromUsd(0.0336)}};
}

TEST(ExactPartitionTest, TheConfigurationLpNeverExceedsTheOptimum) {
  std::mt19937 rng(7);
  for (int instance = 0; instance < 40; ++instance) {
    std::vector<Resources> pods;
    for (int i = 0; i < 6 + instance % 9; ++i) {
      pods.push_back({std::uniform_int_distribution<int64_t>(1, 32)(rng) * 1000,
                      std::uniform_int_distribution<int64_t>(1, 64)(rng) * kGi, 0, 1, 0});
    }
    Result<PartitionOptimum> best = ExactPartitionOptimum(pods, MixedTypes());
    Result<ConfigLpBoundResult> lp = ConfigLpBound(pods, MixedTypes(), 400, 10.0);
    ASSERT_TRUE(best.has_value() && lp.has_value()) << instance;
    EXPECT_LE(lp->bound.micros(), best->hourly.micros() + 1) << instance;
    ExpectValidPacking(*best, pods, MixedTypes());
  }
}

// With one search node per knapsack, pricing is all bounds (surrogate, cardinality,
// Lagrangian): the Farley bound must still lie below the optimum; with dual-optimal
// inequalities the converged LP optimum must be the same as without.
TEST(ExactPartitionTest, ConfigurationLpVariantsStayBelowTheOptimum) {
  std::mt19937 rng(11);
  for (int instance = 0; instance < 20; ++instance) {
    std::vector<Resources> pods;
    std::vector<PodShape> shapes;
    for (int i = 0; i < 5 + instance % 6; ++i) {
      Resources r{std::uniform_int_distribution<int64_t>(1, 20)(rng) * 1000,
                  std::uniform_int_distribution<int64_t>(1, 40)(rng) * kGi, 0, 1, 0};
      int64_t count = std::uniform_int_distribution<int64_t>(1, 2)(rng);
      for (int64_t k = 0; k < count; ++k) pods.push_back(r);
      shapes.push_back({r, count});
    }
    Result<PartitionOptimum> best = ExactPartitionOptimum(pods, MixedTypes());
    ASSERT_TRUE(best.has_value()) << instance;
    ConfigLpLimits bounds_only;
    bounds_only.max_knapsack_nodes = 1;
    bounds_only.max_iterations = 5;
    ConfigLpLimits plain, with_doi;
    with_doi.dual_inequalities = true;
    ConfigLpLimits grid_only = bounds_only;
    grid_only.grid_knapsack_bound = true;
    Result<ConfigLpSolution> rough = SolveConfigLp(shapes, MixedTypes(), bounds_only);
    Result<ConfigLpSolution> grid = SolveConfigLp(shapes, MixedTypes(), grid_only);
    ASSERT_TRUE(grid.has_value()) << instance;
    EXPECT_LE(grid->lower_bound_usd, best->hourly.usd() + 1e-6) << instance;
    EXPECT_GE(grid->lower_bound_usd + 1e-9, rough->lower_bound_usd) << instance;
    Result<ConfigLpSolution> exact = SolveConfigLp(shapes, MixedTypes(), plain);
    Result<ConfigLpSolution> doi = SolveConfigLp(shapes, MixedTypes(), with_doi);
    ASSERT_TRUE(rough.has_value() && exact.has_value() && doi.has_value()) << instance;
    EXPECT_LE(rough->lower_bound_usd, best->hourly.usd() + 1e-6) << instance;
    ASSERT_TRUE(exact->converged && doi->converged) << instance;
    EXPECT_NEAR(exact->lower_bound_usd, doi->lower_bound_usd, 1e-6) << instance;
    EXPECT_LE(doi->lower_bound_usd, best->hourly.usd() + 1e-6) << instance;
    for (const NodeConfig& c : doi->configs) EXPECT_GE(c.option, 0);
  }
}

// The shape LP's duals with the big-pod cuts' duals, charged to the exact pods: below the
// optimum on random pods, and on pods too big to pair up it sees what the plain LP cannot.
TEST(ExactPartitionTest, CutDualBoundStaysBelowTheOptimum) {
  std::mt19937 rng(13);
  for (int instance = 0; instance < 30; ++instance) {
    std::vector<Resources> pods;
    for (int i = 0; i < 5 + instance % 8; ++i) {
      pods.push_back({std::uniform_int_distribution<int64_t>(1, 40)(rng) * 500,
                      std::uniform_int_distribution<int64_t>(1, 60)(rng) * kGi, 0, 1, 0});
    }
    Result<PartitionOptimum> best = ExactPartitionOptimum(pods, MixedTypes());
    Result<Money> cut = ShapeLpDualBound(pods, MixedTypes(), ShapeLpCuts::kBigPods);
    ASSERT_TRUE(best.has_value() && cut.has_value()) << instance;
    EXPECT_LE(cut->micros(), best->hourly.micros() + 1) << instance;
  }
  // Three pods of 2.4 vCPU, and the only type has 4: one pod per node, $0.60; the plain LP
  // buys 1.8 nodes ($0.36).
  std::vector<PriceOption> box = {{"box", {4000, 16 * kGi, 0, 100, 0}, Money::FromUsd(0.20)}};
  std::vector<Resources> big(3, Resources{2400, 2 * kGi, 0, 1, 0});
  Result<Money> plain = ShapeLpDualBound(big, box);
  Result<Money> cut = ShapeLpDualBound(big, box, ShapeLpCuts::kBigPods);
  ASSERT_TRUE(plain.has_value() && cut.has_value());
  EXPECT_NEAR(plain->usd(), 0.36, 1e-6);
  EXPECT_NEAR(cut->usd(), 0.60, 1e-6);
}

TEST(ExactPartitionTest, RefusesInstancesBeyondItsLimits) {
  PartitionLimits limits;
  limits.max_states = 1000;
  Result<PartitionOptimum> best = ExactPartitionOptimum(RandomPods(3, 12), FourTypes(), limits);
  ASSERT_FALSE(best.has_value());
  EXPECT_TRUE(IsResourceExhausted(best.error()));
  PartitionLimits little_work;
  little_work.max_transitions = 100;
  best = ExactPartitionOptimum(RandomPods(3, 12), FourTypes(), little_work);
  ASSERT_FALSE(best.has_value());
  EXPECT_TRUE(IsResourceExhausted(best.error()));
}

// A refusal for work is decided before solving, from the exact count of the transitions the
// solve takes: a limit of exactly that count solves, one less refuses, on instances with
// repeated and distinct pods alike.
TEST(ExactPartitionTest, RefusesForWorkExactlyWhenTheSolveWouldExceedTheLimit) {
  std::mt19937 rng(5);
  for (int instance = 0; instance < 20; ++instance) {
    std::vector<Resources> pods;
    for (int i = 0; i < 4 + instance % 9; ++i) {
      pods.push_back({std::uniform_int_distribution<int64_t>(1, 6)(rng) * 500,
                      std::uniform_int_distribution<int64_t>(1, 6)(rng) * kGi, 0, 1, 0});
    }
    Result<PartitionOptimum> best = ExactPartitionOptimum(pods, MixedTypes());
    ASSERT_TRUE(best.has_value()) << instance;
    ASSERT_GT(best->transitions, 0) << instance;
    PartitionLimits enough;
    enough.max_transitions = best->transitions;
    Result<PartitionOptimum> again = ExactPartitionOptimum(pods, MixedTypes(), enough);
    ASSERT_TRUE(again.has_value()) << instance;
    EXPECT_EQ(again->hourly, best->hourly) << instance;
    EXPECT_EQ(again->transitions, best->transitions) << instance;
    PartitionLimits one_short;
    one_short.max_transitions = best->transitions - 1;
    Result<PartitionOptimum> refused = ExactPartitionOptimum(pods, MixedTypes(), one_short);
    ASSERT_FALSE(refused.has_value()) << instance;
    EXPECT_TRUE(IsResourceExhausted(refused.error())) << instance;
  }
}

TEST(ExactPartitionTest, APodNoTypeHoldsIsAnError) {
  Result<PartitionOptimum> best =
      ExactPartitionOptimum({Resources{9000, kGi, 0, 1, 0}}, FourTypes());
  ASSERT_FALSE(best.has_value());
  EXPECT_TRUE(IsInvalidArgument(best.error()));
}

TEST(ExactPartitionTest, NoPodsCostNothing) {
  Result<PartitionOptimum> best = ExactPartitionOptimum({}, FourTypes());
  ASSERT_TRUE(best.has_value());
  EXPECT_EQ(best->hourly.micros(), 0);
  EXPECT_TRUE(best->nodes.empty());
}

}  // namespace
}  // namespace cloudoptim
