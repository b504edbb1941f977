// How a plan's typed actions become the ordered steps the executor journals and runs, each
// with an idempotency key derived from the plan id, the step index and the target, so that a
// plan expanded again after a crash yields the very same keys.
//
//   CO_ASSIGN_OR_RETURN(std::vector<PlanStep> steps, ExpandPlan("plan-1", actions));
//   // replace-node node/n1 -> launch, wait-ready, cordon, drain, wait-rescheduled, terminate
//   std::string token = ClientTokenFor(steps[0].idempotency_key);  // "co-<32 hex>"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "engines/recommendation.h"

namespace cloudoptim {

enum class StepKind {
  kLaunch,             // launch capacity with the step's client token and tag
  kWaitReady,          // the launched instances are Ready nodes
  kCordon,             // spec.unschedulable = true (result remembers whether it already was)
  kDrain,              // evict every evictable pod (PDB-aware, until the drain deadline)
  kWaitRescheduled,    // the drained pods' controllers have no Pending pods
  kTerminate,          // terminate the node's instance (the gate checks it was drained)
  kPatchResources,     // strategic merge of one container's requests/limits
  kScale,              // the scale subresource
  kSnapshot,           // create a snapshot of the volume and wait until it is completed
  kDeleteVolume,       // delete the volume (the gate checks a completed snapshot exists)
  kTerminateInstance,  // an EC2 instance that is not a node (orphan)
};
std::string_view StepKindName(StepKind kind);  // "launch", "wait-ready", ...

struct PlanStep {
  int index = 0;  // position in the plan, from 0
  StepKind kind = StepKind::kLaunch;
  // What the step acts on: "node/n1", "instance/i-0abc", "volume/vol-1",
  // "deployment/shop/web". A launch for a replacement targets the node it replaces.
  std::string target;
  int action_index = 0;         // which of the plan's actions produced the step
  Action action;                // that action (parameters carry instance types, replicas, ...)
  std::string idempotency_key;  // "<plan>/<index>/<kind>/<target>"
};

// The steps of each action, in action order:
//   replace-node       launch, wait-ready, cordon, drain, wait-rescheduled, terminate
//   launch-nodes       launch, wait-ready
//   cordon-node        cordon
//   drain-node         cordon, drain, wait-rescheduled
//   terminate-node     terminate
//   patch-resources    patch-resources
//   scale-workload     scale
//   snapshot-volume    snapshot
//   delete-volume      snapshot, delete-volume   (never a delete without its own snapshot)
//   terminate-instance terminate-instance
// Unimplemented for change-node-group-mix and annotate (a node group's mix is changed by
// launches and replacements the plan spells out); InvalidArgument for a target of the wrong
// kind or a missing parameter, naming the action.
Result<std::vector<PlanStep>> ExpandPlan(std::string_view plan_id,
                                         const std::vector<Action>& actions);

std::string IdempotencyKey(std::string_view plan_id, int index, StepKind kind,
                           std::string_view target);
// EC2 accepts client tokens of at most 64 ASCII characters: "co-" + the first 32 hex digits
// of SHA-256 over the key.
std::string ClientTokenFor(std::string_view idempotency_key);

// "node/n1" -> "n1"; "deployment/shop/web" -> "shop/web"; empty when the kind differs.
std::string TargetName(std::string_view target, std::string_view kind);

// Steps that may disrupt pods or capacity: the ones the concurrency cap counts.
bool IsDisruptive(StepKind kind);

}  // namespace cloudoptim
