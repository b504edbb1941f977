// The conversions between one engine cycle and what the store keeps: the cluster's policy
// from its stored settings, the engines' recommendations as stored rows, and the cycle's
// savings point.
//
//   CO_ASSIGN_OR_RETURN(Policy policy, PolicyFromSettings(settings));
//   std::vector<StoredRecommendation> rows = ToStoredRecommendations(cluster_id, result);
#pragma once

#include <string>
#include <vector>

#include "engines/engine_cycle.h"
#include "store/store_types.h"

namespace cloudoptim::controlplane {

// The default Policy with the thresholds of settings.thresholds_json applied. Keys:
// min_pool_safety_score, min_availability_zones, max_pool_capacity_share,
// min_on_demand_share (the safety layers), spot_enabled, min_monthly_savings_usd,
// rightsize_buffer. Unknown keys are ignored (the API validates what it stores);
// InvalidArgument naming the key for a value of the wrong type.
Result<Policy> PolicyFromSettings(const store::ClusterSettings& settings);

std::vector<store::StoredRecommendation> ToStoredRecommendations(const std::string& cluster_id,
                                                                 const EngineCycleResult& result);

// What the cycle says the cluster could save per month without double counting: the
// engines' recommendations are alternatives over the same nodes, so the best single
// engine's total (a lower bound of what applying everything would save).
Money ProjectedMonthlySavings(const EngineCycleResult& result);

}  // namespace cloudoptim::controlplane
