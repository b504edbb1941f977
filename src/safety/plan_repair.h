// Turns a plan that fails the safety layers into one that passes them all, or says why no
// such plan exists. Used by the SafetyEnforcer; separate so each step is tested alone.
//
//   PoolFinder finder(catalog, scores, plan.region, thresholds);
//   std::expected<RepairedPlan, RepairRefusal> fixed = RepairPlan(normalized_plan, finder);
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "safety/fleet_plan.h"
#include "safety/pool_finder.h"
#include "safety/safety_layers.h"

namespace cloudoptim {

struct RepairedPlan {
  FleetPlan plan;
  std::vector<std::string> changes;  // one line per change made, in order
};

struct RepairRefusal {
  SafetyLayer layer = SafetyLayer::kAllLayers;
  std::string reason;  // names the numbers: zones found, vCPUs, scores
};

// Repair, in order (see docs/design/safety.md):
//  1. replace each unsafe spot pool with the safest similar pool, same zone preferred;
//     then split instances larger than the per-pool cap into two of the half-size type;
//  2. convert spot instances to on-demand, largest spot pool first, until the share holds;
//  3. move instances from the most loaded zones into unused zones until enough zones are used;
//  4. move instances out of pools above the share cap into the emptiest zones' pools.
// Every step keeps the vCPU total; none undoes an earlier one.
// `plan` must be normalised (NormalizePlan).
std::expected<RepairedPlan, RepairRefusal> RepairPlan(const FleetPlan& plan,
                                                      const PoolFinder& finder);

}  // namespace cloudoptim
