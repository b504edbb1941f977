#include "engines/cost_lower_bound.h"

#include <gtest/gtest.h>

#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::kGi;

// A toy catalogue: a CPU-shaped, a memory-shaped and a small general type.
std::vector<PriceOption> Options() {
  return {{"cpu.large", {4000, 8 * kGi, 0, 100, 0}, Money::FromUsd(0.16)},
          {"mem.large", {2000, 16 * kGi, 0, 100, 0}, Money::FromUsd(0.16)},
          {"gen.small", {1000, 4 * kGi, 0, 100, 0}, Money::FromUsd(0.05)}};
}

TEST(CostLowerBoundTest, PerResourceBoundPricesTheScarcestResource) {
  // 8 vCPU at the best $0.04/vCPU = $0.32; 8 GiB at the best $0.01/GiB = $0.08.
  Money bound = PerResourceBound({8000, 8 * kGi, 0, 4, 0}, Options());
  EXPECT_NEAR(bound.usd(), 0.32, 1e-6);
}

TEST(CostLowerBoundTest, LpBoundMixesTypesAndIsAtLeastThePerResourceBound) {
  // 8 vCPU and 32 GiB: each resource alone costs $0.32 at its best unit price, but no type
  // offers both at those prices. Mixing cpu.large and mem.large (4/3 each) costs $0.4267;
  // eight gen.small cost $0.40, the LP optimum.
  Resources demand{8000, 32 * kGi, 0, 4, 0};
  Result<Money> lp = LpRelaxationBound(demand, Options());
  ASSERT_TRUE(lp.has_value()) << lp.error().ToString();
  EXPECT_GE(lp->micros(), PerResourceBound(demand, Options()).micros());
  EXPECT_NEAR(lp->usd(), 0.40, 1e-6);
  EXPECT_GT(lp->usd(), PerResourceBound(demand, Options()).usd() + 0.05);
}

TEST(CostLowerBoundTest, ShapeLpBoundKeepsEachPodsCpuAndMemoryTogether) {
  // A type with cheap CPU and no memory to speak of, and one with cheap memory: the aggregate
  // LP buys CPU from one and memory from the other; the shape LP cannot, since every pod
  // needs 1 vCPU and 4 GiB on the same node.
  std::vector<PriceOption> options = {
      {"cpu.nano", {2000, kGi / 2, 0, 4, 0}, Money::FromUsd(0.01)},
      {"mem.big", {2000, 16 * kGi, 0, 100, 0}, Money::FromUsd(0.10)}};
  std::vector<Resources> pods(4, Resources{1000, 4 * kGi, 0, 1, 0});
  Resources demand{4000, 16 * kGi, 0, 4, 0};
  Result<Money> aggregate = LpRelaxationBound(demand, options);
  Result<Money> shape = ShapeLpBound(pods, options);
  ASSERT_TRUE(aggregate.has_value());
  ASSERT_TRUE(shape.has_value()) << shape.error().ToString();
  // Aggregate: 1.032 cpu.nano + 0.968 mem.big cover 4 vCPU and 16 GiB for $0.1071.
  EXPECT_NEAR(aggregate->usd(), 0.01 * (2.0 - 15.0 / 15.5) + 0.10 * 15.0 / 15.5, 1e-4);
  // Shape: only mem.big can hold a pod; 4 pods need 2 of them by CPU: $0.20.
  EXPECT_NEAR(shape->usd(), 0.20, 1e-6);
}

TEST(CostLowerBoundTest, DominatedOptionsAreDropped) {
  std::vector<PriceOption> options = Options();
  options.push_back({"worse", {1000, 2 * kGi, 0, 10, 0}, Money::FromUsd(0.20)});
  std::vector<PriceOption> kept = NonDominated(options);
  EXPECT_EQ(kept.size(), 3u);
  for (const PriceOption& o : kept) EXPECT_NE(o.name, "worse");
}

TEST(CostLowerBoundTest, ExactOptimumFindsTheCheapestPacking) {
  // Three 1-vCPU pods: one cpu.large ($0.16) beats three gen.small ($0.15)? No: the small
  // ones are cheaper, and two pods cannot share a 1-vCPU node.
  std::vector<Resources> pods(3, Resources{1000, kGi, 0, 1, 0});
  Result<ExactPacking> exact = ExactOptimum(pods, Options(), 10.0);
  ASSERT_TRUE(exact.has_value()) << exact.error().ToString();
  EXPECT_TRUE(exact->proven_optimal);
  EXPECT_NEAR(exact->hourly.usd(), 0.15, 1e-6);
  EXPECT_EQ(exact->node_types.size(), 3u);
  // Four pods: one cpu.large ($0.16) beats four small ones ($0.20).
  pods.push_back(Resources{1000, kGi, 0, 1, 0});
  exact = ExactOptimum(pods, Options(), 10.0);
  ASSERT_TRUE(exact.has_value());
  EXPECT_NEAR(exact->hourly.usd(), 0.16, 1e-6);
  EXPECT_EQ(exact->node_types, std::vector<std::string>{"cpu.large"});
}

}  // namespace
}  // namespace cloudoptim
