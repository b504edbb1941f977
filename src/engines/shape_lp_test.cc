#include "engines/shape_lp.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>

#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::kGi;
using packing_test::kMi;

using packing_test::OneType;

TEST(ShapeLpTest, GroupShapesCountsEveryPodAndRoundsDown) {
  std::vector<Resources> pods = {
      {1005, 100 * kMi, 0, 1, 0}, {1009, 110 * kMi, 0, 1, 0}, {2000, kGi, 0, 1, 0}};
  std::vector<int32_t> shape_of;
  std::vector<PodShape> shapes = GroupShapes(pods, 10, &shape_of);
  ASSERT_EQ(shapes.size(), 2u);
  EXPECT_EQ(shape_of[0], shape_of[1]);
  EXPECT_NE(shape_of[0], shape_of[2]);
  const PodShape& merged = shapes[shape_of[0]];
  EXPECT_EQ(merged.count, 2);
  EXPECT_EQ(merged.requests.cpu_millis, 1000);        // 10m grid, rounded down
  EXPECT_EQ(merged.requests.memory_bytes, 96 * kMi);  // 16 MiB grid, rounded down
  EXPECT_EQ(merged.requests.pods, 1);
}

TEST(ShapeLpTest, GroupShapesCoarsensUntilAtMostMaxShapes) {
  std::vector<Resources> pods;
  for (int i = 0; i < 500; ++i) pods.push_back({100 + 7 * i, (64 + i) * kMi, 0, 1, 0});
  std::vector<int32_t> shape_of;
  std::vector<PodShape> shapes = GroupShapes(pods, 40, &shape_of);
  EXPECT_LE(shapes.size(), 40u);
  int64_t total = 0;
  for (const PodShape& s : shapes) total += s.count;
  EXPECT_EQ(total, 500);
  for (size_t i = 0; i < pods.size(); ++i) {
    EXPECT_TRUE(shapes[shape_of[i]].requests.FitsIn(pods[i])) << i;
  }
}

TEST(ShapeLpTest, BigPodCutsAllowOnlyOnePodAboveHalfANode) {
  // Two pods of 2.4 vCPU on 4-vCPU boxes: the plain LP packs them into 1.2 boxes ($0.24); no
  // box holds two, and the cut says so: two boxes ($0.40), the integer optimum.
  std::vector<PodShape> shapes = {{{2400, 2 * kGi, 0, 1, 0}, 2}};
  Result<ShapeLpSolution> plain = SolveShapeLp(shapes, OneType(), ShapeLpCuts::kNone);
  Result<ShapeLpSolution> cut = SolveShapeLp(shapes, OneType(), ShapeLpCuts::kBigPods);
  ASSERT_TRUE(plain.has_value()) << plain.error().ToString();
  ASSERT_TRUE(cut.has_value()) << cut.error().ToString();
  EXPECT_NEAR(plain->objective_usd, 0.24, 1e-6);
  EXPECT_NEAR(cut->objective_usd, 0.40, 1e-6);
  EXPECT_NEAR(cut->nodes[0], 2.0, 1e-6);
}

TEST(ShapeLpTest, BigPodCutsAllowTwoPodsAboveAThirdOnMemory) {
  // Three pods of 6 GiB (more than a third of 16 GiB, small on CPU): two per box at most.
  std::vector<PodShape> shapes = {{{100, 6 * kGi, 0, 1, 0}, 3}};
  Result<ShapeLpSolution> plain = SolveShapeLp(shapes, OneType(), ShapeLpCuts::kNone);
  Result<ShapeLpSolution> cut = SolveShapeLp(shapes, OneType(), ShapeLpCuts::kBigPods);
  ASSERT_TRUE(plain.has_value() && cut.has_value());
  EXPECT_NEAR(plain->objective_usd, 0.20 * 18.0 / 16.0, 1e-6);
  EXPECT_NEAR(cut->objective_usd, 0.20 * 1.5, 1e-6);
}

TEST(ShapeLpTest, PlacementsAccountForEveryPodOfEveryShape) {
  std::vector<PriceOption> options = {{"cpu", {4000, 4 * kGi, 0, 100, 0}, Money::FromUsd(0.10)},
                                      {"mem", {2000, 16 * kGi, 0, 100, 0}, Money::FromUsd(0.12)}};
  std::vector<PodShape> shapes = {{{1000, kGi / 2, 0, 1, 0}, 7}, {{250, 3 * kGi, 0, 1, 0}, 5}};
  Result<ShapeLpSolution> lp = SolveShapeLp(shapes, options);
  ASSERT_TRUE(lp.has_value()) << lp.error().ToString();
  ASSERT_EQ(lp->placements.size(), 2u);
  for (size_t s = 0; s < shapes.size(); ++s) {
    double pods = 0;
    for (const auto& [option, count] : lp->placements[s]) pods += count;
    EXPECT_NEAR(pods, static_cast<double>(shapes[s].count), 1e-6) << s;
  }
  double cost = 0;
  for (size_t t = 0; t < options.size(); ++t) cost += lp->nodes[t] * options[t].hourly.usd();
  EXPECT_NEAR(cost, lp->objective_usd, 1e-6);
}

// The crash start reaches the same optimum by another path; its placements still account for
// every pod (the vertex may differ, the objective may not).
TEST(ShapeLpTest, CrashPrimalReachesTheDualsOptimum) {
  std::vector<PriceOption> options = {{"cpu", {4000, 4 * kGi, 0, 100, 0}, Money::FromUsd(0.10)},
                                      {"mem", {2000, 16 * kGi, 0, 100, 0}, Money::FromUsd(0.12)},
                                      {"gen", {4000, 16 * kGi, 0, 100, 0}, Money::FromUsd(0.19)}};
  std::mt19937 rng(3);
  std::vector<PodShape> shapes;
  for (int s = 0; s < 40; ++s) {
    int64_t cpu = 100 + static_cast<int64_t>(rng() % 1900);
    int64_t memory = (128 + static_cast<int64_t>(rng() % 6000)) * kMi;
    shapes.push_back({{cpu, memory, 0, 1, 0}, 1 + static_cast<int64_t>(rng() % 5)});
  }
  Result<ShapeLpSolution> dual = SolveShapeLp(shapes, options);
  Result<ShapeLpSolution> crash = SolveShapeLp(shapes, options, ShapeLpCuts::kBigPods, std::nullopt,
                                               ShapeLpAlgorithm::kCrashPrimal);
  ASSERT_TRUE(dual.has_value() && crash.has_value());
  EXPECT_NEAR(crash->objective_usd, dual->objective_usd, 1e-6 * dual->objective_usd);
  for (size_t s = 0; s < shapes.size(); ++s) {
    double pods = 0;
    for (const auto& [option, count] : crash->placements[s]) pods += count;
    EXPECT_NEAR(pods, static_cast<double>(shapes[s].count), 1e-6) << s;
  }
}

TEST(ShapeLpTest, ShapePricesAddUpToTheOptimum) {
  std::vector<PriceOption> options = {{"cpu", {4000, 4 * kGi, 0, 100, 0}, Money::FromUsd(0.10)},
                                      {"mem", {2000, 16 * kGi, 0, 100, 0}, Money::FromUsd(0.12)}};
  std::vector<PodShape> shapes = {{{1000, kGi / 2, 0, 1, 0}, 7}, {{250, 3 * kGi, 0, 1, 0}, 5}};
  Result<ShapeLpSolution> lp = SolveShapeLp(shapes, options);
  ASSERT_TRUE(lp.has_value()) << lp.error().ToString();
  ASSERT_EQ(lp->shape_prices.size(), shapes.size());
  double priced = 0;
  for (size_t s = 0; s < shapes.size(); ++s) {
    EXPECT_GT(lp->shape_prices[s], 0) << s;
    priced += static_cast<double>(shapes[s].count) * lp->shape_prices[s];
  }
  EXPECT_NEAR(priced, lp->objective_usd, 1e-6);  // strong duality: the other rows' bounds are 0
}

TEST(ShapeLpTest, OnlyAnOptionThatHoldsPodsForLessMayLowerTheOptimum) {
  // Eight 1-vCPU pods on $0.20 boxes of 4 vCPU: $0.05 a pod. A 2-vCPU type at $0.09 holds them
  // for $0.045 a pod; at $0.11 for $0.055, and one that holds none cannot help at any price.
  std::vector<PodShape> shapes = {{{1000, kGi, 0, 1, 0}, 8}};
  Result<ShapeLpSolution> lp = SolveShapeLp(shapes, OneType());
  ASSERT_TRUE(lp.has_value()) << lp.error().ToString();
  PriceOption cheaper{"cheaper", {2000, 8 * kGi, 0, 50, 0}, Money::FromUsd(0.09)};
  PriceOption dearer{"dearer", {2000, 8 * kGi, 0, 50, 0}, Money::FromUsd(0.11)};
  PriceOption tiny{"tiny", {500, 8 * kGi, 0, 50, 0}, Money::FromUsd(0.001)};
  EXPECT_TRUE(OptionMayLowerShapeLp(shapes, lp->shape_prices, cheaper));
  EXPECT_FALSE(OptionMayLowerShapeLp(shapes, lp->shape_prices, dearer));
  EXPECT_FALSE(OptionMayLowerShapeLp(shapes, lp->shape_prices, tiny));
}

// A random type priced around 0.02 $/vCPU-h + 0.005 $/GiB-h (±30%).
PriceOption RandomType(std::mt19937& rng, int i) {
  int64_t cpu = 1000 * (1 + static_cast<int64_t>(rng() % 8));
  int64_t memory = kGi * (1 + static_cast<int64_t>(rng() % 32));
  double usd = 0.02 * static_cast<double>(cpu) / 1000 + 0.005 * static_cast<double>(memory / kGi);
  usd *= 0.7 + 0.6 * static_cast<double>(rng() % 1000) / 1000;
  return PriceOption{"t" + std::to_string(i),
                     {cpu, memory, 0, 8 + static_cast<int64_t>(rng() % 50), 0},
                     Money::FromUsd(usd)};
}

// Four random types and a big one, and 15 shapes of 100m + [0, cpu_spread) CPU and
// 128Mi + [0, memory_spread_mi) memory, 1-4 pods each.
struct RandomLpInstance {
  std::vector<PriceOption> options;
  std::vector<PodShape> shapes;
};
RandomLpInstance MakeRandomLpInstance(std::mt19937& rng, int64_t cpu_spread,
                                      int64_t memory_spread_mi) {
  RandomLpInstance instance;
  for (int i = 0; i < 4; ++i) instance.options.push_back(RandomType(rng, i));
  instance.options.push_back({"big", {16000, 64 * kGi, 0, 110, 0}, Money::FromUsd(0.9)});
  for (int s = 0; s < 15; ++s) {
    instance.shapes.push_back(
        {{100 + static_cast<int64_t>(rng() % cpu_spread),
          (128 + static_cast<int64_t>(rng() % memory_spread_mi)) * kMi, 0, 1, 0},
         1 + static_cast<int64_t>(rng() % 4)});
  }
  return instance;
}

// "Cannot lower" must always be right: on random shapes and types, an option it rules out
// leaves the optimum where it was when added.
TEST(ShapeLpTest, AnOptionRuledOutNeverLowersTheOptimum) {
  std::mt19937 rng(11);
  int ruled_out = 0;
  for (int instance = 0; instance < 12; ++instance) {
    auto [options, shapes] = MakeRandomLpInstance(rng, 1900, 4000);
    Result<ShapeLpSolution> lp = SolveShapeLp(shapes, options);
    ASSERT_TRUE(lp.has_value()) << lp.error().ToString();
    for (int extra = 0; extra < 6; ++extra) {
      PriceOption candidate = RandomType(rng, 10 + extra);
      if (OptionMayLowerShapeLp(shapes, lp->shape_prices, candidate)) continue;
      ++ruled_out;
      std::vector<PriceOption> more = options;
      more.push_back(candidate);
      Result<ShapeLpSolution> with = SolveShapeLp(shapes, more);
      ASSERT_TRUE(with.has_value());
      EXPECT_GE(with->objective_usd, lp->objective_usd * (1 - 1e-7)) << instance << " " << extra;
    }
  }
  EXPECT_GT(ruled_out, 10);  // the check is not vacuous
}

// The exact test answers exactly: on random shapes and types, an option lowers the optimum
// when added if and only if OptionLowersShapeLp says so, and it rules out at least what the
// quick test rules out.
TEST(ShapeLpTest, ExactPricingSaysWhetherAnOptionLowersTheOptimum) {
  std::mt19937 rng(17);
  int lowers = 0, does_not = 0;
  for (int instance = 0; instance < 12; ++instance) {
    auto [options, shapes] = MakeRandomLpInstance(rng, 3900, 8000);
    Result<ShapeLpSolution> lp = SolveShapeLp(shapes, options);
    ASSERT_TRUE(lp.has_value()) << lp.error().ToString();
    for (int extra = 0; extra < 6; ++extra) {
      PriceOption candidate = RandomType(rng, 10 + extra);
      std::vector<PriceOption> more = options;
      more.push_back(candidate);
      Result<ShapeLpSolution> with = SolveShapeLp(shapes, more);
      ASSERT_TRUE(with.has_value());
      bool lowered = with->objective_usd < lp->objective_usd * (1 - 1e-7);
      bool exact = OptionLowersShapeLp(shapes, lp->shape_prices, candidate);
      EXPECT_EQ(exact, lowered) << instance << " " << extra;
      if (!OptionMayLowerShapeLp(shapes, lp->shape_prices, candidate)) {
        EXPECT_FALSE(exact) << instance << " " << extra;
      }
      (lowered ? lowers : does_not) += 1;
    }
  }
  EXPECT_GT(lowers, 5);  // both answers occur
  EXPECT_GT(does_not, 5);
}

// The greedy start (every shape on its cheapest type per pod) reaches the dual simplex's
// optimum on random instances, with and without cuts and the exact-total rows (which the
// greedy start may violate: the primal simplex then starts infeasible), and its placements
// account for every pod.
TEST(ShapeLpTest, GreedyPrimalReachesTheDualsOptimum) {
  std::mt19937 rng(23);
  for (int instance = 0; instance < 40; ++instance) {
    auto [options, shapes] = MakeRandomLpInstance(rng, instance % 2 ? 3900 : 1900, 8000);
    std::optional<Resources> total;
    if (instance % 3 == 0) {
      total = Resources{};
      for (const PodShape& shape : shapes) *total += shape.requests * (shape.count + 1);
    }
    for (ShapeLpCuts cuts : {ShapeLpCuts::kBigPods, ShapeLpCuts::kNone}) {
      Result<ShapeLpSolution> dual = SolveShapeLp(shapes, options, cuts, total);
      Result<ShapeLpSolution> greedy =
          SolveShapeLp(shapes, options, cuts, total, ShapeLpAlgorithm::kGreedyPrimal);
      ASSERT_TRUE(dual.has_value() && greedy.has_value()) << instance;
      EXPECT_NEAR(greedy->objective_usd, dual->objective_usd, 1e-7 * dual->objective_usd)
          << instance;
      double priced = 0;
      for (size_t s = 0; s < shapes.size(); ++s) {
        double pods = 0;
        for (const auto& [option, count] : greedy->placements[s]) pods += count;
        EXPECT_NEAR(pods, static_cast<double>(shapes[s].count), 1e-6) << instance << " " << s;
        priced += static_cast<double>(shapes[s].count) * greedy->shape_prices[s];
      }
      if (!total) {
        EXPECT_NEAR(priced, greedy->objective_usd, 1e-6) << instance;
      }
    }
  }
}

// Degenerate inputs the greedy start must survive: a shape with no pods, a shape that takes
// no slot, and a type without slots (which only the slot-free shape fits).
TEST(ShapeLpTest, GreedyPrimalHandlesEmptyShapesAndSlotlessTypes) {
  std::vector<PriceOption> options = {{"box", {4000, 16 * kGi, 0, 100, 0}, Money::FromUsd(0.20)},
                                      {"slotless", {8000, 32 * kGi, 0, 0, 0}, Money::FromUsd(0.1)}};
  std::vector<PodShape> shapes = {
      {{1000, kGi, 0, 1, 0}, 0}, {{500, 2 * kGi, 0, 0, 0}, 6}, {{1500, 3 * kGi, 0, 1, 0}, 3}};
  Result<ShapeLpSolution> dual = SolveShapeLp(shapes, options);
  Result<ShapeLpSolution> greedy = SolveShapeLp(shapes, options, ShapeLpCuts::kBigPods,
                                                std::nullopt, ShapeLpAlgorithm::kGreedyPrimal);
  ASSERT_TRUE(dual.has_value() && greedy.has_value());
  EXPECT_NEAR(greedy->objective_usd, dual->objective_usd, 1e-9);
  EXPECT_TRUE(greedy->placements[0].empty());
}

// Exact pricing at the greedy start's duals (another optimal dual solution of a degenerate
// LP than the dual simplex's) never rules out an option that lowers the optimum: checked
// against solving again with the option added.
TEST(ShapeLpTest, ExactPricingAtTheGreedyStartsDualsNeverSkipsAnOptionThatLowers) {
  std::mt19937 rng(29);
  int ruled_out = 0, lowers = 0;
  for (int instance = 0; instance < 30; ++instance) {
    auto [options, shapes] = MakeRandomLpInstance(rng, 3900, 8000);
    Result<ShapeLpSolution> lp = SolveShapeLp(shapes, options, ShapeLpCuts::kBigPods, std::nullopt,
                                              ShapeLpAlgorithm::kGreedyPrimal);
    ASSERT_TRUE(lp.has_value()) << lp.error().ToString();
    for (int extra = 0; extra < 6; ++extra) {
      PriceOption candidate = RandomType(rng, 10 + extra);
      std::vector<PriceOption> more = options;
      more.push_back(candidate);
      Result<ShapeLpSolution> with = SolveShapeLp(shapes, more);
      ASSERT_TRUE(with.has_value());
      bool lowered = with->objective_usd < lp->objective_usd * (1 - 1e-7);
      lowers += lowered ? 1 : 0;
      if (OptionLowersShapeLp(shapes, lp->shape_prices, candidate)) continue;
      ++ruled_out;
      EXPECT_FALSE(lowered) << instance << " " << extra;
    }
  }
  EXPECT_GT(ruled_out, 20);  // both cases occur: the check is not vacuous
  EXPECT_GT(lowers, 10);
}

TEST(ShapeLpTest, AShapeNoTypeHoldsIsAnError) {
  std::vector<PodShape> shapes = {{{8000, kGi, 0, 1, 0}, 1}};
  Result<ShapeLpSolution> lp = SolveShapeLp(shapes, OneType());
  ASSERT_FALSE(lp.has_value());
  EXPECT_TRUE(IsInvalidArgument(lp.error()));
}

// The cut bound must stay a lower bound: never above CBC's proven optimum, never below the
// plain shape LP, on random small instances (fixed seeds).
TEST(ShapeLpTest, CutBoundLiesBetweenThePlainBoundAndTheExactOptimum) {
  std::vector<PriceOption> options = {{"s", {2000, 4 * kGi, 0, 20, 0}, Money::FromUsd(0.08)},
                                      {"c", {4000, 6 * kGi, 0, 30, 0}, Money::FromUsd(0.14)},
                                      {"r", {2000, 14 * kGi, 0, 30, 0}, Money::FromUsd(0.13)},
                                      {"l", {8000, 30 * kGi, 0, 60, 0}, Money::FromUsd(0.38)}};
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    std::mt19937 rng(seed);
    std::vector<Resources> pods;
    for (int i = 0; i < 7; ++i) {
      pods.push_back({std::uniform_int_distribution<int64_t>(200, 3000)(rng),
                      std::uniform_int_distribution<int64_t>(256, 9000)(rng) * kMi, 0, 1, 0});
    }
    Result<Money> plain = ShapeLpBound(pods, options, ShapeLpCuts::kNone);
    Result<Money> cut = ShapeLpBound(pods, options, ShapeLpCuts::kBigPods);
    Result<ExactPacking> exact = ExactOptimum(pods, options, 30.0);
    ASSERT_TRUE(plain.has_value() && cut.has_value() && exact.has_value()) << seed;
    ASSERT_TRUE(exact->proven_optimal) << seed;
    EXPECT_GE(cut->micros() + 1, plain->micros()) << seed;
    EXPECT_LE(cut->micros(), exact->hourly.micros() + 1) << seed;
  }
}

}  // namespace
}  // namespace cloudoptim
