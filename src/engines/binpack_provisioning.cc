#include "engines/binpack_provisioning.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "engines/recommendation_builder.h"

namespace cloudoptim {
namespace {

bool IsFalse(const std::string* value) { return value != nullptr && *value == "false"; }

// A pod that may not use spot gets an explicit on-demand requirement, so the simulator keeps
// it off spot nodes like any other node selector would.
Pod WithCapacityRule(const Policy& policy, const Pod& pod) {
  Pod copy = pod;
  if (!MayRunOnSpot(policy, pod) && !copy.node_selector.contains(labels::kKarpenterCapacityType)) {
    copy.node_selector.emplace(labels::kKarpenterCapacityType,
                               std::string(CapacityTypeName(CapacityType::kOnDemand)));
  }
  return copy;
}

using LaunchKey = std::tuple<std::string, std::string, CapacityType, std::string>;

}  // namespace

std::vector<const Pod*> PendingPods(const Snapshot& snapshot) {
  std::vector<const Pod*> pending;
  for (const Pod& pod : snapshot.pods) {
    if (pod.phase != PodPhase::kPending || !pod.node_name.empty()) continue;
    if (pod.IsDaemonSetPod() || pod.IsMirrorPod() || pod.meta.deletion_timestamp) continue;
    if (!pod.scheduler_name.empty() && pod.scheduler_name != "default-scheduler") continue;
    pending.push_back(&pod);
  }
  return pending;
}

bool MayRunOnSpot(const Policy& policy, const Pod& pod) {
  if (!policy.spot_enabled) return false;
  const std::vector<std::string>& excluded = policy.spot_excluded_namespaces;
  if (std::find(excluded.begin(), excluded.end(), pod.meta.namespace_name) != excluded.end()) {
    return false;
  }
  return !IsFalse(pod.meta.Annotation(labels::kCloudOptimSpot)) &&
         !IsFalse(pod.meta.Label(labels::kCloudOptimSpot));
}

ProvisioningPlan PlanProvisioning(const EngineInput& input, const LaunchCatalog& launch) {
  ProvisioningPlan result;
  std::vector<const Pod*> pending = PendingPods(input.snapshot);
  if (pending.empty()) return result;
  std::vector<Pod> pods;
  pods.reserve(pending.size());
  for (const Pod* pod : pending) pods.push_back(WithCapacityRule(input.policy, *pod));
  std::vector<const Pod*> pointers;
  for (const Pod& pod : pods) pointers.push_back(&pod);

  ClusterState state = ClusterState::FromSnapshot(input.snapshot);
  PackingOptions options;
  options.min_flexible_types = input.policy.min_flexible_instance_types;
  options.search_steps_per_pod = input.policy.packing_search_steps_per_pod;
  PackingPlan plan = PackPods(state, launch, pointers, options);

  result.pods_on_existing_nodes = static_cast<int32_t>(plan.on_existing.size());
  result.hourly_cost = plan.hourly_cost;
  result.spot_fallbacks = plan.spot_fallbacks;
  for (const auto& [i, reason] : plan.unschedulable) {
    result.unschedulable.push_back({pods[i].meta.Key(), reason});
  }
  // Identical launches (same types, zone, capacity) become one action with a count.
  std::map<LaunchKey, std::pair<const NewNode*, std::pair<int32_t, size_t>>> groups;
  for (const NewNode& n : plan.new_nodes) {
    std::string types = n.flexible_types.empty() ? n.type->type->name : JoinNames(n.flexible_types);
    auto& g = groups[{types, n.zone, n.capacity, n.type->type->name}];
    if (g.first == nullptr) g.first = &n;
    g.second.first += 1;
    g.second.second += n.pods.size();
  }
  for (const auto& [key, group] : groups) {
    const NewNode& n = *group.first;
    int32_t count = group.second.first;
    Money on_demand = n.type->on_demand_hourly * count;
    Money chosen = n.hourly * count;
    // Savings against running the same nodes on demand (zero for on-demand launches).
    Money monthly_savings = (on_demand - chosen).PerHourToMonthly();
    std::string capacity(CapacityTypeName(n.capacity));
    // Burstable types are launched only when the policy includes them; their price covers a
    // CPU baseline, which the explanation says (policy.h, BurstableInstances).
    std::string explanation =
        "Launch " + std::to_string(count) + " " + capacity + " " + n.type->type->name +
        " node(s) in " + n.zone + " for " + std::to_string(group.second.second) +
        " pending pod(s), costing " + chosen.PerHourToMonthly().ToString() + " a month" +
        (n.type->type->burstable
             ? " at list price, which covers a CPU baseline only (pods that use more pay for "
               "surplus CPU credits)"
             : "") +
        (n.capacity == CapacityType::kSpot
             ? " (" + std::to_string(n.flexible_types.size()) + " interchangeable types)."
             : std::string("."));
    result.recommendations.push_back(MakeBinPackRecommendation(
        "zone/" + n.zone, {LaunchAction(n, count)}, monthly_savings, 0.9, explanation));
  }
  return result;
}

}  // namespace cloudoptim
