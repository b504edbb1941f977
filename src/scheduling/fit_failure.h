// Why a pod does not fit on a node, in the scheduler's own words, so that engine
// explanations and the sandbox's FailedScheduling events read like kube-scheduler's.
//
//   FitFailure f = state.Fits(pod, node_id);
//   if (f != FitFailure::kNone) log(FitFailureMessage(f));   // "Insufficient cpu"
//   FailedSchedulingMessage(failures);  // "0/3 nodes are available: 2 Insufficient cpu, ..."
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cloudoptim {

// Listed in the order the simulator checks them (cheap, static checks first).
enum class FitFailure : uint8_t {
  kNone,
  kNodeRemoved,  // the node was disabled in this simulation (consolidation what-if)
  kNodeUnschedulable,
  kNodeSelectorMismatch,  // nodeSelector or required node affinity
  kTaintNotTolerated,
  kVolumeZoneConflict,  // a bound PV lives in another zone
  kTooManyPods,
  kInsufficientCpu,
  kInsufficientMemory,
  kInsufficientEphemeralStorage,
  kInsufficientGpu,
  kTopologySpreadMissingLabel,
  kTopologySpread,
  kPodAffinity,
  kPodAntiAffinity,
  kExistingPodAntiAffinity,
};

// kube-scheduler's wording for one node: "Insufficient cpu", "node(s) had untolerated taint".
std::string_view FitFailureMessage(FitFailure failure);

// The FailedScheduling event message for a pod given the failure on every node considered:
// "0/5 nodes are available: 2 Insufficient cpu, 3 node(s) didn't match Pod's node
// affinity/selector." Reasons are listed by count, then by name, as kube-scheduler does.
std::string FailedSchedulingMessage(const std::vector<FitFailure>& per_node_failures);

}  // namespace cloudoptim
