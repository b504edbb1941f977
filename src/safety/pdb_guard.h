// PodDisruptionBudget checks before evicting pods: the budget arithmetic of the Kubernetes
// disruption controller, and whether evicting a set of pods at once would exceed any budget.
//
//   Result<DisruptionBudgetCounts> c = ComputeDisruptionBudget(pdb.min_available,
//                                          pdb.max_unavailable, /*matching_pods=*/5,
//                                          /*expected_scale=*/5, /*current_healthy=*/5);
//   Status ok = CheckEvictions(snapshot, pods_on_node);  // FailedPrecondition names the PDB
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "model/snapshot.h"

namespace cloudoptim {

struct DisruptionBudgetCounts {
  int32_t expected_pods = 0;
  int32_t desired_healthy = 0;
  int32_t current_healthy = 0;
  int32_t disruptions_allowed = 0;
};

// "3" or "25%" (IntOrString; percentages are whole numbers). The value scaled against
// `total`, rounding percentages up as Kubernetes does (GetScaledValueFromIntOrPercent with
// roundUp). InvalidArgument names `field` and the value.
Result<int32_t> ScaleIntOrPercent(const std::string& value, int32_t total, std::string_view field);

// As the disruption controller computes a PDB's status:
//  - maxUnavailable: expected = the controllers' scale, desired = expected - ceil(maxUnavailable);
//  - minAvailable integer: expected = the matching pods, desired = minAvailable;
//  - minAvailable percentage: expected = the controllers' scale, desired = ceil(share);
// allowed = current_healthy - desired, and 0 when that is negative or nothing is expected.
// Neither field set is InvalidArgument (the API server rejects such a budget).
Result<DisruptionBudgetCounts> ComputeDisruptionBudget(
    const std::optional<std::string>& min_available,
    const std::optional<std::string>& max_unavailable, int32_t matching_pods,
    int32_t expected_scale, int32_t current_healthy);

// A pod counts as healthy when it is Running, not being deleted and every container is ready
// (the model keeps container readiness, not the pod's Ready condition).
bool IsPodHealthy(const Pod& pod);

// The budget of `pdb` computed from the snapshot's pods and controllers: matching pods are the
// non-terminal pods of its namespace its selector matches; the controllers' scale is each
// owning controller's replicas (a ReplicaSet of the snapshot, else the Deployment whose
// selector matches, else its pods counted); pods without a controller are left out of the
// scale, as Kubernetes does.
Result<DisruptionBudgetCounts> ComputeDisruptionBudget(const Snapshot& snapshot,
                                                       const PodDisruptionBudget& pdb);

// May all of `pods` be evicted now? FailedPrecondition naming the budget when evicting them
// would take more healthy pods than it allows, when an unhealthy pod's budget is not met
// (policy IfHealthyBudget), or when a pod matches more than one budget (the API server refuses
// those evictions). Terminal pods are ignored.
Status CheckEvictions(const Snapshot& snapshot, const std::vector<const Pod*>& pods);

}  // namespace cloudoptim
