// The set cover over a column pool: it finds the cheapest combination of pooled nodes even when
// only replacing every node at once reaches it, repairs pods covered twice, never returns a
// packing as dear as the given one, and answers the same every time.
#include "engines/column_cover.h"

#include <gtest/gtest.h>

#include <random>

namespace cloudoptim {
namespace {

// One-dimensional types (CPU only; memory and slots never bind): small 1,000m for $1, mid
// 2,000m for $1.90, big 3,000m for $3. Cheapest first.
std::vector<RepackType> Types() {
  auto type = [](int64_t cpu, double usd) {
    return RepackType{Resources{cpu, int64_t{64} << 30, 0, 110, 0}, Money::FromUsd(usd)};
  };
  return {type(1000, 1.0), type(2000, 1.9), type(3000, 3.0)};
}

Resources CpuPod(int64_t cpu) { return Resources{cpu, int64_t{1} << 20, 0, 1, 0}; }

// Every pod exactly once, each node on a type that holds it, the total as reported.
void ExpectValidRepacking(const std::vector<Resources>& requests,
                          const std::vector<RepackType>& types, const Repacking& repacking) {
  std::vector<int> placed(requests.size(), 0);
  Money total;
  for (const RepackedNode& node : repacking.nodes) {
    ASSERT_GE(node.type, 0);
    ASSERT_LT(node.type, static_cast<int32_t>(types.size()));
    Resources load;
    for (int32_t i : node.pods) {
      ++placed[i];
      load += requests[i];
    }
    EXPECT_TRUE(load.FitsIn(types[node.type].allocatable));
    total += types[node.type].hourly;
  }
  for (size_t i = 0; i < requests.size(); ++i) EXPECT_EQ(placed[i], 1) << "pod " << i;
  EXPECT_EQ(total, repacking.hourly);
}

// Pods large, large, small, small, ... : the given plan pairs equal sizes (big and small
// nodes, $8), the pool holds the pairs shifted by one (mid nodes, $7.60, the optimum: every
// mid node is full at the cheapest CPU rate). Each pooled node straddles two given nodes, so
// only a cover of all four at once reaches it.
TEST(ColumnCoverTest, FindsTheOptimumThatReplacesEveryNodeAtOnce) {
  std::vector<Resources> requests;
  for (int64_t cpu : {1500, 1500, 500, 500, 1500, 1500, 500, 500}) requests.push_back(CpuPod(cpu));
  std::vector<std::vector<int32_t>> nodes = {{0, 1}, {2, 3}, {4, 5}, {6, 7}};
  std::vector<std::vector<int32_t>> pool = {{1, 2}, {3, 4}, {5, 6}, {7, 0}};
  std::optional<ColumnCoverResult> r = CheaperCover(requests, Types(), nodes, pool);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->before, Money::FromUsd(8.0));
  EXPECT_EQ(r->repacking.hourly, Money::FromUsd(7.6));
  EXPECT_EQ(r->repacking.nodes.size(), 4u);
  EXPECT_NEAR(r->lp_usd, 7.6, 1e-6);
  ExpectValidRepacking(requests, Types(), r->repacking);
}

TEST(ColumnCoverTest, APodCoveredTwiceStaysOnOneNodeAndTheOtherShrinks) {
  // Small 1,000m $1, mid 2,000m $1.50, big 3,000m $3.50. Three ~900m pods on one big node
  // ($3.50; unequal, so each is its own shape); the pool has {a,b} and {b,c} on mid nodes: the only
  // cheaper cover ($3) covers b twice. Repaired, c alone fits the small type: $2.50.
  auto type = [](int64_t cpu, double usd) {
    return RepackType{Resources{cpu, int64_t{64} << 30, 0, 110, 0}, Money::FromUsd(usd)};
  };
  std::vector<RepackType> types = {type(1000, 1.0), type(2000, 1.5), type(3000, 3.5)};
  std::vector<Resources> requests = {CpuPod(900), CpuPod(910), CpuPod(920)};
  std::optional<ColumnCoverResult> r = CheaperCover(requests, types, {{0, 1, 2}}, {{0, 1}, {1, 2}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->before, Money::FromUsd(3.5));
  EXPECT_EQ(r->repacking.hourly, Money::FromUsd(2.5));
  EXPECT_NEAR(r->lp_usd, 3.0, 1e-6);
  ExpectValidRepacking(requests, types, r->repacking);
}

TEST(ColumnCoverTest, NothingWhenThePoolHoldsNoCheaperCover) {
  std::vector<Resources> requests = {CpuPod(1500), CpuPod(500), CpuPod(1000)};
  std::vector<std::vector<int32_t>> nodes = {{0, 1}, {2}};  // $1.90 + $1
  EXPECT_FALSE(CheaperCover(requests, Types(), nodes, {}).has_value());
  // A pooled node dearer than what it replaces does not help either.
  EXPECT_FALSE(CheaperCover(requests, Types(), nodes, {{0, 2}, {1}}).has_value());
}

TEST(ColumnCoverTest, RefusesInconsistentInput) {
  std::vector<Resources> requests = {CpuPod(500), CpuPod(500)};
  // A pod on two given nodes, a pod on none, a pod no type holds.
  EXPECT_FALSE(CheaperCover(requests, Types(), {{0, 1}, {1}}, {{0, 1}}).has_value());
  EXPECT_FALSE(CheaperCover(requests, Types(), {{0}}, {{0, 1}}).has_value());
  std::vector<Resources> huge = {CpuPod(5000)};
  EXPECT_FALSE(CheaperCover(huge, Types(), {{0}}, {}).has_value());
  // Pool entries naming pods out of range or fitting no type are ignored.
  std::vector<Resources> three = {CpuPod(1500), CpuPod(1500), CpuPod(500)};
  std::optional<ColumnCoverResult> r =
      CheaperCover(three, Types(), {{0, 1}, {2}}, {{0, 1, 2}, {7}, {-1}, {0, 2}, {1}});
  ASSERT_TRUE(r.has_value());  // {0,2} mid + {1} mid = $3.80 < $4
  ExpectValidRepacking(three, Types(), r->repacking);
}

// Random pods, a first-fit plan and a pool of random pairs and triples: every answer is a
// valid packing cheaper than the plan, and the same on a second call.
TEST(ColumnCoverTest, RandomPoolsGiveValidCheaperDeterministicPackings) {
  std::mt19937 rng(11);
  int found = 0;
  for (int round = 0; round < 20; ++round) {
    std::vector<Resources> requests;
    for (int i = 0; i < 30; ++i) {
      requests.push_back(CpuPod(std::uniform_int_distribution<int64_t>(2, 28)(rng) * 50));
    }
    std::vector<std::vector<int32_t>> nodes;
    for (int32_t i = 0; i < 30; i += 2) nodes.push_back({i, i + 1});
    std::vector<std::vector<int32_t>> pool;
    for (int k = 0; k < 300; ++k) {
      std::vector<int32_t> node;
      for (int m = 0; m < 2 + k % 2; ++m) node.push_back(static_cast<int32_t>(rng() % 30));
      std::sort(node.begin(), node.end());
      node.erase(std::unique(node.begin(), node.end()), node.end());
      pool.push_back(node);
    }
    std::optional<ColumnCoverResult> r = CheaperCover(requests, Types(), nodes, pool);
    std::optional<ColumnCoverResult> again = CheaperCover(requests, Types(), nodes, pool);
    ASSERT_EQ(r.has_value(), again.has_value());
    if (!r) continue;
    ++found;
    ExpectValidRepacking(requests, Types(), r->repacking);
    EXPECT_LT(r->repacking.hourly, r->before);
    EXPECT_LE(r->lp_usd, r->repacking.hourly.usd() + 1e-6);
    EXPECT_EQ(r->repacking.hourly, again->repacking.hourly);
    ASSERT_EQ(r->repacking.nodes.size(), again->repacking.nodes.size());
    for (size_t n = 0; n < r->repacking.nodes.size(); ++n) {
      EXPECT_EQ(r->repacking.nodes[n].pods, again->repacking.nodes[n].pods);
      EXPECT_EQ(r->repacking.nodes[n].type, again->repacking.nodes[n].type);
    }
  }
  EXPECT_GE(found, 10);  // pairs of random sizes leave room a pool of triples fills
}

}  // namespace
}  // namespace cloudoptim
