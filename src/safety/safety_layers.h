// The five safety layers every fleet-changing plan must pass, each a small pure check over a
// normalised FleetPlan (see fleet_plan.h) and the cluster's thresholds. A failing layer yields
// a SafetyViolation: a plain record the store persists in `safety_violations`.
//
//   std::vector<SafetyViolation> failed = CheckAllLayers(plan, policy.safety, scores);
//   if (failed.empty()) { /* safe */ }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "engines/policy.h"
#include "risk/pool_score.h"
#include "safety/fleet_plan.h"

namespace cloudoptim {

enum class SafetyLayer {
  kPoolScore = 1,      // every spot pool used scores >= min_pool_safety_score
  kZoneSpread = 2,     // at least min_availability_zones zones
  kPoolShare = 3,      // at most max_pool_capacity_share of the vCPUs in any one pool
  kOnDemandShare = 4,  // at least min_on_demand_share of the vCPUs on-demand
  kAllLayers = 5,      // all of the above at once
};
// "pool-safety-score", "availability-zones", "pool-capacity-share", "on-demand-share",
// "all-layers".
std::string_view SafetyLayerName(SafetyLayer layer);

struct SafetyViolation {
  int32_t layer = 0;  // 1..5
  std::string layer_name;
  std::string cluster;
  std::string recommendation_id;
  double measured_value = 0;  // lowest score, zone count, largest share, on-demand share
  double threshold = 0;
  std::string pool;  // the pool to blame ("m5.large/us-east-1a/spot"), when there is one
  std::string message;
  TimePoint detected_at{};
};

// InvalidArgument naming the field for thresholds outside their range (scores and shares in
// [0, 1], a pool share above 0, zones at least 1).
Status ValidateThresholds(const SafetyThresholds& thresholds);

// Layer 1. A spot pool missing from `scores` counts as score 0: unknown is unsafe.
std::optional<SafetyViolation> CheckPoolScores(const FleetPlan& plan,
                                               const SafetyThresholds& thresholds,
                                               const PoolScoreTable& scores);
// Layer 2.
std::optional<SafetyViolation> CheckZoneSpread(const FleetPlan& plan,
                                               const SafetyThresholds& thresholds);
// Layer 3. Measures the largest pool's share of all vCPUs.
std::optional<SafetyViolation> CheckPoolShare(const FleetPlan& plan,
                                              const SafetyThresholds& thresholds);
// Layer 4.
std::optional<SafetyViolation> CheckOnDemandShare(const FleetPlan& plan,
                                                  const SafetyThresholds& thresholds);
// Layer 5: runs layers 1-4; when any fails, returns their violations followed by a layer-5
// record whose measured value is the number of failing layers (threshold 0). Empty = safe.
std::vector<SafetyViolation> CheckAllLayers(const FleetPlan& plan,
                                            const SafetyThresholds& thresholds,
                                            const PoolScoreTable& scores);

// The most vCPUs one pool may hold under layer 3 in a plan of `total_vcpus`.
int64_t MaxVcpusPerPool(int64_t total_vcpus, const SafetyThresholds& thresholds);
// The fewest on-demand vCPUs layer 4 accepts in a plan of `total_vcpus`.
int64_t MinOnDemandVcpus(int64_t total_vcpus, const SafetyThresholds& thresholds);

// "0.72" style formatting used in every safety message (two decimals).
std::string FormatRatio(double value);

}  // namespace cloudoptim
