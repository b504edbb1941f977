#include "safety/execution_gate.h"

#include <algorithm>
#include <vector>

#include "safety/do_not_disrupt.h"
#include "safety/pdb_guard.h"

namespace cloudoptim {
namespace {

GateDecision Allow() { return {true, Guard::kNone, ""}; }
GateDecision Block(Guard guard, std::string reason) { return {false, guard, std::move(reason)}; }

// "node/ip-10-0-1-2" -> {"node", "ip-10-0-1-2"}; the kind is empty without a slash.
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target) {
  size_t slash = target.find('/');
  if (slash == std::string_view::npos) return {"", target};
  return {target.substr(0, slash), target.substr(slash + 1)};
}

bool Evicts(ActionType type) {
  return type == ActionType::kDrainNode || type == ActionType::kReplaceNode;
}

}  // namespace

std::string_view GuardName(Guard guard) {
  switch (guard) {
    case Guard::kNone:
      return "none";
    case Guard::kKillSwitch:
      return "kill-switch";
    case Guard::kMode:
      return "mode";
    case Guard::kTarget:
      return "target";
    case Guard::kDoNotDisrupt:
      return "do-not-disrupt";
    case Guard::kConcurrency:
      return "concurrency";
    case Guard::kDisruptionBudget:
      return "disruption-budget";
    case Guard::kNotDrained:
      return "not-drained";
    case Guard::kNoSnapshot:
      return "no-snapshot";
  }
  return "none";
}

ExecutionMode ExecutionGate::ModeFor(std::string_view cluster) const {
  auto it = config_.cluster_modes.find(cluster);
  return it == config_.cluster_modes.end() ? config_.default_mode : it->second;
}

// The order matters only for which reason is reported: the operator's switches first, then
// the mode, then the guards that look at the cluster.
GateDecision ExecutionGate::MayRun(const Snapshot& snapshot, const ActionRequest& request) const {
  const std::string& cluster = snapshot.cluster_name;
  if (auto why = config_.kill_switches.Blocking(cluster)) return Block(Guard::kKillSwitch, *why);
  const bool interruption = request.origin == ActionOrigin::kInterruption;
  switch (interruption ? ExecutionMode::kAutopilot : ModeFor(cluster)) {
    case ExecutionMode::kRecommendOnly:
      return Block(Guard::kMode, "cluster " + cluster + " is in recommend-only mode: nothing acts");
    case ExecutionMode::kApprove:
      if (!request.approved) {
        return Block(Guard::kMode, "cluster " + cluster +
                                       " is in approve mode and recommendation " +
                                       request.recommendation_id + " is not approved");
      }
      break;
    case ExecutionMode::kAutopilot:
      break;
  }

  const Action& action = request.action;
  auto [kind, name] = SplitTarget(action.target);
  switch (action.type) {
    case ActionType::kDrainNode:
    case ActionType::kTerminateNode:
    case ActionType::kReplaceNode: {
      const Node* node = kind == "node" ? snapshot.FindNode(name) : nullptr;
      if (node == nullptr) {
        return Block(Guard::kTarget, "target " + action.target + " is not a node of " + cluster);
      }
      return CheckNodeAction(snapshot, request, *node);
    }
    case ActionType::kTerminateInstance: {
      if (kind != "instance")
        return Block(Guard::kTarget, "target " + action.target + " is not an instance");
      for (const Node& node : snapshot.nodes) {  // an instance that is a node is a node
        if (node.InstanceId() == name) return CheckNodeAction(snapshot, request, node);
      }
      return Allow();
    }
    case ActionType::kDeleteVolume:
      if (kind != "volume")
        return Block(Guard::kTarget, "target " + action.target + " is not a volume");
      return CheckDeleteVolume(snapshot, request, name);
    default:
      return Allow();  // launches, cordons, patches, scales, snapshots, annotations
  }
}

GateDecision ExecutionGate::CheckNodeAction(const Snapshot& snapshot, const ActionRequest& request,
                                            const Node& node) const {
  std::vector<const Pod*> pods = snapshot.PodsOnNode(node.meta.name);
  if (request.origin == ActionOrigin::kRecommendation) {
    if (auto why = NodeDisruptionBlocker(node, pods)) return Block(Guard::kDoNotDisrupt, *why);
    Status cap = CheckDisruptionCap(request.disruptions_in_flight,
                                    static_cast<int64_t>(snapshot.nodes.size()),
                                    config_.max_disruption_fraction);
    if (!cap) return Block(Guard::kConcurrency, cap.error().message);
  }
  if (Evicts(request.action.type)) {
    std::vector<const Pod*> evicted;
    for (const Pod* pod : pods) {
      if (pod->IsTerminal() || pod->IsDaemonSetPod() || pod->IsMirrorPod()) continue;
      const auto& batch = request.evict_pods;
      if (!batch.empty() && std::find(batch.begin(), batch.end(), pod->meta.Key()) == batch.end()) {
        continue;
      }
      evicted.push_back(pod);
    }
    Status budgets = CheckEvictions(snapshot, evicted);
    if (!budgets) return Block(Guard::kDisruptionBudget, budgets.error().message);
    return Allow();
  }
  Status drained = CheckNodeDrained(node, pods);
  if (!drained) return Block(Guard::kNotDrained, drained.error().message);
  return Allow();
}

GateDecision ExecutionGate::CheckDeleteVolume(const Snapshot& snapshot,
                                              const ActionRequest& request,
                                              std::string_view volume_id) const {
  for (const EbsVolume& volume : snapshot.volumes) {
    if (volume.volume_id != volume_id) continue;
    Status ok =
        CheckVolumeDeletable(volume, snapshot.ebs_snapshots, request.volume_last_attached_at);
    if (!ok) return Block(Guard::kNoSnapshot, ok.error().message);
    return Allow();
  }
  return Block(Guard::kTarget, "volume " + std::string(volume_id) + " is not in the snapshot of " +
                                   snapshot.cluster_name);
}

}  // namespace cloudoptim
