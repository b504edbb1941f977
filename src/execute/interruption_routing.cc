#include "execute/interruption_routing.h"

namespace cloudoptim {

void InstanceIndex::UpdateCluster(const std::string& tenant_id, const std::string& cluster_id,
                                  const std::vector<Node>& nodes) {
  std::unique_lock lock(mutex_);
  for (const std::string& id : instances_of_cluster_[cluster_id]) {
    auto it = by_instance_.find(id);
    if (it != by_instance_.end() && it->second.cluster_id == cluster_id) by_instance_.erase(it);
  }
  std::vector<std::string>& ids = instances_of_cluster_[cluster_id];
  ids.clear();
  for (const Node& node : nodes) {
    std::string id = node.InstanceId();
    if (id.empty()) continue;
    by_instance_[id] = NodeLocation{tenant_id,           cluster_id,  node.meta.name,
                                    node.InstanceType(), node.Zone(), node.Capacity()};
    ids.push_back(std::move(id));
  }
}

void InstanceIndex::RemoveCluster(const std::string& cluster_id) {
  UpdateCluster("", cluster_id, {});
  std::unique_lock lock(mutex_);
  instances_of_cluster_.erase(cluster_id);
}

std::optional<NodeLocation> InstanceIndex::Find(std::string_view instance_id) const {
  std::shared_lock lock(mutex_);
  auto it = by_instance_.find(std::string(instance_id));
  if (it == by_instance_.end()) return std::nullopt;
  return it->second;
}

size_t InstanceIndex::size() const {
  std::shared_lock lock(mutex_);
  return by_instance_.size();
}

InstanceRouter::InstanceRouter(ClusterDirectory& directory, Clock& clock, RouterOptions options)
    : directory_(directory), clock_(clock), options_(options) {}

std::optional<RoutedInstance> InstanceRouter::Lookup(std::string_view instance_id) {
  std::optional<NodeLocation> node = index_.Find(instance_id);
  if (!node) return std::nullopt;
  for (ClusterHandle& cluster : directory_.Clusters()) {
    if (cluster.cluster_id == node->cluster_id && cluster.tenant_id == node->tenant_id) {
      return RoutedInstance{std::move(cluster), std::move(*node)};
    }
  }
  // The cluster was deregistered since the index saw it.
  index_.RemoveCluster(node->cluster_id);
  return std::nullopt;
}

Status InstanceRouter::Relist(const ClusterHandle& cluster) {
  if (cluster.api == nullptr) {
    return FailedPrecondition("cluster " + cluster.cluster_id + " has no ClusterApi");
  }
  Snapshot listed;
  CO_RETURN_IF_ERROR(cluster.api->List(ClusterResource::kNodes, {}, &listed));
  index_.UpdateCluster(cluster.tenant_id, cluster.cluster_id, listed.nodes);
  return Ok();
}

Status InstanceRouter::RefreshAll() {
  std::lock_guard lock(relist_mutex_);
  Status first_error = Ok();
  for (const ClusterHandle& cluster : directory_.Clusters()) {
    Status listed = Relist(cluster);
    if (listed) {
      last_relist_[cluster.cluster_id] = clock_.Now();
    } else if (first_error) {
      first_error = listed;
    }
  }
  return first_error;
}

// An unknown id is either a node the index has not seen yet (launched since the last
// listing) or not ours at all. Relisting is the only way to tell, and it is bounded: each
// cluster at most once per min_relist_interval, one round at a time (concurrent callers wait
// for the round, then read the index it filled).
Result<RoutedInstance> InstanceRouter::Route(std::string_view instance_id) {
  if (std::optional<RoutedInstance> found = Lookup(instance_id)) return std::move(*found);
  {
    std::lock_guard lock(relist_mutex_);
    if (std::optional<RoutedInstance> found = Lookup(instance_id)) return std::move(*found);
    const TimePoint now = clock_.Now();
    for (const ClusterHandle& cluster : directory_.Clusters()) {
      auto last = last_relist_.find(cluster.cluster_id);
      if (last != last_relist_.end() && now - last->second < options_.min_relist_interval) {
        continue;
      }
      last_relist_[cluster.cluster_id] = now;
      (void)Relist(cluster);  // a failing cluster is retried after the interval
    }
  }
  if (std::optional<RoutedInstance> found = Lookup(instance_id)) return std::move(*found);
  return NotFound("instance " + std::string(instance_id) +
                  " is not a node of any registered cluster");
}

}  // namespace cloudoptim
