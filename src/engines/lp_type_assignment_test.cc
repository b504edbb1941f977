#include "engines/lp_type_assignment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "catalog/catalog.h"
#include "engines/launch_catalog.h"
#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::kGi;
using packing_test::kMi;

TEST(LpTypeAssignmentTest, DominatedOptionsAreLeftOutCheapestFirst) {
  std::vector<PriceOption> options = {{"big", {4000, 16 * kGi, 0, 100, 0}, Money::FromUsd(0.20)},
                                      {"worse", {2000, 8 * kGi, 0, 50, 0}, Money::FromUsd(0.25)},
                                      {"small", {2000, 8 * kGi, 0, 50, 0}, Money::FromUsd(0.10)}};
  EXPECT_EQ(NonDominatedIndices(options), (std::vector<size_t>{2, 0}));
}

// Looking only at the options no option of their own kind dominates gives the same answer
// as looking at all (random options in two kinds, with ties in price and size).
TEST(LpTypeAssignmentTest, NonDominatedAmongEachKindsUndominatedIsTheSame) {
  std::mt19937 rng(3);
  for (int instance = 0; instance < 50; ++instance) {
    std::vector<PriceOption> options, kinds[2];
    std::vector<size_t> index[2];
    for (int k = 0; k < 60; ++k) {
      PriceOption o{"",
                    {std::uniform_int_distribution<int64_t>(1, 8)(rng) * 1000,
                     std::uniform_int_distribution<int64_t>(1, 8)(rng) * kGi, 0, 110, 0},
                    Money::FromUsd(0.01 * std::uniform_int_distribution<int>(1, 20)(rng))};
      options.push_back(o);
      kinds[k % 3 == 0].push_back(o);
      index[k % 3 == 0].push_back(static_cast<size_t>(k));
    }
    std::vector<size_t> among;
    for (int kind = 0; kind < 2; ++kind) {
      for (size_t kept : NonDominatedIndices(kinds[kind])) among.push_back(index[kind][kept]);
    }
    std::sort(among.begin(), among.end());
    ASSERT_LT(among.size(), options.size()) << instance;
    EXPECT_EQ(NonDominatedIndices(options, among), NonDominatedIndices(options)) << instance;
  }
}

TEST(LpTypeAssignmentTest, ComplementaryShapesShareTheGeneralType) {
  // Four CPU-heavy pods alone fill a "cpu" node ($0.10), the cheapest per pod of their shape;
  // the memory-heavy ones are cheapest on "gen". Choosing per pod shape costs a cpu and a
  // gen node ($0.25); the LP sees that the mix fits exactly on one gen node ($0.15).
  std::vector<PriceOption> options = {{"cpu", {4000, 2 * kGi, 0, 110, 0}, Money::FromUsd(0.10)},
                                      {"mem", {1000, 8 * kGi, 0, 110, 0}, Money::FromUsd(0.16)},
                                      {"gen", {5000, 8 * kGi, 0, 110, 0}, Money::FromUsd(0.15)}};
  std::vector<Resources> pods;
  for (int i = 0; i < 4; ++i) pods.push_back({1000, 256 * kMi, 0, 1, 0});
  for (int i = 0; i < 4; ++i) pods.push_back({125, 1792 * kMi, 0, 1, 0});
  std::vector<int32_t> type_of = AssignTypesByShapeLp(pods, options, 50).type_of;
  ASSERT_EQ(type_of.size(), pods.size());
  for (size_t i = 0; i < pods.size(); ++i) EXPECT_EQ(type_of[i], 2) << i;
}

TEST(LpTypeAssignmentTest, FractionalSplitsAreRoundedToWholePodsThatSumUp) {
  // 5 pods of 1 vCPU; "four" holds 4 for $0.10, "one" holds 1 for $0.04: the LP is happy with
  // 1.25 "four" nodes, and every pod still gets exactly one type that can hold it.
  std::vector<PriceOption> options = {{"four", {4000, 8 * kGi, 0, 110, 0}, Money::FromUsd(0.10)},
                                      {"one", {1000, 2 * kGi, 0, 110, 0}, Money::FromUsd(0.04)}};
  std::vector<Resources> pods(5, Resources{1000, kGi, 0, 1, 0});
  ShapeLpTypes lp = AssignTypesByShapeLp(pods, options, 50);
  ASSERT_TRUE(lp.objective_usd.has_value());
  EXPECT_NEAR(*lp.objective_usd, 0.125, 1e-9);  // 1.25 "four" nodes, before rounding
  const std::vector<int32_t>& type_of = lp.type_of;
  ASSERT_EQ(type_of.size(), 5u);
  for (int32_t t : type_of) {
    ASSERT_GE(t, 0);
    EXPECT_TRUE(pods[0].FitsIn(options[t].allocatable));
  }
}

TEST(LpTypeAssignmentTest, NoGuideWhenThereIsNoType) {
  std::vector<Resources> pods(3, Resources{1000, kGi, 0, 1, 0});
  ShapeLpTypes lp = AssignTypesByShapeLp(pods, {}, 50);
  EXPECT_EQ(lp.type_of, (std::vector<int32_t>{-1, -1, -1}));
  EXPECT_FALSE(lp.objective_usd.has_value());
}

// The shortlist LP must reach the optimum of the LP over all candidates (it only saves time):
// batches of the provisioning benchmark's pods against the whole us-east-1 catalogue.
TEST(LpTypeAssignmentTest, ShortlistLpReachesTheOptimumOverAllCandidates) {
  Result<Catalog> catalog = Catalog::Load(std::string(CO_SOURCE_DIR) + "/data");
  ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();
  LaunchCatalog launch = LaunchCatalog::ForTypes(*catalog, "us-east-1", {"us-east-1a"}, Policy{});
  std::vector<PriceOption> options = OnDemandOptions(launch);
  for (int pods_count : {12, 100, 1000}) {
    for (uint32_t seed : {1u, 2u}) {
      std::mt19937 rng(seed);
      std::uniform_int_distribution<int64_t> cpu(100, 1500), memory(100, 4096);
      std::vector<Resources> pods;
      for (int i = 0; i < pods_count; ++i) pods.push_back({cpu(rng), memory(rng) * kMi, 0, 1, 0});
      std::vector<PodShape> shapes = GroupShapes(pods, 120, nullptr, ShapeRounding::kMean);
      std::vector<size_t> candidates = CandidateOptionIndices(shapes, options);
      std::vector<PriceOption> all;
      for (size_t c : candidates) all.push_back(options[c]);
      Result<ShapeLpSolution> full = SolveShapeLp(shapes, all);
      std::vector<size_t> solved_over, priced_over;
      Result<ShapeLpSolution> shortlist = SolveShapeLpOverShortlist(
          shapes, options, candidates, ShapeLpAlgorithm::kDual, &solved_over);
      ASSERT_TRUE(full.has_value() && shortlist.has_value()) << pods_count << " " << seed;
      // Pricing left-out candidates exactly reaches the same optimum over fewer or as many.
      Result<ShapeLpSolution> priced = SolveShapeLpOverShortlist(
          shapes, options, candidates, ShapeLpAlgorithm::kDual, &priced_over, true);
      ASSERT_TRUE(priced.has_value()) << pods_count << " " << seed;
      EXPECT_NEAR(priced->objective_usd, full->objective_usd, 1e-7 * full->objective_usd);
      EXPECT_LE(priced_over.size(), solved_over.size());
      // So does the greedy start the packer uses for small batches, with exact pricing.
      std::vector<size_t> greedy_over;
      Result<ShapeLpSolution> greedy = SolveShapeLpOverShortlist(
          shapes, options, candidates, ShapeLpAlgorithm::kGreedyPrimal, &greedy_over, true);
      ASSERT_TRUE(greedy.has_value()) << pods_count << " " << seed;
      EXPECT_NEAR(greedy->objective_usd, full->objective_usd, 1e-7 * full->objective_usd);
      EXPECT_NEAR(shortlist->objective_usd, full->objective_usd, 1e-7 * full->objective_usd)
          << pods_count << " pods, seed " << seed;
      EXPECT_LT(solved_over.size(), candidates.size()) << pods_count << " " << seed;
      for (size_t o : solved_over) {
        EXPECT_NE(std::find(candidates.begin(), candidates.end(), o), candidates.end());
      }
      for (size_t s = 0; s < shapes.size(); ++s) {
        double placed = 0;
        for (const auto& [option, count] : shortlist->placements[s]) {
          ASSERT_LT(static_cast<size_t>(option), solved_over.size());
          EXPECT_TRUE(shapes[s].requests.FitsIn(options[solved_over[option]].allocatable));
          placed += count;
        }
        EXPECT_NEAR(placed, static_cast<double>(shapes[s].count), 1e-6);
      }
    }
  }
}

}  // namespace
}  // namespace cloudoptim
