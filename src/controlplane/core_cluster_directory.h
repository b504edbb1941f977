// The interruption handler's view of the control plane's clusters (execute/
// interruption_directory.h): every cluster the engine loop has registered, with long-lived
// clients from ClusterConnections, a replacement launcher over the cluster's AWS account
// (launching like the interrupted node: execute/launch_discovery.h), the catalogue's pool
// scores of its region and its safety thresholds. A handle stays valid as long as the
// directory does (the control plane stops the handlers before it destroys the directory).
//
//   CoreClusterDirectory directory([&loop] { return loop.Clusters(); }, connections, &catalog,
//                                  &store);
//   InterruptionHandler handler(store, directory, queue, clock);
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "controlplane/cluster_connections.h"
#include "execute/interruption_directory.h"
#include "execute/interruption_replacement.h"
#include "risk/pool_score.h"

namespace cloudoptim::controlplane {

using ClusterSource = std::function<std::vector<store::Cluster>()>;

class CoreClusterDirectory final : public ClusterDirectory {
 public:
  // `catalog` may be null (then no replacement pools are found); `store` may be null (then the
  // default safety thresholds pick replacement pools).
  CoreClusterDirectory(ClusterSource clusters, ClusterConnections& connections,
                       const Catalog* catalog, store::Store* store = nullptr)
      : clusters_(std::move(clusters)),
        connections_(connections),
        catalog_(catalog),
        store_(store) {}

  // Clusters that cannot be connected are left out (the engine loop reports their status).
  // A cluster without AWS access gets no launcher: its nodes are still cordoned and drained.
  std::vector<ClusterHandle> Clusters() override;

 private:
  struct Acting {
    std::shared_ptr<ClusterClients> clients;  // keeps the EC2 and Kubernetes clients alive
    std::unique_ptr<Ec2ReplacementLauncher> launcher;
  };
  ReplacementLauncher* LauncherFor(const store::Cluster& cluster,
                                   const std::shared_ptr<ClusterClients>& clients);
  const PoolScoreTable* ScoresFor(const std::string& region);
  SafetyThresholds ThresholdsFor(const store::Cluster& cluster);

  ClusterSource clusters_;
  ClusterConnections& connections_;
  const Catalog* catalog_;
  store::Store* store_;
  std::mutex mutex_;
  std::map<std::string, Acting> acting_;  // by cluster id
  std::map<std::string, std::unique_ptr<PoolScoreTable>> scores_by_region_;
};

}  // namespace cloudoptim::controlplane
