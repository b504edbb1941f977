// Data-driven spot-optimize cases: every file in testdata/engines/spot/ is a snapshot, a policy
// and pool scores in, expectations out. Every mixed plan is also checked against all safety
// thresholds of its policy, whatever the case expects.
#include <map>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engines/engine_case_test_util.h"
#include "engines/spot_optimize.h"
#include "model/pool.h"

namespace cloudoptim {
namespace {

using engine_cases::CaseFiles;
using engine_cases::EngineCase;
using ::testing::HasSubstr;

using engine_cases::TestCatalog;

struct ParsedPool {
  PoolKey key;
  double share = 0;
};

// "m5.large/us-east-1a/spot=0.2000,..." -> pools.
std::vector<ParsedPool> ParsePools(const std::string& text) {
  std::vector<ParsedPool> out;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const size_t eq = item.find('=');
    const std::string key = item.substr(0, eq);
    const size_t s1 = key.find('/'), s2 = key.rfind('/');
    ParsedPool pool;
    pool.key.instance_type = key.substr(0, s1);
    pool.key.availability_zone = key.substr(s1 + 1, s2 - s1 - 1);
    pool.key.capacity =
        key.substr(s2 + 1) == "spot" ? CapacityType::kSpot : CapacityType::kOnDemand;
    pool.share = std::stod(item.substr(eq + 1));
    out.push_back(pool);
  }
  return out;
}

// The five safety layers, for a mixed plan. Shares travel with 4 decimals.
void ExpectSafe(const Action& action, const Policy& policy, const PoolScoreTable& scores) {
  const SafetyThresholds& s = policy.safety;
  std::vector<ParsedPool> pools = ParsePools(action.parameters.at("pools"));
  std::set<std::string> spot_zones;
  double total = 0, on_demand = 0;
  for (const ParsedPool& p : pools) {
    total += p.share;
    EXPECT_LE(p.share, s.max_pool_capacity_share + 1e-4) << p.key.ToString();
    if (p.key.capacity == CapacityType::kOnDemand) {
      on_demand += p.share;
      continue;
    }
    spot_zones.insert(p.key.availability_zone);
    const PoolScore* score = scores.Find(p.key.instance_type, p.key.availability_zone);
    ASSERT_NE(score, nullptr) << p.key.ToString();
    EXPECT_GE(score->safety_score, s.min_pool_safety_score) << p.key.ToString();
  }
  EXPECT_NEAR(total, 1.0, 1e-3);
  EXPECT_GE(on_demand, s.min_on_demand_share - 1e-3);
  EXPECT_GE(static_cast<int32_t>(spot_zones.size()), s.min_availability_zones);
}

std::set<std::string> TypesOf(const Action& action, bool spot_only) {
  std::set<std::string> types;
  if (!action.parameters.contains("pools")) return types;
  for (const ParsedPool& p : ParsePools(action.parameters.at("pools"))) {
    if (!spot_only || p.key.capacity == CapacityType::kSpot) types.insert(p.key.instance_type);
  }
  return types;
}

void CheckExpectations(const EngineCase& c, const Recommendations& recs,
                       const PoolScoreTable& scores) {
  const YAML::Node& e = c.expect;
  ASSERT_EQ(recs.items.size(), e["recommendations"].as<size_t>());
  if (recs.items.empty()) return;
  const Recommendation& rec = recs.items.front();
  ASSERT_EQ(rec.actions.size(), 1u);
  const Action& action = rec.actions.front();
  EXPECT_EQ(action.type, ActionType::kChangeNodeGroupMix);
  EXPECT_FALSE(rec.explanation.empty());
  if (e["target"]) {
    EXPECT_EQ(rec.target, e["target"].as<std::string>());
  }
  const std::string capacity = action.parameters.at("capacity_type");
  if (e["capacity_type"]) {
    EXPECT_EQ(capacity, e["capacity_type"].as<std::string>()) << rec.explanation;
  }
  if (capacity == "mixed") ExpectSafe(action, c.policy, scores);
  if (e["on_demand_share"]) {
    EXPECT_NEAR(std::stod(action.parameters.at("on_demand_share")),
                e["on_demand_share"].as<double>(), 1e-3);
  }
  if (e["reason_contains"]) {
    EXPECT_THAT(action.parameters.at("reason"), HasSubstr(e["reason_contains"].as<std::string>()));
    EXPECT_THAT(rec.explanation, HasSubstr(e["reason_contains"].as<std::string>()));
  }
  if (e["savings"]) {
    const std::string sign = e["savings"].as<std::string>();
    if (sign == "positive") {
      EXPECT_GT(rec.monthly_savings, Money());
    }
    if (sign == "zero") {
      EXPECT_EQ(rec.monthly_savings, Money());
    }
    if (sign == "negative") {
      EXPECT_LT(rec.monthly_savings, Money());
    }
  }
  if (e["instance_types"]) {
    EXPECT_EQ(action.parameters.at("instance_types"), e["instance_types"].as<std::string>());
  }
  if (e["spot_pool_count_at_least"]) {
    size_t spot_pools = 0;
    for (const ParsedPool& p : ParsePools(
             action.parameters.contains("pools") ? action.parameters.at("pools") : std::string())) {
      spot_pools += p.key.capacity == CapacityType::kSpot ? 1 : 0;
    }
    EXPECT_GE(spot_pools, e["spot_pool_count_at_least"].as<size_t>());
  }
  if (e["spot_types"]) {
    const auto expected = e["spot_types"].as<std::vector<std::string>>();
    EXPECT_EQ(TypesOf(action, true), std::set<std::string>(expected.begin(), expected.end()));
  }
  for (const char* key : {"excludes_types", "spot_excludes_types"}) {
    if (!e[key]) continue;
    const std::set<std::string> used = TypesOf(action, std::string(key) == "spot_excludes_types");
    for (const std::string& type : e[key].as<std::vector<std::string>>()) {
      EXPECT_FALSE(used.count(type)) << key << " " << type;
    }
  }
}

class SpotOptimizeCaseTest : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(SpotOptimizeCaseTest, MatchesExpectations) {
  Result<EngineCase> c = engine_cases::LoadEngineCase(GetParam(), TestCatalog());
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  SCOPED_TRACE(c->description);
  const PoolScoreTable scores = engine_cases::CaseScores(*c, TestCatalog());
  EngineInput input{.snapshot = c->snapshot,
                    .policy = c->policy,
                    .catalog = TestCatalog(),
                    .pool_scores = c->scores_mode == "none" ? nullptr : &scores};
  const Recommendations recs = RunSpotOptimize(input);
  CheckExpectations(*c, recs, scores);
  // Pure: the same input gives the same recommendations, ids included.
  const Recommendations again = RunSpotOptimize(input);
  ASSERT_EQ(again.items.size(), recs.items.size());
  for (size_t i = 0; i < recs.items.size(); ++i) EXPECT_EQ(again.items[i].id, recs.items[i].id);
}

INSTANTIATE_TEST_SUITE_P(Cases, SpotOptimizeCaseTest,
                         ::testing::ValuesIn(CaseFiles(std::string(CO_SOURCE_DIR) +
                                                       "/testdata/engines/spot")),
                         [](const auto& info) { return info.param.stem().string(); });

}  // namespace
}  // namespace cloudoptim
