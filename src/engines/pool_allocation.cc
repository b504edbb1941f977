#include "engines/pool_allocation.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace cloudoptim {
namespace {

// Shares below this are rounding noise of the allocation, not capacity.
constexpr double kShareEpsilon = 1e-9;

bool Cheaper(const PoolOption& a, const PoolOption& b) {
  if (a.UsdPerVcpuHour() != b.UsdPerVcpuHour()) return a.UsdPerVcpuHour() < b.UsdPerVcpuHour();
  if (a.safety_score != b.safety_score) return a.safety_score > b.safety_score;
  return a.pool < b.pool;
}

double Placed(const Allocation& allocation) {
  double total = 0;
  for (const PoolShare& s : allocation.shares) total += s.share;
  return total;
}

}  // namespace

Allocation AllocateAcrossZones(std::vector<PoolOption> options, double share_to_place,
                               double max_pool_share) {
  std::sort(options.begin(), options.end(), Cheaper);
  std::vector<double> placed(options.size(), 0.0);
  std::map<std::string, std::vector<size_t>> by_zone;  // indices, cheapest first
  for (size_t i = 0; i < options.size(); ++i) {
    by_zone[options[i].pool.availability_zone].push_back(i);
  }
  double remaining = std::max(0.0, share_to_place);
  if (!by_zone.empty()) {
    const double zone_target = remaining / static_cast<double>(by_zone.size());
    for (const auto& [zone, indices] : by_zone) {
      double zone_left = zone_target;
      for (size_t i : indices) {
        const double take = std::min(zone_left, max_pool_share);
        placed[i] += take;
        zone_left -= take;
        remaining -= take;
        if (zone_left <= kShareEpsilon) break;
      }
    }
  }
  // Zones with too few pools leave some over: the cheapest pools with room take it.
  for (size_t i = 0; i < options.size() && remaining > kShareEpsilon; ++i) {
    const double take = std::min(remaining, max_pool_share - placed[i]);
    if (take <= 0) continue;
    placed[i] += take;
    remaining -= take;
  }
  Allocation allocation;
  for (size_t i = 0; i < options.size(); ++i) {
    if (placed[i] > kShareEpsilon) allocation.shares.push_back({options[i], placed[i]});
  }
  allocation.unplaced_share = remaining > kShareEpsilon ? remaining : 0;
  return allocation;
}

MixPlan PlanSpotMix(const std::vector<PoolOption>& spot_options,
                    const std::vector<PoolOption>& on_demand_options, double pinned_share,
                    const SafetyThresholds& safety) {
  MixPlan plan;
  std::vector<PoolOption> safe;
  std::set<std::string> safe_zones;
  for (const PoolOption& option : spot_options) {
    if (option.safety_score < safety.min_pool_safety_score) continue;
    safe.push_back(option);
    safe_zones.insert(option.pool.availability_zone);
  }
  const double floor = std::clamp(std::max(safety.min_on_demand_share, pinned_share), 0.0, 1.0);
  if (safe.empty()) {
    plan.fallback_reason = fmt::format("no spot pool of a suitable type scores at least {:.2f}",
                                       safety.min_pool_safety_score);
  } else if (static_cast<int32_t>(safe_zones.size()) < safety.min_availability_zones) {
    plan.fallback_reason =
        fmt::format("safe spot pools exist in {} zone(s), fewer than the {} required",
                    safe_zones.size(), safety.min_availability_zones);
  } else if (floor >= 1.0 - kShareEpsilon) {
    plan.fallback_reason = "every pod of the group must stay on on-demand";
  }
  if (!plan.fallback_reason.empty()) return plan;

  Allocation spot = AllocateAcrossZones(safe, 1.0 - floor, safety.max_pool_capacity_share);
  plan.spot = std::move(spot.shares);
  plan.spot_share = Placed(Allocation{plan.spot, 0});
  Allocation on_demand =
      AllocateAcrossZones(on_demand_options, 1.0 - plan.spot_share, safety.max_pool_capacity_share);
  if (on_demand.unplaced_share > kShareEpsilon) {
    plan = MixPlan{};
    plan.fallback_reason = fmt::format(
        "the on-demand part cannot be spread over enough pools to keep each under {:.0f}%",
        safety.max_pool_capacity_share * 100);
    return plan;
  }
  plan.on_demand = std::move(on_demand.shares);
  plan.on_demand_share = Placed(Allocation{plan.on_demand, 0});
  return plan;
}

Money ShareCostPerHour(const PoolShare& share, int64_t total_vcpus) {
  const double vcpus = share.share * static_cast<double>(total_vcpus);
  return share.option.usd_per_hour.Scaled(vcpus / std::max(1, share.option.vcpus));
}

}  // namespace cloudoptim
