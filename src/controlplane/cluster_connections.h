// Long-lived clients for every registered cluster, for the parts of the control plane that act
// (the execution worker, the interruption handler): connected once through the same connector
// as the engine loop, and kept until the control plane stops. The engine loop's runtimes are
// not used for this because the loop drops and rebuilds them (a lost lease, a failed read),
// which would leave a running drain or a handler's ClusterHandle with a dangling client.
//
//   ClusterConnections connections(store, RealClusterConnector(clock));
//   CO_ASSIGN_OR_RETURN(std::shared_ptr<ClusterClients> clients, connections.Get(cluster));
//   clients->kube->ListNodes();
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "controlplane/cluster_runtime.h"
#include "store/store.h"

namespace cloudoptim::controlplane {

class ClusterConnections {
 public:
  ClusterConnections(store::Store& store, ClusterConnector connector)
      : store_(store), connector_(std::move(connector)) {}

  // The cluster's clients, connected on first use. A failed connection is not kept (the next
  // call tries again); its error names what to fix. Thread-safe; the clients live as long as
  // this object.
  Result<std::shared_ptr<ClusterClients>> Get(const store::Cluster& cluster);

 private:
  store::Store& store_;
  ClusterConnector connector_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ClusterClients>> clients_;  // by cluster id
};

}  // namespace cloudoptim::controlplane
