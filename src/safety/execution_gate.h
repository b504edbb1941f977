// The one question the executor asks before every step: may this action run now? It combines
// the kill switches, the cluster's execution mode, do-not-disrupt opt-outs, the concurrent
// disruption cap, PodDisruptionBudgets, the drained-before-terminate rule and the
// snapshot-before-delete rule, and answers with the guard and reason when the answer is no.
//
//   ExecutionGate gate(GateConfig{.cluster_modes = {{"prod", ExecutionMode::kApprove}}});
//   GateDecision d = gate.MayRun(snapshot, {.action = action, .recommendation_id = rec.id,
//                                           .approved = true, .disruptions_in_flight = 1});
//   if (!d.allowed) journal.Skip(action, d.reason);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "engines/recommendation.h"
#include "model/snapshot.h"
#include "safety/disruption_guards.h"
#include "safety/execution_controls.h"

namespace cloudoptim {

struct GateConfig {
  ExecutionMode default_mode = ExecutionMode::kRecommendOnly;
  std::map<std::string, ExecutionMode, std::less<>> cluster_modes;
  double max_disruption_fraction = kDefaultMaxDisruptionFraction;
  KillSwitches kill_switches;
};

// Why an action is asked for. An interruption response (AWS reclaims the instance within two
// minutes whatever we do) is damage control, not optimisation: the gate lets it past
// do-not-disrupt and the concurrency cap, since holding back only loses the pods' grace, and
// needs no approval. Kill switches and PodDisruptionBudgets still apply; whether to respond at
// all in a recommend-only cluster is the responder's decision (it observes, see
// interruption_response.h).
enum class ActionOrigin { kRecommendation, kInterruption };

struct ActionRequest {
  Action action;
  std::string recommendation_id;
  ActionOrigin origin = ActionOrigin::kRecommendation;
  bool approved = false;  // a human approved the recommendation (approve mode)
  // drain/replace: the pods ("namespace/name") to evict now, for an executor that evicts in
  // batches; empty = every evictable pod on the node at once.
  std::vector<std::string> evict_pods;
  // Nodes of this cluster being disrupted right now, not counting this action.
  int32_t disruptions_in_flight = 0;
  // delete-volume: when the volume was last attached, if known.
  std::optional<TimePoint> volume_last_attached_at;
};

enum class Guard {
  kNone,
  kKillSwitch,
  kMode,
  kTarget,  // the target is malformed or not in the snapshot
  kDoNotDisrupt,
  kConcurrency,
  kDisruptionBudget,
  kNotDrained,
  kNoSnapshot,
};
std::string_view GuardName(Guard guard);  // "kill-switch", "mode", "do-not-disrupt", ...

struct GateDecision {
  bool allowed = false;
  Guard blocked_by = Guard::kNone;
  std::string reason;  // empty when allowed
};

class ExecutionGate {
 public:
  explicit ExecutionGate(GateConfig config) : config_(std::move(config)) {}

  // Kill switches and modes change at run time through the API.
  GateConfig& config() { return config_; }
  ExecutionMode ModeFor(std::string_view cluster) const;

  // `snapshot` is the current picture of the action's cluster (its cluster_name names it).
  GateDecision MayRun(const Snapshot& snapshot, const ActionRequest& request) const;

 private:
  GateDecision CheckNodeAction(const Snapshot& snapshot, const ActionRequest& request,
                               const Node& node) const;
  GateDecision CheckDeleteVolume(const Snapshot& snapshot, const ActionRequest& request,
                                 std::string_view volume_id) const;

  GateConfig config_;
};

}  // namespace cloudoptim
