// PodDisruptionBudget arithmetic, as Kubernetes' disruption controller does it:
// minAvailable / maxUnavailable as integers or percentages of the expected pod count
// (percentages round up), healthy pods counted, and how many disruptions that leaves.
// The eviction API refuses (429 TooManyRequests) when disruptionsAllowed is 0.
//
//   BudgetStatus s = ComputeBudget(pdb_json, /*expected_pods=*/3, /*healthy_pods=*/3);
//   if (s.disruptions_allowed <= 0) { ...refuse the eviction... }
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/error.h"
#include "sandbox/object_store.h"

namespace cloudoptim::sandbox {

struct BudgetStatus {
  int64_t expected_pods = 0;
  int64_t current_healthy = 0;
  int64_t desired_healthy = 0;
  int64_t disruptions_allowed = 0;
};

// An IntOrString ("50%" or 2) against a total; percentages round up. InvalidArgument for
// malformed values ("abc", "150x%").
Result<int64_t> ScaledIntOrPercent(const nlohmann::json& value, int64_t total);

// Applies the PDB's spec to the counts. A PDB with neither field allows everything healthy.
Result<BudgetStatus> ComputeBudget(const nlohmann::json& pdb, int64_t expected_pods,
                                   int64_t current_healthy);

// A pod counts as healthy when Running with a Ready condition and not being deleted.
bool IsPodHealthy(const nlohmann::json& pod);

// The budget of every PDB in `namespace_name` given that namespace's pods and the scale of
// the controllers owning them (ReplicaSets, StatefulSets...); pods without a controller count
// one each.
std::vector<std::pair<nlohmann::json, BudgetStatus>> BudgetsInNamespace(
    const ObjectStore& store, const std::string& namespace_name);

// The eviction decision for one pod: Ok, or ResourceExhausted (429) with Kubernetes' message
// "Cannot evict pod as it would violate the pod's disruption budget." naming the PDB.
Status CheckEviction(const ObjectStore& store, const nlohmann::json& pod);

}  // namespace cloudoptim::sandbox
