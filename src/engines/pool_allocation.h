// Spreading a node group's capacity over capacity pools (instance type × zone × spot/on-demand)
// under the safety thresholds. Pure arithmetic over plain options, so the allocation rules are
// tested apart from catalogues and snapshots. Shares are fractions of the group's vCPUs.
//
//   MixPlan plan = PlanSpotMix(spot_options, on_demand_options, pinned_share, policy.safety);
//   if (plan.fallback_reason.empty()) { ... plan.spot, plan.on_demand ... }
#pragma once

#include <string>
#include <vector>

#include "common/money.h"
#include "engines/policy.h"
#include "model/pool.h"

namespace cloudoptim {

struct PoolOption {
  PoolKey pool;
  int32_t vcpus = 0;          // per instance
  Money usd_per_hour;         // per instance
  double safety_score = 1.0;  // the risk model's score for spot; 1 for on-demand

  double UsdPerVcpuHour() const { return vcpus > 0 ? usd_per_hour.usd() / vcpus : 1e18; }
};

struct PoolShare {
  PoolOption option;
  double share = 0;  // of the group's total capacity
};

struct Allocation {
  std::vector<PoolShare> shares;
  double unplaced_share = 0;  // what the pool cap left without a pool
};

// Places `share_to_place` over the options: an equal target per zone (zones fail
// independently, so no zone should carry much more than the others), filled in each zone from
// its cheapest pool per vCPU upwards, each pool up to `max_pool_share`. What a zone cannot take
// goes to the cheapest pools with room left anywhere. Deterministic: ties go to the safer pool,
// then to the pool's name.
Allocation AllocateAcrossZones(std::vector<PoolOption> options, double share_to_place,
                               double max_pool_share);

struct MixPlan {
  std::vector<PoolShare> spot;
  std::vector<PoolShare> on_demand;
  double spot_share = 0;
  double on_demand_share = 0;
  // Non-empty when no safe spot plan exists; the group then stays on on-demand.
  std::string fallback_reason;
};

// The target mix: on-demand gets max(min_on_demand_share, pinned_share) — pinned_share being
// the part of the capacity whose pods may not run on spot — plus whatever safe spot pools
// cannot hold under the pool cap; spot gets the rest, only in pools scoring at least the
// minimum, and only if those pools span the minimum number of zones.
MixPlan PlanSpotMix(const std::vector<PoolOption>& spot_options,
                    const std::vector<PoolOption>& on_demand_options, double pinned_share,
                    const SafetyThresholds& safety);

// Hourly price of `share` of `total_vcpus` in the option's pool, by its price per vCPU.
Money ShareCostPerHour(const PoolShare& share, int64_t total_vcpus);

}  // namespace cloudoptim
