#include "server/decision_request.h"

#include <array>

#include "risk/risk_model.h"
#include "server/json_fields.h"
#include "server/snapshot_codec.h"

namespace cloudoptim::server {
namespace {

constexpr int kSchemaVersion = 1;

Json EncodePolicy(const Policy& p) {
  return {{"safety",
           {{"min_pool_safety_score", p.safety.min_pool_safety_score},
            {"min_availability_zones", p.safety.min_availability_zones},
            {"max_pool_capacity_share", p.safety.max_pool_capacity_share},
            {"min_on_demand_share", p.safety.min_on_demand_share}}},
          {"spot_enabled", p.spot_enabled},
          {"spot_excluded_namespaces", p.spot_excluded_namespaces},
          {"min_savings_percent_of_node_cost", p.min_savings_percent_of_node_cost},
          {"min_monthly_savings_usd", MoneyToUsdText(p.min_monthly_savings)},
          {"min_flexible_instance_types", p.min_flexible_instance_types},
          {"packing_search_steps_per_pod", p.packing_search_steps_per_pod},
          {"rightsize_buffer", p.rightsize_buffer},
          {"allowed_families", p.allowed_families},
          {"excluded_families", p.excluded_families},
          {"allowed_architectures", p.allowed_architectures},
          {"burstable_instances", BurstableInstancesName(p.burstable_instances)}};
}

// Absent fields keep the product's defaults (policy.h), so `{}` is the default policy.
Policy DecodePolicy(const Json& object, const std::string& path, FieldReader& in) {
  Policy p;
  std::string safety_path = Child(path, "safety");
  const Json& safety = in.Object(object, "safety", path);
  SafetyThresholds& t = p.safety;
  t.min_pool_safety_score =
      in.Number(safety, "min_pool_safety_score", safety_path, t.min_pool_safety_score);
  t.min_availability_zones = static_cast<int32_t>(
      in.Int(safety, "min_availability_zones", safety_path, t.min_availability_zones));
  t.max_pool_capacity_share =
      in.Number(safety, "max_pool_capacity_share", safety_path, t.max_pool_capacity_share);
  t.min_on_demand_share =
      in.Number(safety, "min_on_demand_share", safety_path, t.min_on_demand_share);
  for (auto [key, value] : {std::pair{"min_pool_safety_score", t.min_pool_safety_score},
                            std::pair{"max_pool_capacity_share", t.max_pool_capacity_share},
                            std::pair{"min_on_demand_share", t.min_on_demand_share}}) {
    if (value < 0 || value > 1) in.Fail(Child(safety_path, key), "expected a number in [0, 1]");
  }
  p.spot_enabled = in.Bool(object, "spot_enabled", path, p.spot_enabled);
  if (object.contains("spot_excluded_namespaces")) {
    p.spot_excluded_namespaces = in.StringList(object, "spot_excluded_namespaces", path);
  }
  p.min_savings_percent_of_node_cost = in.Number(object, "min_savings_percent_of_node_cost", path,
                                                 p.min_savings_percent_of_node_cost);
  if (object.contains("min_monthly_savings_usd")) {
    p.min_monthly_savings = in.Usd(object, "min_monthly_savings_usd", path);
  }
  p.min_flexible_instance_types = static_cast<int32_t>(
      in.Int(object, "min_flexible_instance_types", path, p.min_flexible_instance_types));
  p.packing_search_steps_per_pod =
      in.Int(object, "packing_search_steps_per_pod", path, p.packing_search_steps_per_pod);
  if (p.packing_search_steps_per_pod < 0 || p.packing_search_steps_per_pod > 1000000) {
    in.Fail(Child(path, "packing_search_steps_per_pod"), "expected an integer in [0, 1000000]");
  }
  p.rightsize_buffer = in.Number(object, "rightsize_buffer", path, p.rightsize_buffer);
  p.allowed_families = in.StringList(object, "allowed_families", path);
  p.excluded_families = in.StringList(object, "excluded_families", path);
  if (object.contains("allowed_architectures")) {
    p.allowed_architectures = in.StringList(object, "allowed_architectures", path);
  }
  if (object.contains("burstable_instances") && !object["burstable_instances"].is_null()) {
    const std::string burstable = in.String(object, "burstable_instances", path);
    if (std::optional<BurstableInstances> value = BurstableInstancesNamed(burstable)) {
      p.burstable_instances = *value;
    } else if (!in.failed()) {
      in.Fail(Child(path, "burstable_instances"),
              "expected \"excluded\" or \"included\", got \"" + burstable + "\"");
    }
  }
  return p;
}

Json EncodeFactors(const RiskFactors& f) {
  return {{"spot_advisor", f.spot_advisor},
          {"price_volatility", f.price_volatility},
          {"structural", f.structural},
          {"customer_feedback", f.customer_feedback},
          {"weight_spot_advisor", f.weight_spot_advisor},
          {"weight_price_volatility", f.weight_price_volatility},
          {"weight_structural", f.weight_structural},
          {"weight_customer_feedback", f.weight_customer_feedback},
          {"cross_customer_penalty", f.cross_customer_penalty}};
}

RiskFactors DecodeFactors(const Json& object, const std::string& path, FieldReader& in) {
  RiskFactors f;
  f.spot_advisor = in.Number(object, "spot_advisor", path);
  f.price_volatility = in.Number(object, "price_volatility", path);
  f.structural = in.Number(object, "structural", path);
  f.customer_feedback = in.Number(object, "customer_feedback", path);
  f.weight_spot_advisor = in.Number(object, "weight_spot_advisor", path, f.weight_spot_advisor);
  f.weight_price_volatility =
      in.Number(object, "weight_price_volatility", path, f.weight_price_volatility);
  f.weight_structural = in.Number(object, "weight_structural", path, f.weight_structural);
  f.weight_customer_feedback =
      in.Number(object, "weight_customer_feedback", path, f.weight_customer_feedback);
  f.cross_customer_penalty = in.Number(object, "cross_customer_penalty", path);
  return f;
}

constexpr std::array kPoolStatuses = {PoolStatus::kNormal, PoolStatus::kUncertain,
                                      PoolStatus::kRisky};

PoolStatus DecodePoolStatus(const Json& object, const std::string& path, FieldReader& in) {
  std::string text = in.String(object, "status", path);
  if (text.empty()) return PoolStatus::kNormal;
  for (PoolStatus status : kPoolStatuses) {
    if (PoolStatusName(status) == text) return status;
  }
  in.Fail(Child(path, "status"),
          "unknown value \"" + text + "\" (expected normal, uncertain or risky)");
  return PoolStatus::kNormal;
}

PoolScoreTable DecodePoolScores(const Json& list, const std::string& path, FieldReader& in) {
  PoolScoreTable table;
  for (size_t i = 0; i < list.size() && !in.failed(); ++i) {
    std::string item = Index(path, i);
    PoolScore score;
    score.instance_type = in.String(list[i], "instance_type", item);
    score.availability_zone = in.String(list[i], "zone", item);
    if (score.instance_type.empty() || score.availability_zone.empty()) {
      in.Fail(item, "instance_type and zone are required");
    }
    score.safety_score = in.Number(list[i], "safety_score", item);
    if (score.safety_score < 0 || score.safety_score > 1) {
      in.Fail(Child(item, "safety_score"), "expected a number in [0, 1]");
    }
    score.factors = DecodeFactors(in.Object(list[i], "factors", item), Child(item, "factors"), in);
    score.status = DecodePoolStatus(list[i], item, in);
    table.Set(std::move(score));
  }
  return table;
}

}  // namespace

std::string EncodeDecisionRequest(const DecisionRequest& request) {
  Json out = {{"version", kSchemaVersion},
              {"snapshot", EncodeSnapshot(request.snapshot)},
              {"policy", EncodePolicy(request.policy)}};
  for (const auto& [pool, price] : request.spot_prices) {
    out["spot_prices"].push_back({{"instance_type", pool.first},
                                  {"zone", pool.second},
                                  {"usd_per_hour", MoneyToUsdText(price)}});
  }
  if (request.pool_scores) {
    Json scores = Json::array();
    for (const auto& [pool, score] : request.pool_scores->all()) {
      scores.push_back({{"instance_type", score.instance_type},
                        {"zone", score.availability_zone},
                        {"safety_score", score.safety_score},
                        {"status", std::string(PoolStatusName(score.status))},
                        {"factors", EncodeFactors(score.factors)}});
    }
    out["pool_scores"] = std::move(scores);
  }
  return out.dump();
}

Result<DecisionRequest> DecodeDecisionRequest(std::string_view json) {
  Json root = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return InvalidArgument("body: not valid JSON");
  if (!root.is_object()) return InvalidArgument("body: expected a JSON object");
  FieldReader in;
  int64_t version = in.Int(root, "version", "", kSchemaVersion);
  if (version != kSchemaVersion) {
    in.Fail("version", "unsupported schema version " + std::to_string(version) + " (expected 1)");
  }
  if (!root.contains("snapshot")) in.Fail("snapshot", "required");
  DecisionRequest request;
  request.snapshot = DecodeSnapshot(in.Object(root, "snapshot", ""), "snapshot", in);
  if (!in.failed() && request.snapshot.region.empty()) in.Fail("snapshot.region", "required");
  request.policy = DecodePolicy(in.Object(root, "policy", ""), "policy", in);
  const Json& prices = in.Array(root, "spot_prices", "");
  for (size_t i = 0; i < prices.size() && !in.failed(); ++i) {
    std::string item = Index("spot_prices", i);
    std::string type = in.String(prices[i], "instance_type", item);
    std::string zone = in.String(prices[i], "zone", item);
    if (!prices[i].contains("usd_per_hour")) in.Fail(Child(item, "usd_per_hour"), "required");
    Money price = in.Usd(prices[i], "usd_per_hour", item);
    if (type.empty() || zone.empty()) in.Fail(item, "instance_type and zone are required");
    request.spot_prices[{type, zone}] = price;
  }
  if (root.contains("pool_scores")) {
    request.pool_scores = DecodePoolScores(in.Array(root, "pool_scores", ""), "pool_scores", in);
  }
  if (in.failed()) return std::unexpected(in.error());
  return request;
}

}  // namespace cloudoptim::server
