#include "safety/plan_sources.h"

#include <charconv>
#include <cmath>
#include <map>
#include <string_view>
#include <vector>

namespace cloudoptim {
namespace {

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (!text.empty()) {
    size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return parts;
}

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

Result<std::string> Parameter(const Action& action, const std::string& name) {
  auto it = action.parameters.find(name);
  if (it == action.parameters.end() || it->second.empty()) {
    return InvalidArgument("action " + action.target + ": parameter '" + name + "' is missing");
  }
  return it->second;
}

Result<int32_t> TypeVcpus(const Catalog& catalog, std::string_view type, const Action& action) {
  const InstanceType* found = catalog.FindType(type);
  if (found == nullptr || found->vcpus <= 0) {
    return InvalidArgument("action " + action.target + ": instance type '" + std::string(type) +
                           "' is not in the catalogue");
  }
  return found->vcpus;
}

// "m5.large/us-east-1a/spot=0.1500" -> a pool of round(0.15 x total / vCPUs) instances.
Result<PlannedPool> ParsePoolShare(std::string_view entry, int64_t total_vcpus,
                                   const Action& action, const Catalog& catalog) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("action " + action.target + ": pools entry '" + std::string(entry) +
                           "' " + std::string(why));
  };
  std::vector<std::string_view> sides = Split(entry, '=');
  double share = 0;
  if (sides.size() != 2 || !ParseNumber(sides[1], &share) || share < 0 || share > 1) {
    return bad("is not pool=share with a share in [0, 1]");
  }
  std::vector<std::string_view> key = Split(sides[0], '/');
  if (key.size() != 3 || key[0].empty() || key[1].empty()) {
    return bad("does not name type/zone/capacity");
  }
  PlannedPool pool{std::string(key[0]), std::string(key[1]), CapacityType::kSpot, 0, 0};
  if (key[2] == "on-demand") {
    pool.capacity = CapacityType::kOnDemand;
  } else if (key[2] != "spot") {
    return bad("has capacity type other than spot or on-demand");
  }
  CO_ASSIGN_OR_RETURN(pool.vcpus_per_instance, TypeVcpus(catalog, pool.instance_type, action));
  double instances = share * static_cast<double>(total_vcpus) / pool.vcpus_per_instance;
  pool.count = std::max<int32_t>(1, static_cast<int32_t>(std::llround(instances)));
  return pool;
}

}  // namespace

FleetPlan CurrentFleet(const Snapshot& snapshot) {
  std::map<PoolKey, PlannedPool> pools;
  for (const Node& node : snapshot.nodes) {
    std::string type = node.InstanceType();
    std::string zone = node.Zone();
    PoolKey key{type.empty() ? "unknown" : type, zone.empty() ? "unknown" : zone, node.Capacity()};
    int32_t vcpus = static_cast<int32_t>((node.capacity.cpu_millis + 999) / 1000);
    PlannedPool& pool = pools[key];
    if (pool.count == 0) pool = {key.instance_type, key.availability_zone, key.capacity, 0, vcpus};
    ++pool.count;
    // Mixed node sizes under one label (rare: a resized type) keep the largest, erring safe.
    pool.vcpus_per_instance = std::max(pool.vcpus_per_instance, vcpus);
  }
  FleetPlan plan{.cluster = snapshot.cluster_name, .region = snapshot.region};
  for (auto& [key, pool] : pools) plan.pools.push_back(std::move(pool));
  return plan;
}

Result<FleetPlan> FleetPlanFromMixAction(const std::string& cluster, const std::string& region,
                                         const std::string& recommendation_id, const Action& action,
                                         const Catalog& catalog) {
  if (action.type != ActionType::kChangeNodeGroupMix) {
    return InvalidArgument("action " + action.target + " is not a change-node-group-mix action");
  }
  CO_ASSIGN_OR_RETURN(std::string total_text, Parameter(action, "total_vcpus"));
  int64_t total_vcpus = 0;
  if (!ParseNumber(std::string_view(total_text), &total_vcpus) || total_vcpus <= 0) {
    return InvalidArgument("action " + action.target + ": total_vcpus '" + total_text +
                           "' is not a positive whole number");
  }
  FleetPlan plan{.cluster = cluster, .region = region, .recommendation_id = recommendation_id};
  auto pools = action.parameters.find("pools");
  if (pools != action.parameters.end() && !pools->second.empty()) {
    for (std::string_view entry : Split(pools->second, ',')) {
      CO_ASSIGN_OR_RETURN(PlannedPool pool, ParsePoolShare(entry, total_vcpus, action, catalog));
      plan.pools.push_back(std::move(pool));
    }
    return plan;
  }
  // On-demand only: the first listed type, instances dealt round-robin over the zones.
  CO_ASSIGN_OR_RETURN(std::string types, Parameter(action, "instance_types"));
  CO_ASSIGN_OR_RETURN(std::string zones_text, Parameter(action, "zones"));
  std::string type(Split(types, ',').front());
  std::vector<std::string_view> zones = Split(zones_text, ',');
  CO_ASSIGN_OR_RETURN(int32_t vcpus, TypeVcpus(catalog, type, action));
  int64_t instances = std::max<int64_t>(1, (total_vcpus + vcpus - 1) / vcpus);
  for (size_t i = 0; i < zones.size(); ++i) {
    int64_t count = instances / static_cast<int64_t>(zones.size()) +
                    (static_cast<int64_t>(i) < instances % static_cast<int64_t>(zones.size()));
    if (count == 0) continue;
    plan.pools.push_back(
        {type, std::string(zones[i]), CapacityType::kOnDemand, static_cast<int32_t>(count), vcpus});
  }
  return plan;
}

}  // namespace cloudoptim
