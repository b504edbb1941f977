// Data-driven node rightsizing cases: every file in testdata/engines/rightsize/ is a snapshot
// (nodes, pods, optional usage) and a policy in, the expected recommendation out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engines/engine_case_test_util.h"
#include "engines/rightsize_nodes.h"

namespace cloudoptim {
namespace {

using engine_cases::TestCatalog;

class RightsizeNodesCaseTest : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(RightsizeNodesCaseTest, MatchesExpectations) {
  Result<engine_cases::EngineCase> c = engine_cases::LoadEngineCase(GetParam(), TestCatalog());
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  SCOPED_TRACE(c->description);
  EngineInput input{.snapshot = c->snapshot, .policy = c->policy, .catalog = TestCatalog()};
  const Recommendations recs = RunRightsizeNodes(input);
  const YAML::Node& e = c->expect;
  ASSERT_EQ(recs.items.size(), e["recommendations"].as<size_t>())
      << (recs.items.empty() ? "" : recs.items[0].explanation);
  if (recs.items.empty()) return;
  const Recommendation& rec = recs.items.front();
  EXPECT_EQ(rec.engine, EngineName::kRightsize);
  EXPECT_GT(rec.monthly_savings, c->policy.min_monthly_savings);
  EXPECT_FALSE(rec.explanation.empty());
  ASSERT_EQ(rec.actions.size(), 1u);
  const auto& params = rec.actions[0].parameters;
  const int node_count = std::stoi(params.at("node_count"));
  if (e["target"]) {
    EXPECT_EQ(rec.target, e["target"].as<std::string>());
  }
  if (e["instance_types"]) {
    EXPECT_EQ(params.at("instance_types"), e["instance_types"].as<std::string>())
        << rec.explanation;
  }
  if (e["node_count"]) {
    EXPECT_EQ(node_count, e["node_count"].as<int>()) << rec.explanation;
  }
  if (e["node_count_at_most"]) {
    EXPECT_LE(node_count, e["node_count_at_most"].as<int>()) << rec.explanation;
  }
  if (e["node_count_at_least"]) {
    EXPECT_GE(node_count, e["node_count_at_least"].as<int>()) << rec.explanation;
  }
  if (e["basis"]) {
    EXPECT_EQ(params.at("basis"), e["basis"].as<std::string>());
  }
  if (e["savings_usd_at_least"]) {
    EXPECT_GE(rec.monthly_savings, Money::FromUsd(e["savings_usd_at_least"].as<double>()))
        << rec.explanation;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, RightsizeNodesCaseTest,
                         ::testing::ValuesIn(engine_cases::CaseFiles(
                             std::string(CO_SOURCE_DIR) + "/testdata/engines/rightsize")),
                         [](const auto& info) { return info.param.stem().string(); });

TEST(NodesNeededTest, PacksFirstFitDecreasing) {
  const Resources node{.cpu_millis = 2000, .memory_bytes = 4LL << 30, .pods = 10};
  auto pod = [](int64_t cpu) { return Resources{.cpu_millis = cpu, .memory_bytes = 1 << 20}; };
  EXPECT_EQ(NodesNeeded({}, node), 0);
  EXPECT_EQ(NodesNeeded({pod(1500), pod(500), pod(1500), pod(500)}, node), 2);
  EXPECT_EQ(NodesNeeded({pod(2500)}, node), -1);  // fits no node
}

TEST(NodesNeededTest, MaxPodsLimitsANode) {
  const Resources node{.cpu_millis = 100'000, .memory_bytes = 1LL << 40, .pods = 3};
  std::vector<Resources> pods(7, Resources{.cpu_millis = 10});
  EXPECT_EQ(NodesNeeded(pods, node), 3);
}

}  // namespace
}  // namespace cloudoptim
