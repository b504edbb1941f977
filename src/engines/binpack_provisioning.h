// Provisioning: which instance types, zones and capacity types to launch so that the
// cluster's pending pods can run, at the lowest price that satisfies every constraint.
//
//   ProvisioningPlan plan = PlanProvisioning(input, launch);
//   plan.recommendations;    // one launch-nodes recommendation per (types, zone, capacity)
//   plan.unschedulable;      // pods no allowed launch can hold, with the reason
#pragma once

#include <string>
#include <vector>

#include "engines/bin_packer.h"
#include "engines/engine.h"
#include "engines/launch_catalog.h"

namespace cloudoptim {

struct UnschedulablePod {
  std::string pod;  // namespace/name
  FitFailure reason = FitFailure::kNone;
};

struct ProvisioningPlan {
  std::vector<Recommendation> recommendations;
  std::vector<UnschedulablePod> unschedulable;
  int32_t pods_on_existing_nodes = 0;
  Money hourly_cost;
  int32_t spot_fallbacks = 0;
};

// Pods waiting for a node: Pending, unbound, not DaemonSet or mirror pods, for the default
// scheduler.
std::vector<const Pod*> PendingPods(const Snapshot& snapshot);

// Whether a pod may run on spot under the policy: spot enabled, namespace not excluded, and
// no cloudoptim.io/spot=false annotation or label.
bool MayRunOnSpot(const Policy& policy, const Pod& pod);

ProvisioningPlan PlanProvisioning(const EngineInput& input, const LaunchCatalog& launch);

}  // namespace cloudoptim
