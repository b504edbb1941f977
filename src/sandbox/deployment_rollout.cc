#include "sandbox/deployment_rollout.h"

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {

using nlohmann::json;

Result<int64_t> ResolveIntOrPercent(const json& value, int64_t total, bool round_up,
                                    const std::string& field) {
  if (value.is_number_integer()) return std::max<int64_t>(0, value.get<int64_t>());
  if (!value.is_string()) return InvalidArgument(field + ": expected an integer or a percentage");
  std::string text = value.get<std::string>();
  char* end = nullptr;
  long long percent = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end == text.c_str() || std::string(end) != "%" || percent < 0) {
    return InvalidArgument(field + ": bad value \"" + text + "\"");
  }
  int64_t scaled = percent * total;
  return round_up ? (scaled + 99) / 100 : scaled / 100;
}

Result<RolloutStrategy> ParseRolloutStrategy(const json& spec, int64_t replicas) {
  RolloutStrategy strategy;
  const json none = json::object();
  const json& s =
      spec.contains("strategy") && spec["strategy"].is_object() ? spec["strategy"] : none;
  std::string type = s.value("type", "RollingUpdate");
  if (type == "Recreate") {
    strategy.recreate = true;
    return strategy;
  }
  if (type != "RollingUpdate") {
    return InvalidArgument("spec.strategy.type: unsupported value \"" + type + "\"");
  }
  const json& rolling =
      s.contains("rollingUpdate") && s["rollingUpdate"].is_object() ? s["rollingUpdate"] : none;
  const std::string prefix = "spec.strategy.rollingUpdate.";
  CO_ASSIGN_OR_RETURN(strategy.max_surge,
                      ResolveIntOrPercent(rolling.value("maxSurge", json("25%")), replicas, true,
                                          prefix + "maxSurge"));
  CO_ASSIGN_OR_RETURN(strategy.max_unavailable,
                      ResolveIntOrPercent(rolling.value("maxUnavailable", json("25%")), replicas,
                                          false, prefix + "maxUnavailable"));
  if (strategy.max_surge == 0 && strategy.max_unavailable == 0) strategy.max_unavailable = 1;
  return strategy;
}

std::vector<int64_t> NextRolloutStep(int64_t replicas, const RolloutStrategy& strategy,
                                     const std::vector<RolloutReplicaSet>& sets) {
  std::vector<int64_t> target;
  int64_t total = 0;
  int64_t available = 0;
  int64_t old_active = 0;
  for (const RolloutReplicaSet& rs : sets) {
    target.push_back(rs.replicas);
    total += rs.replicas;
    available += rs.available;
    if (!rs.is_new) old_active += rs.active;
  }
  if (strategy.recreate) {
    for (size_t i = 0; i < sets.size(); ++i) {
      if (!sets[i].is_new) target[i] = 0;
      if (sets[i].is_new) target[i] = old_active == 0 ? replicas : 0;
    }
    return target;
  }
  // Scale up the new set within the surge budget.
  int64_t max_total = replicas + strategy.max_surge;
  for (size_t i = 0; i < sets.size(); ++i) {
    if (!sets[i].is_new) continue;
    if (sets[i].replicas > replicas) {
      total -= sets[i].replicas - replicas;
      target[i] = replicas;
    } else if (total < max_total) {
      target[i] = std::min(replicas, sets[i].replicas + (max_total - total));
      total += target[i] - sets[i].replicas;
    }
  }
  // Scale old sets down, oldest (first) first: their pods that are not available cost no
  // availability; the rest only as far as the availability budget allows.
  int64_t min_available = replicas - strategy.max_unavailable;
  int64_t budget = std::max<int64_t>(0, available - min_available);
  for (size_t i = 0; i < sets.size(); ++i) {
    if (sets[i].is_new || target[i] == 0) continue;
    int64_t unavailable = std::max<int64_t>(0, sets[i].replicas - sets[i].available);
    int64_t cut = std::min(target[i], unavailable);
    int64_t healthy_cut = std::min(target[i] - cut, budget);
    budget -= healthy_cut;
    target[i] -= cut + healthy_cut;
  }
  return target;
}

}  // namespace cloudoptim::sandbox
