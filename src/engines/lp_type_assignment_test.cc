#include "engines/lp_type_assignment.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

constexpr int64_t kGi = int64_t{1} << 30;
constexpr int64_t kMi = int64_t{1} << 20;

TEST(LpTypeAssignmentTest, DominatedOptionsAreLeftOutCheapestFirst) {
  std::vector<PriceOption> options = {{"big", {4000, 16 * kGi, 0, 100, 0}, Money::FromUsd(0.20)},
                                      {"worse", {2000, 8 * kGi, 0, 50, 0}, Money::FromUsd(0.25)},
                                      {"small", {2000, 8 * kGi, 0, 50, 0}, Money::FromUsd(0.10)}};
  EXPECT_EQ(NonDominatedIndices(options), (std::vector<size_t>{2, 0}));
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
  std::vector<int32_t> type_of = AssignTypesByShapeLp(pods, options, 50);
  ASSERT_EQ(type_of.size(), pods.size());
  for (size_t i = 0; i < pods.size(); ++i) EXPECT_EQ(type_of[i], 2) << i;
}

TEST(LpTypeAssignmentTest, FractionalSplitsAreRoundedToWholePodsThatSumUp) {
  // 5 pods of 1 vCPU; "four" holds 4 for $0.10, "one" holds 1 for $0.04: the LP is happy with
  // 1.25 "four" nodes, and every pod still gets exactly one type that can hold it.
  std::vector<PriceOption> options = {{"four", {4000, 8 * kGi, 0, 110, 0}, Money::FromUsd(0.10)},
                                      {"one", {1000, 2 * kGi, 0, 110, 0}, Money::FromUsd(0.04)}};
  std::vector<Resources> pods(5, Resources{1000, kGi, 0, 1, 0});
  std::vector<int32_t> type_of = AssignTypesByShapeLp(pods, options, 50);
  ASSERT_EQ(type_of.size(), 5u);
  for (int32_t t : type_of) {
    ASSERT_GE(t, 0);
    EXPECT_TRUE(pods[0].FitsIn(options[t].allocatable));
  }
}

TEST(LpTypeAssignmentTest, NoGuideWhenThereIsNoType) {
  std::vector<Resources> pods(3, Resources{1000, kGi, 0, 1, 0});
  std::vector<int32_t> type_of = AssignTypesByShapeLp(pods, {}, 50);
  EXPECT_EQ(type_of, (std::vector<int32_t>{-1, -1, -1}));
}

}  // namespace
}  // namespace cloudoptim
