#include "engines/spot_optimize.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "engines/instance_candidates.h"
#include "engines/node_group.h"
#include "engines/pool_allocation.h"

namespace cloudoptim {
namespace {

// How spot-optimize chooses, and why.
//
// Capacity is counted in vCPUs: the target keeps the group's vCPUs and moves them between
// pools. Candidate types are those the group's pods can run on (architecture, GPUs, pinned
// types, the largest pod fits) that are "similar" to today's types — at least as much memory
// per vCPU, at most twice as much, and sizes from half to four times today's — because a
// flexible list of similar types is what lets a spot fleet replace interrupted capacity with
// whatever is available. Every candidate in every zone of the cluster is a pool; a spot pool
// is usable only if the risk model scores it at least the policy's minimum.
//
// The pods that may not run on spot (opt-out annotation/label, excluded namespaces) set the
// on-demand share when they need more than the policy's floor. The rest goes to the cheapest
// safe spot pools per vCPU, spread evenly across zones (zones fail independently) and capped
// per pool (one pool's interruption wave never takes more than the cap); what the caps cannot
// hold stays on-demand. The on-demand part is spread the same way. If no spot pool is safe,
// or safe pools cover fewer zones than required, the group falls back to on-demand and the
// recommendation says why.

struct GroupCost {
  int64_t total_vcpus = 0;
  Money usd_per_hour;
  bool has_spot = false;
  bool priced = true;  // false when a node's type or price is unknown
};

Money SpotPrice(const EngineInput& input, const std::string& type, const std::string& zone) {
  if (input.spot_prices != nullptr) {
    auto it = input.spot_prices->find({type, zone});
    if (it != input.spot_prices->end()) return it->second;
  }
  Result<Money> estimate = input.catalog.SpotPriceEstimate(input.snapshot.region, type);
  return estimate ? *estimate : Money();
}

GroupCost CostOf(const EngineInput& input, const NodeGroup& group) {
  GroupCost cost;
  for (const Node* node : group.nodes) {
    const std::string type_name = node->InstanceType();
    const InstanceType* type = input.catalog.FindType(type_name);
    Result<Money> on_demand = input.catalog.OnDemandPrice(input.snapshot.region, type_name);
    if (type == nullptr || !on_demand) {
      cost.priced = false;
      continue;
    }
    cost.total_vcpus += type->vcpus;
    const bool spot = node->Capacity() == CapacityType::kSpot;
    cost.has_spot = cost.has_spot || spot;
    const Money spot_price = spot ? SpotPrice(input, type_name, node->Zone()) : Money();
    cost.usd_per_hour += spot && !spot_price.IsZero() ? spot_price : *on_demand;
  }
  return cost;
}

// The share of the group's requests (the larger of CPU and memory) whose pods may not run on
// spot.
double PinnedShare(const NodeGroup& group, const Policy& policy) {
  Resources all, pinned;
  for (const Pod* pod : group.workload_pods) {
    const Resources request = pod->Requests();
    all += request;
    if (!policy.spot_enabled || !PodAllowsSpot(*pod, policy.spot_excluded_namespaces)) {
      pinned += request;
    }
  }
  if (all.cpu_millis == 0 && all.memory_bytes == 0) return 0;
  auto ratio = [](int64_t part, int64_t whole) {
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
  };
  return std::max(ratio(pinned.cpu_millis, all.cpu_millis),
                  ratio(pinned.memory_bytes, all.memory_bytes));
}

bool SimilarToCurrent(const InstanceType& type, const GroupShape& shape) {
  if (shape.current_types.empty()) return false;
  int32_t min_vcpus = INT32_MAX, max_vcpus = 0;
  double min_ratio = 1e18, max_ratio = 0;
  bool burstable = false;
  for (const InstanceType* current : shape.current_types) {
    min_vcpus = std::min(min_vcpus, current->vcpus);
    max_vcpus = std::max(max_vcpus, current->vcpus);
    const double ratio = static_cast<double>(current->memory_mib) / std::max(1, current->vcpus);
    min_ratio = std::min(min_ratio, ratio);
    max_ratio = std::max(max_ratio, ratio);
    burstable = burstable || current->burstable;
  }
  const double ratio = static_cast<double>(type.memory_mib) / std::max(1, type.vcpus);
  return (burstable || !type.burstable) && 2 * type.vcpus >= min_vcpus &&
         type.vcpus <= 4 * max_vcpus && ratio >= min_ratio && ratio <= 2 * max_ratio;
}

std::vector<std::string> ClusterZones(const Snapshot& snapshot) {
  std::set<std::string> zones;
  for (const Node& node : snapshot.nodes) {
    if (std::string zone = node.Zone(); !zone.empty()) zones.insert(std::move(zone));
  }
  return {zones.begin(), zones.end()};
}

struct Options {
  std::vector<PoolOption> spot;
  std::vector<PoolOption> on_demand;
};

Options PoolOptions(const EngineInput& input, const std::vector<const InstanceType*>& types,
                    const std::vector<std::string>& zones) {
  Options options;
  const std::string& region = input.snapshot.region;
  for (const InstanceType* type : types) {
    const Result<Money> on_demand = input.catalog.OnDemandPrice(region, type->name);
    const std::vector<std::string> offered = input.catalog.ZonesOffering(region, type->name);
    for (const std::string& zone : zones) {
      if (!offered.empty() && !std::binary_search(offered.begin(), offered.end(), zone)) continue;
      options.on_demand.push_back(
          {{type->name, zone, CapacityType::kOnDemand}, type->vcpus, *on_demand, 1.0});
      const PoolScore* score =
          input.pool_scores ? input.pool_scores->Find(type->name, zone) : nullptr;
      const Money spot = SpotPrice(input, type->name, zone);
      if (score == nullptr || spot.IsZero()) continue;
      options.spot.push_back(
          {{type->name, zone, CapacityType::kSpot}, type->vcpus, spot, score->safety_score});
    }
  }
  return options;
}

std::string JoinPools(const MixPlan& plan, std::set<std::string>* types,
                      std::set<std::string>* zones, double* min_safety) {
  std::string pools;
  for (const auto* part : {&plan.spot, &plan.on_demand}) {
    for (const PoolShare& s : *part) {
      if (!pools.empty()) pools += ",";
      pools += fmt::format("{}={:.4f}", s.option.pool.ToString(), s.share);
      types->insert(s.option.pool.instance_type);
      zones->insert(s.option.pool.availability_zone);
      if (s.option.pool.capacity == CapacityType::kSpot) {
        *min_safety = std::min(*min_safety, s.option.safety_score);
      }
    }
  }
  return pools;
}

std::string Join(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

Recommendation Finish(Recommendation rec, Action action) {
  std::string content;
  for (const auto& [key, value] : action.parameters) content += key + "=" + value + ";";
  rec.id = MakeRecommendationId(EngineName::kSpotOptimize, rec.target, content);
  rec.actions.push_back(std::move(action));
  return rec;
}

// Every similar type with a safe spot pool, cheapest per vCPU first: the flexible list a
// price-capacity-optimized launch draws from when the planned pools run dry.
std::string FlexibleTypes(const std::vector<PoolOption>& spot, const SafetyThresholds& safety) {
  std::map<std::string, double> cheapest;
  for (const PoolOption& option : spot) {
    if (option.safety_score < safety.min_pool_safety_score) continue;
    auto [it, inserted] = cheapest.emplace(option.pool.instance_type, option.UsdPerVcpuHour());
    if (!inserted) it->second = std::min(it->second, option.UsdPerVcpuHour());
  }
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [type, price] : cheapest) ranked.emplace_back(price, type);
  std::sort(ranked.begin(), ranked.end());
  std::string out;
  for (const auto& [price, type] : ranked) out += (out.empty() ? "" : ",") + type;
  return out;
}

size_t SpotTypeCount(const MixPlan& plan) {
  std::set<std::string> types;
  for (const PoolShare& s : plan.spot) types.insert(s.option.pool.instance_type);
  return types.size();
}

Recommendation SpotPlanRecommendation(const NodeGroup& group, const MixPlan& plan,
                                      const GroupCost& cost, std::string flexible_types) {
  Money new_cost;
  for (const auto* part : {&plan.spot, &plan.on_demand}) {
    for (const PoolShare& s : *part) new_cost += ShareCostPerHour(s, cost.total_vcpus);
  }
  std::set<std::string> types, zones;
  double min_safety = 1.0;
  Action action{ActionType::kChangeNodeGroupMix, group.Target(), {}};
  action.parameters["capacity_type"] = "mixed";
  action.parameters["pools"] = JoinPools(plan, &types, &zones, &min_safety);
  action.parameters["instance_types"] = Join(types);
  action.parameters["flexible_instance_types"] = std::move(flexible_types);
  action.parameters["zones"] = Join(zones);
  action.parameters["spot_share"] = fmt::format("{:.4f}", plan.spot_share);
  action.parameters["on_demand_share"] = fmt::format("{:.4f}", plan.on_demand_share);
  action.parameters["total_vcpus"] = std::to_string(cost.total_vcpus);
  action.parameters["min_pool_safety_score"] = fmt::format("{:.4f}", min_safety);
  Recommendation rec;
  rec.engine = EngineName::kSpotOptimize;
  rec.target = group.Target();
  rec.monthly_savings = (cost.usd_per_hour - new_cost).PerHourToMonthly();
  rec.confidence = min_safety;
  rec.explanation = fmt::format(
      "Run {:.0f}% of node group {} on {} spot pools of {} type(s) in {} zones (each scoring at "
      "least {:.2f}) and keep {:.0f}% on-demand, saving {} a month.",
      plan.spot_share * 100, group.name, plan.spot.size(), SpotTypeCount(plan), zones.size(),
      min_safety, plan.on_demand_share * 100, rec.monthly_savings.ToString());
  return Finish(std::move(rec), std::move(action));
}

// The group stays on (or returns to) on-demand: same types and zones, no spot.
Recommendation FallbackRecommendation(const EngineInput& input, const NodeGroup& group,
                                      const GroupCost& cost, const std::string& reason) {
  Money on_demand_cost;
  std::set<std::string> types;
  for (const Node* node : group.nodes) {
    types.insert(node->InstanceType());
    on_demand_cost += *input.catalog.OnDemandPrice(input.snapshot.region, node->InstanceType());
  }
  const std::vector<std::string> group_zones = group.Zones();
  Action action{ActionType::kChangeNodeGroupMix, group.Target(), {}};
  action.parameters["capacity_type"] = "on-demand";
  action.parameters["instance_types"] = Join(types);
  action.parameters["zones"] = Join({group_zones.begin(), group_zones.end()});
  action.parameters["spot_share"] = "0.0000";
  action.parameters["on_demand_share"] = "1.0000";
  action.parameters["total_vcpus"] = std::to_string(cost.total_vcpus);
  action.parameters["min_pool_safety_score"] = "1.0000";
  action.parameters["reason"] = reason;
  Recommendation rec;
  rec.engine = EngineName::kSpotOptimize;
  rec.target = group.Target();
  rec.monthly_savings = (cost.usd_per_hour - on_demand_cost).PerHourToMonthly();
  rec.confidence = 0.9;
  rec.explanation = fmt::format("Keep node group {} on on-demand: {}.", group.name, reason);
  return Finish(std::move(rec), std::move(action));
}

}  // namespace

Recommendations RunSpotOptimize(const EngineInput& input) {
  Recommendations out;
  if (!input.policy.spot_enabled) return out;
  const std::vector<std::string> zones = ClusterZones(input.snapshot);
  for (const NodeGroup& group : GroupNodes(input.snapshot)) {
    const GroupCost cost = CostOf(input, group);
    if (!cost.priced || cost.total_vcpus == 0) continue;
    const GroupShape shape = DescribeGroup(group, input.catalog);
    std::vector<const InstanceType*> types =
        CandidateTypes(input.catalog, input.snapshot.region, shape, input.policy);
    std::erase_if(types, [&](const InstanceType* t) { return !SimilarToCurrent(*t, shape); });
    const Options options = PoolOptions(input, types, zones);
    const double pinned = PinnedShare(group, input.policy);
    const MixPlan plan = PlanSpotMix(options.spot, options.on_demand, pinned, input.policy.safety);
    if (!plan.fallback_reason.empty()) {
      // A group already all on-demand whose pods all refuse spot needs no advice.
      if (!cost.has_spot && pinned >= 1.0) continue;
      out.items.push_back(FallbackRecommendation(input, group, cost, plan.fallback_reason));
      continue;
    }
    Recommendation rec =
        SpotPlanRecommendation(group, plan, cost, FlexibleTypes(options.spot, input.policy.safety));
    if (rec.monthly_savings < input.policy.min_monthly_savings) continue;
    out.items.push_back(std::move(rec));
  }
  return out;
}

}  // namespace cloudoptim
