// Which cluster and node an EC2 instance id belongs to, across every registered cluster (one
// SQS queue may serve many). The index is fed from each cluster's node listings (providerID
// "aws:///<zone>/i-...") and, for an id it does not know, the router relists the nodes of the
// clusters it has not relisted lately before answering NotFound ("not our node").
//
//   InstanceRouter router(directory, clock);
//   router.index().UpdateCluster("t1", "c1", snapshot.nodes);   // from the cluster cache
//   Result<RoutedInstance> where = router.Route("i-0abc");
//   if (!where && IsNotFound(where.error())) delete_message("not our node");
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "execute/interruption_directory.h"
#include "model/node.h"

namespace cloudoptim {

struct NodeLocation {
  std::string tenant_id;
  std::string cluster_id;
  std::string node_name;
  std::string instance_type;
  std::string availability_zone;
  CapacityType capacity = CapacityType::kOnDemand;
};

// Thread-safe map instance id -> node location.
class InstanceIndex {
 public:
  // Replaces every entry of the cluster with its nodes that carry an AWS providerID.
  void UpdateCluster(const std::string& tenant_id, const std::string& cluster_id,
                     const std::vector<Node>& nodes);
  void RemoveCluster(const std::string& cluster_id);
  std::optional<NodeLocation> Find(std::string_view instance_id) const;
  size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, NodeLocation> by_instance_;
  std::unordered_map<std::string, std::vector<std::string>> instances_of_cluster_;
};

struct RoutedInstance {
  ClusterHandle cluster;
  NodeLocation node;
};

struct RouterOptions {
  // A cluster's nodes are relisted for an unknown id at most this often, so a stream of
  // events for instances that are not ours cannot turn into a stream of node listings.
  Duration min_relist_interval = std::chrono::seconds(30);
};

class InstanceRouter {
 public:
  InstanceRouter(ClusterDirectory& directory, Clock& clock, RouterOptions options = {});

  // The cluster and node of `instance_id`. NotFound (naming the id) when no registered
  // cluster has a node for it, even after the relist; errors of single clusters' listings
  // are not returned (that cluster is skipped and retried after the interval).
  Result<RoutedInstance> Route(std::string_view instance_id);
  // Relists the nodes of every cluster now (start-up, tests).
  Status RefreshAll();

  InstanceIndex& index() { return index_; }

 private:
  std::optional<RoutedInstance> Lookup(std::string_view instance_id);
  Status Relist(const ClusterHandle& cluster);

  ClusterDirectory& directory_;
  Clock& clock_;
  RouterOptions options_;
  InstanceIndex index_;
  std::mutex relist_mutex_;  // one relist round at a time; others then read the index
  std::map<std::string, TimePoint> last_relist_;  // by cluster id
};

}  // namespace cloudoptim
