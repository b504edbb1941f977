#include "engines/recommendation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

using ::testing::HasSubstr;

Recommendation SpotMix() {
  Recommendation rec;
  rec.id = "spot-optimize/node-group/workers/1a2b";
  rec.engine = EngineName::kSpotOptimize;
  rec.target = "node-group/workers";
  rec.actions.push_back(
      Action{ActionType::kChangeNodeGroupMix,
             "node-group/workers",
             {{"pools", "m5.large/us-east-1a/spot"}, {"on_demand_share", "0.15"}}});
  rec.monthly_savings = Money::FromMicros(1'234'567'891);  // $1,234.567891
  rec.confidence = 0.8;
  rec.explanation = "Run 85% of workers on 6 spot pools.";
  return rec;
}

TEST(RecommendationTest, NamesAreTheDocumentedStrings) {
  EXPECT_EQ(EngineNameString(EngineName::kSpotOptimize), "spot-optimize");
  EXPECT_EQ(EngineNameString(EngineName::kOomKilledRemediate), "oomkilled-remediate");
  EXPECT_EQ(ActionTypeString(ActionType::kChangeNodeGroupMix), "change-node-group-mix");
  EXPECT_EQ(ActionTypeString(ActionType::kDrainNode), "drain-node");
}

TEST(RecommendationTest, TotalSavingsIsTheExactSum) {
  Recommendations recs;
  recs.items.push_back(SpotMix());
  recs.items.push_back(SpotMix());
  recs.items.back().monthly_savings = Money::FromMicros(-1);
  EXPECT_EQ(recs.TotalMonthlySavings(), Money::FromMicros(1'234'567'890));
}

TEST(RecommendationTest, JsonRoundTripsEveryField) {
  Recommendations recs;
  recs.items.push_back(SpotMix());
  Recommendation empty;
  empty.id = "x";
  empty.engine = EngineName::kGhostProbe;
  empty.monthly_savings = Money::FromUsd(-3.5);
  recs.items.push_back(empty);

  Result<Recommendations> back = RecommendationsFromJson(RecommendationsToJson(recs));
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  ASSERT_EQ(back->items.size(), 2u);
  const Recommendation& got = back->items[0];
  EXPECT_EQ(got.id, recs.items[0].id);
  EXPECT_EQ(got.engine, EngineName::kSpotOptimize);
  EXPECT_EQ(got.target, "node-group/workers");
  EXPECT_EQ(got.monthly_savings, Money::FromMicros(1'234'567'891));
  EXPECT_DOUBLE_EQ(got.confidence, 0.8);
  EXPECT_EQ(got.explanation, recs.items[0].explanation);
  ASSERT_EQ(got.actions.size(), 1u);
  EXPECT_EQ(got.actions[0].type, ActionType::kChangeNodeGroupMix);
  EXPECT_EQ(got.actions[0].parameters, recs.items[0].actions[0].parameters);
  EXPECT_EQ(back->items[1].engine, EngineName::kGhostProbe);
  EXPECT_EQ(back->items[1].monthly_savings, Money::FromUsd(-3.5));
}

TEST(RecommendationTest, MoneyTravelsAsADecimalString) {
  Recommendations recs;
  recs.items.push_back(SpotMix());
  recs.items[0].monthly_savings = Money::FromUsd(12.34);
  const std::string json = RecommendationsToJson(recs);
  EXPECT_THAT(json, HasSubstr("\"monthly_savings_usd\":\"12.34\""));
  EXPECT_THAT(json, HasSubstr("\"total_monthly_savings_usd\":\"12.34\""));
}

TEST(RecommendationTest, ErrorsNameTheField) {
  auto error_of = [](std::string_view json) {
    Result<Recommendations> r = RecommendationsFromJson(json);
    EXPECT_FALSE(r.has_value());
    return r.has_value() ? std::string() : r.error().message;
  };
  EXPECT_THAT(error_of("{"), HasSubstr("not valid JSON"));
  EXPECT_THAT(error_of("{\"items\": 3}"), HasSubstr("items"));
  const std::string base =
      R"({"id":"a","engine":"bin-pack","target":"t","actions":[],"confidence":0.5,)"
      R"("explanation":"e","monthly_savings_usd":)";
  EXPECT_THAT(error_of("{\"items\":[" + base + "\"1.2345678\"}]}"),
              HasSubstr("items[0].monthly_savings_usd: more than 6 decimals"));
  EXPECT_THAT(error_of("{\"items\":[" + base + "\"12x\"}]}"),
              HasSubstr("items[0].monthly_savings_usd"));
  EXPECT_THAT(error_of("{\"items\":[" + base + "12.5}]}"),
              HasSubstr("items[0].monthly_savings_usd: expected a string"));
  std::string bad_engine = base;
  bad_engine.replace(bad_engine.find("bin-pack"), 8, "teleport");
  EXPECT_THAT(error_of("{\"items\":[" + bad_engine + "\"1\"}]}"),
              HasSubstr("items[0].engine: unknown engine \"teleport\""));
  std::string bad_action = base;
  bad_action.replace(bad_action.find("[]"), 2, R"([{"type":"explode","target":"n"}])");
  EXPECT_THAT(error_of("{\"items\":[" + bad_action + "\"1\"}]}"),
              HasSubstr("items[0].actions[0].type: unknown action type \"explode\""));
  std::string bad_confidence = base;
  bad_confidence.replace(bad_confidence.find("0.5"), 3, "1.5");
  EXPECT_THAT(error_of("{\"items\":[" + bad_confidence + "\"1\"}]}"),
              HasSubstr("items[0].confidence"));
}

TEST(RecommendationTest, IdsAreDeterministicAndContentSensitive) {
  const std::string a = MakeRecommendationId(EngineName::kSpotOptimize, "node-group/a", "x=1");
  EXPECT_EQ(a, MakeRecommendationId(EngineName::kSpotOptimize, "node-group/a", "x=1"));
  EXPECT_NE(a, MakeRecommendationId(EngineName::kSpotOptimize, "node-group/a", "x=2"));
  EXPECT_TRUE(a.starts_with("spot-optimize/node-group/a/"));
  EXPECT_EQ(a.size(), std::string("spot-optimize/node-group/a/").size() + 16);
}

}  // namespace
}  // namespace cloudoptim
