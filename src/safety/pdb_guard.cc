#include "safety/pdb_guard.h"

#include <charconv>
#include <map>
#include <set>
#include <tuple>

namespace cloudoptim {
namespace {

Result<int32_t> ParseWhole(std::string_view text, std::string_view field, const std::string& all) {
  int32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgument(std::string(field) + " '" + all +
                           "' is neither a whole number nor a whole percentage");
  }
  return value;
}

bool SelectsPod(const PodDisruptionBudget& pdb, const Pod& pod) {
  return !pod.IsTerminal() && pod.meta.namespace_name == pdb.meta.namespace_name &&
         pdb.selector.Matches(pod.meta.labels);
}

// The scale of the controller owning `pod`, or nullopt when the snapshot does not know it.
std::optional<int32_t> ControllerScale(const Snapshot& snapshot, const Pod& pod,
                                       const OwnerReference& owner) {
  for (const Workload& w : snapshot.workloads) {
    if (w.meta.namespace_name != pod.meta.namespace_name || !w.replicas) continue;
    if (WorkloadKindName(w.kind) == owner.kind && w.meta.name == owner.name) return *w.replicas;
  }
  if (owner.kind != "ReplicaSet") return std::nullopt;
  for (const Workload& w : snapshot.workloads) {  // the Deployment above the ReplicaSet
    if (w.kind == WorkloadKind::kDeployment && w.replicas &&
        w.meta.namespace_name == pod.meta.namespace_name && !w.selector.IsEmpty() &&
        w.selector.Matches(pod.meta.labels)) {
      return *w.replicas;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<int32_t> ScaleIntOrPercent(const std::string& value, int32_t total, std::string_view field) {
  if (!value.empty() && value.back() == '%') {
    CO_ASSIGN_OR_RETURN(
        int32_t percent,
        ParseWhole(std::string_view(value).substr(0, value.size() - 1), field, value));
    int64_t scaled = (int64_t{percent} * total + 99) / 100;  // round up
    return static_cast<int32_t>(scaled);
  }
  return ParseWhole(value, field, value);
}

Result<DisruptionBudgetCounts> ComputeDisruptionBudget(
    const std::optional<std::string>& min_available,
    const std::optional<std::string>& max_unavailable, int32_t matching_pods,
    int32_t expected_scale, int32_t current_healthy) {
  DisruptionBudgetCounts counts;
  counts.current_healthy = current_healthy;
  if (max_unavailable) {
    counts.expected_pods = expected_scale;
    CO_ASSIGN_OR_RETURN(int32_t max,
                        ScaleIntOrPercent(*max_unavailable, expected_scale, "maxUnavailable"));
    counts.desired_healthy = std::max(0, expected_scale - max);
  } else if (min_available) {
    bool percent = !min_available->empty() && min_available->back() == '%';
    counts.expected_pods = percent ? expected_scale : matching_pods;
    CO_ASSIGN_OR_RETURN(counts.desired_healthy,
                        ScaleIntOrPercent(*min_available, counts.expected_pods, "minAvailable"));
  } else {
    return InvalidArgument("PodDisruptionBudget sets neither minAvailable nor maxUnavailable");
  }
  int32_t allowed = current_healthy - counts.desired_healthy;
  counts.disruptions_allowed = (counts.expected_pods <= 0 || allowed <= 0) ? 0 : allowed;
  return counts;
}

bool IsPodHealthy(const Pod& pod) {
  if (pod.phase != PodPhase::kRunning || pod.meta.deletion_timestamp) return false;
  if (pod.container_statuses.empty()) return false;
  for (const ContainerStatus& status : pod.container_statuses) {
    if (!status.ready) return false;
  }
  return true;
}

Result<DisruptionBudgetCounts> ComputeDisruptionBudget(const Snapshot& snapshot,
                                                       const PodDisruptionBudget& pdb) {
  int32_t matching = 0;
  int32_t healthy = 0;
  std::map<std::tuple<std::string, std::string>, int32_t> pods_per_controller;
  std::map<std::tuple<std::string, std::string>, std::optional<int32_t>> scale;
  for (const Pod& pod : snapshot.pods) {
    if (!SelectsPod(pdb, pod)) continue;
    ++matching;
    if (IsPodHealthy(pod)) ++healthy;
    const OwnerReference* owner = pod.meta.ControllerRef();
    if (owner == nullptr) continue;  // unmanaged: not part of the scale
    auto key = std::make_tuple(owner->kind, owner->name);
    ++pods_per_controller[key];
    if (!scale.contains(key)) scale[key] = ControllerScale(snapshot, pod, *owner);
  }
  int32_t expected = 0;
  for (const auto& [key, pods] : pods_per_controller) expected += scale[key].value_or(pods);
  auto counts =
      ComputeDisruptionBudget(pdb.min_available, pdb.max_unavailable, matching, expected, healthy);
  if (!counts) return std::unexpected(Annotate(counts.error(), "PDB " + pdb.meta.Key()));
  return counts;
}

Status CheckEvictions(const Snapshot& snapshot, const std::vector<const Pod*>& pods) {
  std::map<const PodDisruptionBudget*, int32_t> healthy_evictions;
  std::set<const PodDisruptionBudget*> unhealthy_evictions;
  for (const Pod* pod : pods) {
    if (pod->IsTerminal()) continue;
    const PodDisruptionBudget* match = nullptr;
    for (const PodDisruptionBudget& pdb : snapshot.disruption_budgets) {
      if (!SelectsPod(pdb, *pod)) continue;
      if (match != nullptr) {
        return FailedPrecondition("pod " + pod->meta.Key() + " matches PDBs " + match->meta.Key() +
                                  " and " + pdb.meta.Key() +
                                  "; the API server refuses evictions of such pods");
      }
      match = &pdb;
    }
    if (match == nullptr) continue;
    if (IsPodHealthy(*pod)) {
      ++healthy_evictions[match];
    } else {
      unhealthy_evictions.insert(match);
    }
  }
  // In the snapshot's order, so the budget named in a refusal does not depend on addresses.
  for (const PodDisruptionBudget& budget : snapshot.disruption_budgets) {
    const PodDisruptionBudget* pdb = &budget;
    if (!healthy_evictions.contains(pdb) && !unhealthy_evictions.contains(pdb)) continue;
    CO_ASSIGN_OR_RETURN(DisruptionBudgetCounts counts, ComputeDisruptionBudget(snapshot, *pdb));
    int32_t wanted = healthy_evictions.contains(pdb) ? healthy_evictions[pdb] : 0;
    std::string figures = "(" + std::to_string(counts.current_healthy) + " healthy, " +
                          std::to_string(counts.desired_healthy) + " required)";
    if (wanted > counts.disruptions_allowed) {
      return FailedPrecondition("evicting " + std::to_string(wanted) +
                                " healthy pods covered by PDB " + pdb->meta.Key() +
                                " exceeds its " + std::to_string(counts.disruptions_allowed) +
                                " allowed disruptions " + figures);
    }
    if (unhealthy_evictions.contains(pdb) && counts.current_healthy < counts.desired_healthy) {
      return FailedPrecondition("PDB " + pdb->meta.Key() +
                                " is not met, so its unhealthy pods may not be evicted " + figures);
    }
  }
  return Ok();
}

}  // namespace cloudoptim
