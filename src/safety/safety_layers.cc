#include "safety/safety_layers.h"

#include <cmath>
#include <cstdio>

namespace cloudoptim {
namespace {

// Shares are compared in whole vCPUs; the epsilon keeps 0.2 x 20 from flooring to 3.
constexpr double kEpsilon = 1e-9;

SafetyViolation MakeViolation(const FleetPlan& plan, SafetyLayer layer, double measured,
                              double threshold, std::string message) {
  SafetyViolation v;
  v.layer = static_cast<int32_t>(layer);
  v.layer_name = std::string(SafetyLayerName(layer));
  v.cluster = plan.cluster;
  v.recommendation_id = plan.recommendation_id;
  v.measured_value = measured;
  v.threshold = threshold;
  v.message = "layer " + std::to_string(v.layer) + " (" + v.layer_name + "): " + message;
  return v;
}

}  // namespace

std::string_view SafetyLayerName(SafetyLayer layer) {
  switch (layer) {
    case SafetyLayer::kPoolScore:
      return "pool-safety-score";
    case SafetyLayer::kZoneSpread:
      return "availability-zones";
    case SafetyLayer::kPoolShare:
      return "pool-capacity-share";
    case SafetyLayer::kOnDemandShare:
      return "on-demand-share";
    case SafetyLayer::kAllLayers:
      return "all-layers";
  }
  return "unknown";
}

std::string FormatRatio(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", value);
  return buffer;
}

Status ValidateThresholds(const SafetyThresholds& t) {
  if (!(t.min_pool_safety_score >= 0 && t.min_pool_safety_score <= 1)) {
    return InvalidArgument("min_pool_safety_score " + FormatRatio(t.min_pool_safety_score) +
                           " is outside [0, 1]");
  }
  if (t.min_availability_zones < 1) {
    return InvalidArgument("min_availability_zones " + std::to_string(t.min_availability_zones) +
                           " is below 1");
  }
  if (!(t.max_pool_capacity_share > 0 && t.max_pool_capacity_share <= 1)) {
    return InvalidArgument("max_pool_capacity_share " + FormatRatio(t.max_pool_capacity_share) +
                           " is outside (0, 1]");
  }
  if (!(t.min_on_demand_share >= 0 && t.min_on_demand_share <= 1)) {
    return InvalidArgument("min_on_demand_share " + FormatRatio(t.min_on_demand_share) +
                           " is outside [0, 1]");
  }
  return Ok();
}

int64_t MaxVcpusPerPool(int64_t total_vcpus, const SafetyThresholds& t) {
  return static_cast<int64_t>(
      std::floor(t.max_pool_capacity_share * static_cast<double>(total_vcpus) + kEpsilon));
}

int64_t MinOnDemandVcpus(int64_t total_vcpus, const SafetyThresholds& t) {
  return static_cast<int64_t>(
      std::ceil(t.min_on_demand_share * static_cast<double>(total_vcpus) - kEpsilon));
}

std::optional<SafetyViolation> CheckPoolScores(const FleetPlan& plan, const SafetyThresholds& t,
                                               const PoolScoreTable& scores) {
  double lowest = 1.0;
  std::string worst_pool;
  std::string unsafe;
  for (const PlannedPool& pool : plan.pools) {
    if (pool.capacity != CapacityType::kSpot || pool.count <= 0) continue;
    const PoolScore* score = scores.Find(pool.instance_type, pool.availability_zone);
    double value = score == nullptr ? 0.0 : score->safety_score;
    if (value >= t.min_pool_safety_score) continue;
    if (!unsafe.empty()) unsafe += ", ";
    unsafe += pool.Key().ToString() + (score == nullptr ? " (no score)" : " " + FormatRatio(value));
    if (worst_pool.empty() || value < lowest) {
      lowest = value;
      worst_pool = pool.Key().ToString();
    }
  }
  if (unsafe.empty()) return std::nullopt;
  SafetyViolation v = MakeViolation(
      plan, SafetyLayer::kPoolScore, lowest, t.min_pool_safety_score,
      "spot pools below safety score " + FormatRatio(t.min_pool_safety_score) + ": " + unsafe);
  v.pool = worst_pool;
  return v;
}

std::optional<SafetyViolation> CheckZoneSpread(const FleetPlan& plan, const SafetyThresholds& t) {
  size_t zones = plan.ZonesUsed().size();
  if (static_cast<int64_t>(zones) >= t.min_availability_zones) return std::nullopt;
  return MakeViolation(
      plan, SafetyLayer::kZoneSpread, static_cast<double>(zones), t.min_availability_zones,
      "plan uses " + std::to_string(zones) + " availability zones, needs at least " +
          std::to_string(t.min_availability_zones));
}

std::optional<SafetyViolation> CheckPoolShare(const FleetPlan& plan, const SafetyThresholds& t) {
  int64_t total = plan.TotalVcpus();
  if (total <= 0) return std::nullopt;
  int64_t largest = 0;
  std::string largest_pool;
  for (const auto& [key, vcpus] : plan.VcpusByPool()) {
    if (vcpus > largest) {
      largest = vcpus;
      largest_pool = key.ToString();
    }
  }
  if (largest <= MaxVcpusPerPool(total, t)) return std::nullopt;
  double share = static_cast<double>(largest) / static_cast<double>(total);
  SafetyViolation v =
      MakeViolation(plan, SafetyLayer::kPoolShare, share, t.max_pool_capacity_share,
                    "pool " + largest_pool + " holds " + std::to_string(largest) + " of " +
                        std::to_string(total) + " vCPUs (" + FormatRatio(share) + "), at most " +
                        FormatRatio(t.max_pool_capacity_share) + " allowed");
  v.pool = largest_pool;
  return v;
}

std::optional<SafetyViolation> CheckOnDemandShare(const FleetPlan& plan,
                                                  const SafetyThresholds& t) {
  int64_t total = plan.TotalVcpus();
  int64_t on_demand = plan.OnDemandVcpus();
  if (on_demand >= MinOnDemandVcpus(total, t)) return std::nullopt;
  double share = plan.OnDemandShare();
  return MakeViolation(plan, SafetyLayer::kOnDemandShare, share, t.min_on_demand_share,
                       "on-demand holds " + std::to_string(on_demand) + " of " +
                           std::to_string(total) + " vCPUs (" + FormatRatio(share) +
                           "), needs at least " + FormatRatio(t.min_on_demand_share));
}

std::vector<SafetyViolation> CheckAllLayers(const FleetPlan& plan, const SafetyThresholds& t,
                                            const PoolScoreTable& scores) {
  std::vector<SafetyViolation> failed;
  std::string names;
  auto add = [&](std::optional<SafetyViolation> v) {
    if (!v) return;
    if (!names.empty()) names += ", ";
    names += std::to_string(v->layer) + " " + v->layer_name;
    failed.push_back(std::move(*v));
  };
  add(CheckPoolScores(plan, t, scores));
  add(CheckZoneSpread(plan, t));
  add(CheckPoolShare(plan, t));
  add(CheckOnDemandShare(plan, t));
  if (failed.empty()) return failed;
  double count = static_cast<double>(failed.size());
  failed.push_back(MakeViolation(plan, SafetyLayer::kAllLayers, count, 0,
                                 std::to_string(failed.size()) + " of 4 layers fail: " + names));
  return failed;
}

}  // namespace cloudoptim
