// The repacking move: cheaper arrangements of a few pods found exactly (checked against brute
// force on random tiny instances), never one that overfills a node, and the work bound kept.
#include "engines/repack_search.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <random>

#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::PodRequest;
using packing_test::RepackTypeOf;

// Every pod on exactly one node, and no node holding more than its type allows.
void ExpectValid(const Repacking& r, const std::vector<Resources>& pods,
                 const std::vector<RepackType>& types) {
  std::vector<int> placed(pods.size(), 0);
  Money total;
  for (const RepackedNode& n : r.nodes) {
    Resources used;
    for (int32_t i : n.pods) {
      used += pods[i];
      ++placed[i];
    }
    EXPECT_TRUE(used.FitsIn(types[n.type].allocatable)) << used.ToString();
    total += types[n.type].hourly;
  }
  for (int count : placed) EXPECT_EQ(count, 1);
  EXPECT_EQ(total, r.hourly);
}

TEST(RepackSearchTest, PutsACpuHeavyAndAMemoryHeavyPodOnOneGeneralPurposeNode) {
  std::vector<RepackType> types = {RepackTypeOf(4000, 2, 0.10), RepackTypeOf(1000, 8, 0.10),
                                   RepackTypeOf(4000, 8, 0.15)};
  std::vector<Resources> pods = {PodRequest(3000, 1), PodRequest(500, 6)};
  int64_t budget = 10000;
  std::optional<Repacking> r = CheaperRepacking(pods, types, Money::FromUsd(0.20), 2, budget);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->hourly, Money::FromUsd(0.15));
  ASSERT_EQ(r->nodes.size(), 1u);
  EXPECT_EQ(r->nodes[0].type, 2);
  ExpectValid(*r, pods, types);
}

TEST(RepackSearchTest, SplitsANodeOverTwoCheaperOnes) {
  std::vector<RepackType> types = {RepackTypeOf(4000, 8, 0.10), RepackTypeOf(8000, 16, 0.40)};
  std::vector<Resources> pods = {PodRequest(3500, 7), PodRequest(3500, 7)};
  int64_t budget = 10000;
  std::optional<Repacking> r = CheaperRepacking(pods, types, Money::FromUsd(0.40), 2, budget);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->hourly, Money::FromUsd(0.20));
  EXPECT_EQ(r->nodes.size(), 2u);
  ExpectValid(*r, pods, types);
  // With one node at most, the split is not allowed and nothing is cheaper.
  budget = 10000;
  EXPECT_FALSE(CheaperRepacking(pods, types, Money::FromUsd(0.40), 1, budget).has_value());
}

TEST(RepackSearchTest, FindsNothingWhenTheCurrentNodesAreCheapest) {
  std::vector<RepackType> types = {RepackTypeOf(2000, 4, 0.05), RepackTypeOf(4000, 8, 0.10)};
  std::vector<Resources> pods = {PodRequest(1500, 3), PodRequest(1500, 3), PodRequest(1500, 3)};
  int64_t budget = 10000;
  // Three pods of 1.5 vCPU need three 2-vCPU nodes or a 4 + 2: $0.15 either way.
  EXPECT_FALSE(CheaperRepacking(pods, types, Money::FromUsd(0.15), 3, budget).has_value());
  EXPECT_GT(budget, 0);
}

TEST(RepackSearchTest, GivesUpWhenTheBudgetRunsOut) {
  std::vector<RepackType> types = {RepackTypeOf(4000, 2, 0.10), RepackTypeOf(1000, 8, 0.10),
                                   RepackTypeOf(4000, 8, 0.15)};
  std::vector<Resources> pods = {PodRequest(3000, 1), PodRequest(500, 6)};
  int64_t budget = 1;
  EXPECT_FALSE(CheaperRepacking(pods, types, Money::FromUsd(0.20), 2, budget).has_value());
  EXPECT_LE(budget, 0);
}

// The cheapest arrangement on at most `max_nodes` nodes, by trying every assignment.
Money BruteForce(const std::vector<Resources>& pods, const std::vector<RepackType>& types,
                 int max_nodes) {
  Money best = Money::FromMicros(std::numeric_limits<int64_t>::max());
  std::vector<int> node_of(pods.size(), 0);
  std::function<void(size_t, int)> assign = [&](size_t i, int used) {
    if (i == pods.size()) {
      Money total;
      for (int n = 0; n < used; ++n) {
        Resources need;
        for (size_t k = 0; k < pods.size(); ++k) {
          if (node_of[k] == n) need += pods[k];
        }
        Money cheapest = Money::FromMicros(std::numeric_limits<int64_t>::max() / 8);
        for (const RepackType& t : types) {
          if (need.FitsIn(t.allocatable) && t.hourly < cheapest) cheapest = t.hourly;
        }
        total += cheapest;
      }
      if (total < best) best = total;
      return;
    }
    for (int n = 0; n < std::min(used + 1, max_nodes); ++n) {
      node_of[i] = n;
      assign(i + 1, std::max(used, n + 1));
    }
  };
  assign(0, 0);
  return best;
}

TEST(RepackSearchTest, MatchesBruteForceOnRandomTinyInstances) {
  std::mt19937 rng(5);
  int improved = 0;
  for (int instance = 0; instance < 200; ++instance) {
    std::vector<RepackType> types;
    for (int t = 0; t < 5; ++t) {
      int64_t cpu = 1000 * (1 + rng() % 8);
      int64_t mem = 1 + rng() % 16;
      types.push_back(
          RepackTypeOf(cpu, mem, 0.01 * static_cast<double>(cpu / 1000 + mem / 4 + rng() % 3)));
    }
    std::sort(types.begin(), types.end(),
              [](const RepackType& a, const RepackType& b) { return a.hourly < b.hourly; });
    std::vector<Resources> pods;
    for (int i = 0, n = 2 + static_cast<int>(rng() % 5); i < n; ++i) {
      pods.push_back(PodRequest(250 * (1 + rng() % 12), 1 + rng() % 6));
    }
    Money optimum = BruteForce(pods, types, 3);
    // Ask for anything cheaper than the optimum plus a little: the search must find the optimum.
    Money current = optimum + Money::FromUsd(0.005);
    int64_t budget = 1000000;
    std::optional<Repacking> r = CheaperRepacking(pods, types, current, 3, budget);
    if (optimum.micros() > std::numeric_limits<int64_t>::max() / 16) {
      EXPECT_FALSE(r.has_value()) << "instance " << instance;  // no type holds some pod
      continue;
    }
    ASSERT_TRUE(r.has_value()) << "instance " << instance;
    ExpectValid(*r, pods, types);
    EXPECT_EQ(r->hourly, optimum) << "instance " << instance;
    ++improved;
    // Nothing is cheaper than the optimum.
    budget = 1000000;
    EXPECT_FALSE(CheaperRepacking(pods, types, optimum, 3, budget).has_value());
  }
  EXPECT_GT(improved, 100);
}

}  // namespace
}  // namespace cloudoptim
