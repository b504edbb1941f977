#include "execute/interruption_replacement.h"

#include <algorithm>
#include <cstdio>

namespace cloudoptim {

void UnavailablePools::Mark(const PoolKey& pool, TimePoint until) {
  std::lock_guard lock(mutex_);
  TimePoint& current = until_[pool];
  current = std::max(current, until);
}

bool UnavailablePools::IsUnavailable(const std::string& instance_type, const std::string& zone,
                                     CapacityType capacity, TimePoint now) const {
  std::lock_guard lock(mutex_);
  auto it = until_.find(PoolKey{instance_type, zone, capacity});
  return it != until_.end() && it->second > now;
}

std::map<PoolKey, TimePoint> UnavailablePools::ActiveAt(TimePoint now) const {
  std::lock_guard lock(mutex_);
  std::map<PoolKey, TimePoint> active;
  for (const auto& [pool, until] : until_) {
    if (until > now) active.emplace(pool, until);
  }
  return active;
}

Ec2ReplacementLauncher::Ec2ReplacementLauncher(aws::Ec2Client& ec2, std::string launch_template_id,
                                               std::map<std::string, std::string> subnet_by_zone)
    : ec2_(ec2),
      launch_template_id_(std::move(launch_template_id)),
      subnet_by_zone_(std::move(subnet_by_zone)) {}

Result<Replacement> Ec2ReplacementLauncher::Launch(const ReplacementRequest& request) {
  aws::FleetRequest fleet{.launch_template_id = launch_template_id_,
                          .capacity = request.capacity,
                          .count = 1,
                          .tags = request.tags,
                          .client_token = request.client_token};
  for (const PoolCandidate& pool : request.pools) {
    auto subnet = subnet_by_zone_.find(pool.availability_zone);
    if (subnet == subnet_by_zone_.end()) continue;  // no subnet of the cluster there
    fleet.overrides.push_back({pool.instance_type, subnet->second});
  }
  if (fleet.overrides.empty()) {
    return FailedPrecondition("cluster " + request.cluster_id +
                              " has no subnet in the zones of the replacement pools");
  }
  CO_ASSIGN_OR_RETURN(aws::FleetResult launched, ec2_.Launch(fleet));
  if (launched.instance_ids.empty()) {
    return ResourceExhausted("no replacement pool of cluster " + request.cluster_id +
                             " had capacity");
  }
  Replacement replacement{.instance_id = launched.instance_ids.front()};
  // The fleet answer does not say which override was filled; ask EC2 (best effort: the
  // launch itself succeeded either way).
  Result<std::vector<Ec2Instance>> described =
      ec2_.DescribeInstances({}, {replacement.instance_id});
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
  auto take = [&](CapacityType capacity) {
    for (const PoolCandidate& pool : finder.Pools(node.instance_type, capacity)) {
      if (request.pools.size() >= max_pools) break;
      if (SamePool(pool, node)) continue;
      if (unavailable.IsUnavailable(pool.instance_type, pool.availability_zone, capacity, now)) {
        continue;
      }
      request.pools.push_back(pool);
    }
    request.capacity = capacity;
  };
  if (node.capacity == CapacityType::kSpot) take(CapacityType::kSpot);
  if (request.pools.empty()) take(CapacityType::kOnDemand);
  return request;
}

}  // namespace cloudoptim
