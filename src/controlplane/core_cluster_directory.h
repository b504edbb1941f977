// The interruption handler's view of the control plane's clusters (execute/
// interruption_directory.h): every cluster the engine loop has registered, with long-lived
// clients from ClusterConnections, so a handle stays valid as long as the directory does
// (the control plane stops the handlers before it destroys the connections).
//
//   CoreClusterDirectory directory([&loop] { return loop.Clusters(); }, connections, &catalog);
//   InterruptionHandler handler(store, directory, queue, clock);
#pragma once

#include <functional>
#include <vector>

#include "catalog/catalog.h"
#include "controlplane/cluster_connections.h"
#include "execute/interruption_directory.h"

namespace cloudoptim::controlplane {

using ClusterSource = std::function<std::vector<store::Cluster>()>;

class CoreClusterDirectory final : public ClusterDirectory {
 public:
  // `catalog` may be null. Replacement capacity is not launched from here yet (the cluster
  // record names no launch template or subnets): handles carry no launcher, so an
  // interrupted node is cordoned, tainted and drained and the node group's own scaling
  // replaces it.
  CoreClusterDirectory(ClusterSource clusters, ClusterConnections& connections,
                       const Catalog* catalog)
      : clusters_(std::move(clusters)), connections_(connections), catalog_(catalog) {}

  // Clusters that cannot be connected are left out (the engine loop reports their status).
  std::vector<ClusterHandle> Clusters() override;

 private:
  ClusterSource clusters_;
  ClusterConnections& connections_;
  const Catalog* catalog_;
};

}  // namespace cloudoptim::controlplane
