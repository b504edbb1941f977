#include "controlplane/cycle_records.h"

#include <nlohmann/json.hpp>

namespace cloudoptim::controlplane {
namespace {

using Json = nlohmann::json;

Status ReadNumber(const Json& root, const char* key, double* out) {
  auto it = root.find(key);
  if (it == root.end()) return Ok();
  if (!it->is_number())
    return InvalidArgument(std::string("thresholds.") + key + ": expected a number");
  *out = it->get<double>();
  return Ok();
}

}  // namespace

Result<Policy> PolicyFromSettings(const store::ClusterSettings& settings) {
  Policy policy;
  Json root = Json::parse(settings.thresholds_json, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return InvalidArgument("thresholds: expected a JSON object");
  }
  SafetyThresholds& safety = policy.safety;
  CO_RETURN_IF_ERROR(ReadNumber(root, "min_pool_safety_score", &safety.min_pool_safety_score));
  CO_RETURN_IF_ERROR(ReadNumber(root, "max_pool_capacity_share", &safety.max_pool_capacity_share));
  CO_RETURN_IF_ERROR(ReadNumber(root, "min_on_demand_share", &safety.min_on_demand_share));
  CO_RETURN_IF_ERROR(ReadNumber(root, "rightsize_buffer", &policy.rightsize_buffer));
  double zones = safety.min_availability_zones;
  CO_RETURN_IF_ERROR(ReadNumber(root, "min_availability_zones", &zones));
  safety.min_availability_zones = static_cast<int32_t>(zones);
  double min_savings_usd = policy.min_monthly_savings.usd();
  CO_RETURN_IF_ERROR(ReadNumber(root, "min_monthly_savings_usd", &min_savings_usd));
  policy.min_monthly_savings = Money::FromUsd(min_savings_usd);
  if (auto it = root.find("spot_enabled"); it != root.end()) {
    if (!it->is_boolean())
      return InvalidArgument("thresholds.spot_enabled: expected true or false");
    policy.spot_enabled = it->get<bool>();
  }
  return policy;
}

std::vector<store::StoredRecommendation> ToStoredRecommendations(const std::string& cluster_id,
                                                                 const EngineCycleResult& result) {
  // The actions travel in the engines' own JSON form (recommendation.h), so the API shows
  // exactly what the engines produced.
  Json encoded = Json::parse(RecommendationsToJson(result.recommendations));
  const Json& items = encoded["items"];
  std::vector<store::StoredRecommendation> rows;
  rows.reserve(result.recommendations.items.size());
  for (size_t i = 0; i < result.recommendations.items.size(); ++i) {
    const Recommendation& r = result.recommendations.items[i];
    rows.push_back({.id = r.id,
                    .cluster_id = cluster_id,
                    .engine = std::string(EngineNameString(r.engine)),
                    .target = r.target,
                    .actions_json = items[i]["actions"].dump(),
                    .monthly_savings = r.monthly_savings,
                    .confidence = r.confidence,
                    .explanation = r.explanation});
  }
  return rows;
}

Money ProjectedMonthlySavings(const EngineCycleResult& result) {
  Money best;
  for (const EngineSummary& summary : result.summaries) {
    if (best < summary.monthly_savings) best = summary.monthly_savings;
  }
  return best;
}

}  // namespace cloudoptim::controlplane
