#include "controlplane/cluster_connections.h"

namespace cloudoptim::controlplane {

Result<std::shared_ptr<ClusterClients>> ClusterConnections::Get(const store::Cluster& cluster) {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(cluster.id);
  if (it != clients_.end()) return it->second;
  Result<std::string> credentials =
      store_.clusters().GetClusterCredentials(cluster.tenant_id, cluster.id);
  if (!credentials) return std::unexpected(Annotate(credentials.error(), "cluster credentials"));
  Result<ClusterClients> clients = connector_(cluster, *credentials);
  if (!clients) return std::unexpected(Annotate(clients.error(), "connecting to the cluster"));
  auto shared = std::make_shared<ClusterClients>(std::move(*clients));
  clients_.emplace(cluster.id, shared);
  return shared;
}

}  // namespace cloudoptim::controlplane
