#include "execute/interruption_replacement.h"

#include <algorithm>
#include <cstdio>

namespace cloudoptim {

Ec2ReplacementLauncher::Ec2ReplacementLauncher(aws::Ec2Client& ec2, ClusterApi& api,
                                               LaunchOverrides overrides)
    : ec2_(ec2), api_(api), overrides_(std::move(overrides)) {}

Result<aws::FleetRequest> ReplacementFleet(const ReplacementRequest& request,
                                           const LaunchBlueprint& blueprint) {
  aws::FleetRequest fleet{.launch_template_id = blueprint.launch_template_id,
                          .launch_template_name = blueprint.launch_template_name,
                          .launch_template_version = blueprint.launch_template_version,
                          .capacity = request.capacity,
                          .count = 1,
                          .tags = request.tags,
                          .client_token = request.client_token};
  std::string zones;
  for (const PoolCandidate& pool : request.pools) {
    auto subnet = blueprint.subnet_by_zone.find(pool.availability_zone);
    if (subnet == blueprint.subnet_by_zone.end()) {
      if (zones.find(pool.availability_zone) == std::string::npos) {
        zones += (zones.empty() ? "" : ",") + pool.availability_zone;
      }
      continue;  // no subnet of the cluster there
    }
    fleet.overrides.push_back({pool.instance_type, subnet->second});
  }
  if (fleet.overrides.empty()) {
    std::string known;
    for (const auto& [zone, subnet] : blueprint.subnet_by_zone) {
      known += (known.empty() ? "" : ",") + zone;
    }
    return FailedPrecondition("cluster " + request.cluster_id + " has no subnet in zones " + zones +
                              " of the replacement pools for node " + request.node_name +
                              " (subnets known in " + known + ")");
  }
  return fleet;
}

Result<Replacement> Ec2ReplacementLauncher::Launch(const ReplacementRequest& request) {
  Snapshot listed;
  CO_RETURN_IF_ERROR(api_.List(ClusterResource::kNodes, {}, &listed));
  LaunchModel model{.node_name = request.node_name, .instance_id = request.instance_id};
  Result<LaunchModel> from_nodes = LaunchModelFromNodes(listed.nodes, request.node_name);
  if (from_nodes) {
    model.peers_by_zone = std::move(from_nodes->peers_by_zone);
  } else if (Result<LaunchModel> any = LaunchModelFromNodes(listed.nodes, ""); any) {
    model.peers_by_zone = std::move(any->peers_by_zone);  // the node itself is gone already
  }
  Ec2LaunchInventory inventory(ec2_);
  CO_ASSIGN_OR_RETURN(LaunchBlueprint blueprint,
                      DiscoverLaunchBlueprint(inventory, overrides_, model));
  CO_ASSIGN_OR_RETURN(aws::FleetRequest fleet, ReplacementFleet(request, blueprint));
  CO_ASSIGN_OR_RETURN(aws::FleetResult launched, ec2_.Launch(fleet));
  if (launched.instance_ids.empty()) {
    return ResourceExhausted("no replacement pool of cluster " + request.cluster_id +
                             " had capacity");
  }
  Replacement replacement{.instance_id = launched.instance_ids.front()};
  // The fleet answer does not say which override was filled; ask EC2 (best effort: the
  // launch itself succeeded either way).
  Result<std::vector<Ec2Instance>> described =
      ec2_.DescribeInstances({{"instance-id", {replacement.instance_id}}});
  if (described && !described->empty()) {
    replacement.instance_type = described->front().instance_type;
    replacement.availability_zone = described->front().availability_zone;
  }
  return replacement;
}

// FNV-1a (64-bit): stable across processes and builds, unlike std::hash.
std::string ReplacementClientToken(std::string_view event_id, std::string_view instance_id) {
  uint64_t hash = 1469598103934665603ULL;
  auto mix = [&hash](std::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
  };
  mix(event_id);
  mix("/");
  mix(instance_id);
  char buffer[24];
  std::snprintf(buffer, sizeof(buffer), "co-%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

namespace {

bool SamePool(const PoolCandidate& pool, const NodeLocation& node) {
  return pool.instance_type == node.instance_type &&
         pool.availability_zone == node.availability_zone;
}

}  // namespace

// Why this order: a spot node is replaced by spot when a safe pool other than its own exists
// (keeping the savings), because the interrupted pool will likely interrupt again and a pool
// below the safety score would put the replacement at the same risk. Only when no such pool
// is left does the replacement fall back to on-demand, which cannot be reclaimed.
ReplacementRequest PlanReplacement(const ClusterHandle& cluster, const NodeLocation& node,
                                   const UnavailablePools& unavailable, TimePoint now,
                                   size_t max_pools) {
  ReplacementRequest request{.cluster_id = cluster.cluster_id};
  if (cluster.catalog == nullptr || cluster.scores == nullptr || node.instance_type.empty()) {
    return request;
  }
  PoolFinder finder(*cluster.catalog, *cluster.scores, cluster.region, cluster.thresholds);
  const std::map<PoolKey, TimePoint> avoid = unavailable.ActiveAt(cluster.tenant_id, now);
  auto take = [&](CapacityType capacity) {
    for (const PoolCandidate& pool : finder.Pools(node.instance_type, capacity)) {
      if (request.pools.size() >= max_pools) break;
      if (SamePool(pool, node)) continue;
      if (avoid.contains({pool.instance_type, pool.availability_zone, capacity})) continue;
      request.pools.push_back(pool);
    }
    request.capacity = capacity;
  };
  if (node.capacity == CapacityType::kSpot) take(CapacityType::kSpot);
  if (request.pools.empty()) take(CapacityType::kOnDemand);
  return request;
}

}  // namespace cloudoptim
