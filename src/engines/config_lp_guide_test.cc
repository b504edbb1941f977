#include "engines/config_lp_guide.h"

#include <gtest/gtest.h>

#include <random>

#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::kGi;
using packing_test::kMi;

using packing_test::FourTypes;

TEST(ConfigLpGuideTest, EveryNodeHoldsItsPodsAndNoPodIsPlannedTwice) {
  std::mt19937 rng(5);
  std::vector<Resources> pods;
  for (int i = 0; i < 300; ++i) {
    pods.push_back({std::uniform_int_distribution<int64_t>(100, 1900)(rng),
                    std::uniform_int_distribution<int64_t>(128, 6000)(rng) * kMi, 0, 1, 0});
  }
  ConfigLpLimits limits;
  limits.max_iterations = 30;
  std::vector<PriceOption> options = FourTypes();
  std::vector<GuidedNode> nodes = GuideByConfigLp(pods, options, 120, limits);
  ASSERT_FALSE(nodes.empty());
  std::vector<int> planned(pods.size(), 0);
  size_t total = 0;
  for (const GuidedNode& node : nodes) {
    ASSERT_GE(node.option, 0);
    ASSERT_LT(node.option, static_cast<int32_t>(options.size()));
    Resources used;
    for (size_t i : node.pods) {
      used += pods[i];
      ++planned[i];
    }
    EXPECT_TRUE(used.FitsIn(options[node.option].allocatable)) << used.ToString();
    total += node.pods.size();
  }
  for (size_t i = 0; i < pods.size(); ++i) EXPECT_LE(planned[i], 1) << i;
  // Flooring leaves a residue, but most pods should be planned on a batch this size.
  EXPECT_GT(total, pods.size() / 2);
}

TEST(ConfigLpGuideTest, IdenticalPodsFillWholeNodes) {
  // 40 pods of 1 vCPU / 1 GiB: the "c" type (4 vCPU) holds four for $0.14, the cheapest per
  // pod; the LP buys exactly ten, so every pod is planned, four to a node.
  std::vector<Resources> pods(40, Resources{1000, kGi, 0, 1, 0});
  std::vector<GuidedNode> nodes = GuideByConfigLp(pods, FourTypes(), 120, ConfigLpLimits{});
  size_t planned = 0;
  for (const GuidedNode& node : nodes) {
    EXPECT_EQ(node.option, 1);
    EXPECT_EQ(node.pods.size(), 4u);
    planned += node.pods.size();
  }
  EXPECT_EQ(planned, pods.size());
}

}  // namespace
}  // namespace cloudoptim
