// Where FleetPlans come from: the fleet a cluster runs now (its nodes), and the target mix a
// spot-optimize recommendation proposes (a change-node-group-mix action, whose "pools"
// parameter gives each pool's share of "total_vcpus").
//
//   FleetPlan now = CurrentFleet(snapshot);
//   Result<FleetPlan> proposed = FleetPlanFromMixAction(snapshot.cluster_name, snapshot.region,
//                                                       rec.id, rec.actions[0], catalog);
#pragma once

#include <string>

#include "catalog/catalog.h"
#include "common/error.h"
#include "engines/recommendation.h"
#include "model/snapshot.h"
#include "safety/fleet_plan.h"

namespace cloudoptim {

// One pool per (instance type, zone, capacity type) of the snapshot's nodes, vCPUs from each
// node's capacity (rounded up to whole vCPUs). Nodes without an instance type or zone label
// are grouped under "unknown", so they still count towards the totals.
FleetPlan CurrentFleet(const Snapshot& snapshot);

// Turns a change-node-group-mix action into whole instances: each pool's share of
// total_vcpus, divided by the type's vCPUs and rounded to the nearest instance (at least one).
// An on-demand-only action without "pools" spreads total_vcpus over its instance_types x zones.
// InvalidArgument names the parameter for a wrong action type or a malformed value.
Result<FleetPlan> FleetPlanFromMixAction(const std::string& cluster, const std::string& region,
                                         const std::string& recommendation_id, const Action& action,
                                         const Catalog& catalog);

}  // namespace cloudoptim
