// spot-optimize: for each node group, the target mix of spot and on-demand pools that saves
// the most while meeting every safety threshold of the policy; or, when no safe spot plan
// exists, the reason the group stays on on-demand.
//
//   EngineInput input{.snapshot = snap, .policy = policy, .catalog = catalog,
//                     .pool_scores = &scores};
//   Recommendations recs = RunSpotOptimize(input);   // one per node group at most
#pragma once

#include "engines/engine.h"

namespace cloudoptim {

// Each recommendation carries one kChangeNodeGroupMix action on "node-group/<name>" with
// parameters:
//   capacity_type    "mixed" (spot plan) or "on-demand" (fallback)
//   pools            "m5.large/us-east-1a/spot=0.2000,m6i.large/us-east-1b/on-demand=0.0500,..."
//   instance_types   the distinct types of the plan, comma-separated
//   flexible_instance_types  every similar type with a safe spot pool, cheapest per vCPU
//                    first (mixed plans only): the list price-capacity-optimized launches use
//   zones            the zones used, comma-separated
//   spot_share, on_demand_share, total_vcpus, min_pool_safety_score ("1.0000" when no spot)
//   reason           fallback only: why no safe spot plan exists
Recommendations RunSpotOptimize(const EngineInput& input);

}  // namespace cloudoptim
