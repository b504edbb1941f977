// The ruin-and-recreate move: its replacements hold every pod exactly once within their types,
// cost what they say and less than the nodes they replace; the same input gives the same
// answer; and it finds a cheaper packing where every move over at most three nodes is stuck.
#include "engines/ruin_recreate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::PodRequest;
using packing_test::RepackTypeOf;

// Three families in two sizes each, cheapest first: compute, general purpose, memory.
std::vector<RepackType> ThreeFamilies() {
  return {
      RepackTypeOf(2000, 4, 0.085), RepackTypeOf(2000, 8, 0.096),  RepackTypeOf(2000, 16, 0.126),
      RepackTypeOf(4000, 8, 0.17),  RepackTypeOf(4000, 16, 0.192), RepackTypeOf(4000, 32, 0.252),
      RepackTypeOf(8000, 16, 0.34), RepackTypeOf(8000, 32, 0.384), RepackTypeOf(8000, 64, 0.504)};
}

std::vector<Resources> MixedShapes(uint32_t seed, int n) {
  std::mt19937 random(seed);
  std::vector<Resources> pods;
  for (int i = 0; i < n; ++i) {
    bool cpu_heavy = random() % 2 == 0;
    int64_t cpu = cpu_heavy ? 1000 + random() % 2000 : 250 + random() % 500;
    int64_t memory_mib = cpu_heavy ? 512 + random() % 1536 : 4096 + random() % 8192;
    pods.push_back({cpu, memory_mib << 20, 0, 1, 0});
  }
  return pods;
}

Money CheapestHolder(const Resources& load, const std::vector<RepackType>& types) {
  for (const RepackType& t : types) {
    if (load.FitsIn(t.allocatable)) return t.hourly;
  }
  ADD_FAILURE() << "no type holds " << load.ToString();
  return Money();
}

// The kept nodes and the replacements together hold every pod exactly once, each node within
// its type, at the prices claimed; the replacements cost less than the replaced nodes.
void ExpectValid(const RuinRecreateResult& r, const std::vector<Resources>& pods,
                 const std::vector<RepackType>& types,
                 const std::vector<std::vector<int32_t>>& nodes) {
  std::vector<int> placed(pods.size(), 0);
  std::vector<char> replaced(nodes.size(), 0);
  Money before;
  for (int32_t k : r.replaced) {
    replaced[k] = 1;
    Resources load;
    for (int32_t i : nodes[k]) load += pods[i];
    before += CheapestHolder(load, types);
  }
  for (size_t k = 0; k < nodes.size(); ++k) {
    if (!replaced[k]) {
      for (int32_t i : nodes[k]) ++placed[i];
    }
  }
  Money after;
  for (const RepackedNode& n : r.repacking.nodes) {
    Resources load;
    for (int32_t i : n.pods) {
      load += pods[i];
      ++placed[i];
    }
    EXPECT_TRUE(load.FitsIn(types[n.type].allocatable)) << load.ToString();
    after += types[n.type].hourly;
  }
  for (int count : placed) EXPECT_EQ(count, 1);
  EXPECT_EQ(after, r.repacking.hourly);
  EXPECT_EQ(before, r.before);
  EXPECT_LT(r.repacking.hourly, r.before);
}

// One pod per node: the worst packing there is.
std::vector<std::vector<int32_t>> Singletons(size_t n) {
  std::vector<std::vector<int32_t>> nodes;
  for (size_t i = 0; i < n; ++i) nodes.push_back({static_cast<int32_t>(i)});
  return nodes;
}

TEST(RuinRecreateTest, PacksOnePodPerNodeValidlyAndMoreCheaply) {
  std::vector<RepackType> types = ThreeFamilies();
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    std::vector<Resources> pods = MixedShapes(seed, 40);
    std::vector<std::vector<int32_t>> nodes = Singletons(pods.size());
    int64_t budget = 200000;
    std::optional<RuinRecreateResult> r = RuinAndRecreate(pods, types, nodes, budget, seed);
    ASSERT_TRUE(r.has_value()) << "seed " << seed;
    ExpectValid(*r, pods, types, nodes);
    EXPECT_LT(r->repacking.nodes.size(), nodes.size() / 2);
    EXPECT_GT(r->iterations, 10);
  }
}

// Eight nodes each holding a 4-core and a 3-core pod, on one 10-core type: no two nodes' pods
// fit on one and no three nodes' pods on two, so every repacking of at most three nodes (and
// emptying a node into the others' 3 cores of room) is stuck; four nodes' pods fit on three
// ({4,3,3}, {4,3,3}, {4,4}), and all sixteen pods on six.
TEST(RuinRecreateTest, FindsTheCheaperPackingWhereMovesOverThreeNodesAreStuck) {
  std::vector<RepackType> types = {RepackTypeOf(10000, 64, 1.0)};
  std::vector<Resources> pods;
  std::vector<std::vector<int32_t>> nodes;
  for (int32_t k = 0; k < 8; ++k) {
    pods.push_back(PodRequest(4000, 1));
    pods.push_back(PodRequest(3000, 1));
    nodes.push_back({2 * k, 2 * k + 1});
  }
  // The stuck part, checked: no group of one to three nodes repacks more cheaply.
  for (int32_t a = 0; a < 8; ++a) {
    for (int32_t b = a; b < 8; ++b) {
      for (int32_t c = b; c < 8; ++c) {
        std::vector<int32_t> group = {a};
        if (b != a) group.push_back(b);
        if (c != b) group.push_back(c);
        std::vector<Resources> requests;
        for (int32_t n : group) {
          for (int32_t i : nodes[n]) requests.push_back(pods[i]);
        }
        int64_t budget = 1000000;
        Money current = Money::FromUsd(1.0) * static_cast<int64_t>(group.size());
        EXPECT_FALSE(CheaperRepacking(requests, types, current, 3, budget).has_value());
      }
    }
  }
  int64_t budget = 100000;
  std::optional<RuinRecreateResult> r = RuinAndRecreate(pods, types, nodes, budget, 3);
  ASSERT_TRUE(r.has_value());
  ExpectValid(*r, pods, types, nodes);
  EXPECT_EQ(r->before - r->repacking.hourly, Money::FromUsd(2.0));  // 8 nodes down to 6
}

TEST(RuinRecreateTest, GivesTheSameAnswerForTheSameInputAndSpendsItsBudget) {
  std::vector<RepackType> types = ThreeFamilies();
  std::vector<Resources> pods = MixedShapes(11, 60);
  std::vector<std::vector<int32_t>> nodes = Singletons(pods.size());
  int64_t first_budget = 50000, second_budget = 50000;
  std::optional<RuinRecreateResult> first = RuinAndRecreate(pods, types, nodes, first_budget, 9);
  std::optional<RuinRecreateResult> second = RuinAndRecreate(pods, types, nodes, second_budget, 9);
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(first->replaced, second->replaced);
  EXPECT_EQ(first->repacking.hourly, second->repacking.hourly);
  ASSERT_EQ(first->repacking.nodes.size(), second->repacking.nodes.size());
  for (size_t n = 0; n < first->repacking.nodes.size(); ++n) {
    EXPECT_EQ(first->repacking.nodes[n].type, second->repacking.nodes[n].type);
    EXPECT_EQ(first->repacking.nodes[n].pods, second->repacking.nodes[n].pods);
  }
  EXPECT_EQ(first->iterations, second->iterations);
  EXPECT_EQ(first_budget, second_budget);
  EXPECT_LE(first_budget, 0);
  EXPECT_GT(first_budget, -5000);  // overshoots by at most about one step
}

// Recording the accepted nodes (the set cover's pool, column_cover.h) changes nothing in the
// search, and every recorded node is a set of distinct pods some type holds; together with the
// given nodes they let the cover find the same plan or a cheaper one.
TEST(RuinRecreateTest, RecordsAcceptedNodesWithoutChangingTheSearch) {
  std::vector<RepackType> types = ThreeFamilies();
  std::vector<Resources> pods = MixedShapes(11, 60);
  std::vector<std::vector<int32_t>> nodes = Singletons(pods.size());
  int64_t plain_budget = 50000, recording_budget = 50000;
  std::vector<std::vector<int32_t>> accepted;
  std::optional<RuinRecreateResult> plain = RuinAndRecreate(pods, types, nodes, plain_budget, 9);
  std::optional<RuinRecreateResult> recording =
      RuinAndRecreate(pods, types, nodes, recording_budget, 9, &accepted);
  ASSERT_TRUE(plain.has_value() && recording.has_value());
  EXPECT_EQ(plain->repacking.hourly, recording->repacking.hourly);
  EXPECT_EQ(plain->iterations, recording->iterations);
  EXPECT_EQ(plain_budget, recording_budget);
  ASSERT_FALSE(accepted.empty());
  for (const std::vector<int32_t>& node : accepted) {
    ASSERT_FALSE(node.empty());
    std::vector<int32_t> sorted = node;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
    Resources load;
    for (int32_t i : node) {
      ASSERT_GE(i, 0);
      ASSERT_LT(i, static_cast<int32_t>(pods.size()));
      load += pods[i];
    }
    CheapestHolder(load, types);  // fails the test when no type holds the node
  }
}

TEST(RuinRecreateTest, ReturnsNothingWhenNoCheaperPackingExistsOrAPodFitsNoType) {
  std::vector<RepackType> types = {RepackTypeOf(4000, 16, 0.10)};
  std::vector<Resources> pods = {PodRequest(3000, 4), PodRequest(3000, 4)};
  int64_t budget = 20000;
  EXPECT_FALSE(RuinAndRecreate(pods, types, Singletons(2), budget, 1).has_value());
  pods.push_back(PodRequest(5000, 1));  // fits no type
  budget = 20000;
  EXPECT_FALSE(RuinAndRecreate(pods, types, Singletons(3), budget, 1).has_value());
}

}  // namespace
}  // namespace cloudoptim
