#include "engines/recommendation_builder.h"

#include <cstdio>

namespace cloudoptim {
namespace {

// FNV-1a: stable across runs and platforms, which std::hash is not.
uint64_t Fnv1a(const std::string& text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

Recommendation MakeBinPackRecommendation(std::string target, std::vector<Action> actions,
                                         Money monthly_savings, double confidence,
                                         std::string explanation) {
  std::string content = target;
  for (const Action& a : actions) {
    content += "|" + std::to_string(static_cast<int>(a.type)) + ":" + a.target;
    for (const auto& [k, v] : a.parameters) content += "," + k + "=" + v;
  }
  char hash[17];
  std::snprintf(hash, sizeof(hash), "%016llx", static_cast<unsigned long long>(Fnv1a(content)));
  Recommendation r;
  r.id = "bin-pack/" + target + "/" + std::string(hash, 12);
  r.engine = EngineName::kBinPack;
  r.target = std::move(target);
  r.actions = std::move(actions);
  r.monthly_savings = monthly_savings;
  r.confidence = confidence;
  r.explanation = std::move(explanation);
  return r;
}

std::vector<Action> RemoveNodeActions(const std::string& node_name) {
  return {Action{ActionType::kDrainNode, NodeTarget(node_name), {}},
          Action{ActionType::kTerminateNode, NodeTarget(node_name), {}}};
}

Action LaunchAction(const NewNode& node, int32_t count) {
  Action a{ActionType::kLaunchNodes, "zone/" + node.zone, {}};
  a.parameters["instance_types"] =
      node.flexible_types.empty() ? node.type->type->name : JoinNames(node.flexible_types);
  a.parameters["zone"] = node.zone;
  a.parameters["capacity_type"] = std::string(CapacityTypeName(node.capacity));
  a.parameters["count"] = std::to_string(count);
  a.parameters["hourly_usd_each"] = node.hourly.ToDecimalString(4);
  return a;
}

std::string NodeTarget(const std::string& node_name) { return "node/" + node_name; }

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& n : names) joined += (joined.empty() ? "" : ",") + n;
  return joined;
}

}  // namespace cloudoptim
