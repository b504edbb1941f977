#include "controlplane/core_cluster_directory.h"

namespace cloudoptim::controlplane {

std::vector<ClusterHandle> CoreClusterDirectory::Clusters() {
  std::vector<ClusterHandle> handles;
  for (const store::Cluster& cluster : clusters_()) {
    Result<std::shared_ptr<ClusterClients>> clients = connections_.Get(cluster);
    if (!clients) continue;
    handles.push_back({.tenant_id = cluster.tenant_id,
                       .cluster_id = cluster.id,
                       .name = cluster.name,
                       .region = cluster.region,
                       .api = (*clients)->kube.get(),
                       .catalog = catalog_});
  }
  return handles;
}

}  // namespace cloudoptim::controlplane
