#include "controlplane/core_cluster_directory.h"

#include "controlplane/cycle_records.h"
#include "risk/region_scoring.h"

namespace cloudoptim::controlplane {

// One launcher per cluster for the directory's lifetime: handles hold raw pointers to it. The
// launch overrides are the cluster record's, which does not change once registered.
ReplacementLauncher* CoreClusterDirectory::LauncherFor(
    const store::Cluster& cluster, const std::shared_ptr<ClusterClients>& clients) {
  if (!clients->aws || !clients->aws->ec2 || !clients->kube) return nullptr;
  auto it = acting_.find(cluster.id);
  if (it == acting_.end()) {
    Acting acting{.clients = clients,
                  .launcher = std::make_unique<Ec2ReplacementLauncher>(
                      *clients->aws->ec2, *clients->kube,
                      LaunchOverrides{.launch_template = cluster.launch_template,
                                      .subnet_ids = cluster.subnet_ids})};
    it = acting_.emplace(cluster.id, std::move(acting)).first;
  }
  return it->second.launcher.get();
}

// Day-zero scores (Spot Advisor, structure) per region, computed once: enough to keep a
// replacement out of risky pools; the engine loop's evidence-weighted scores are per cycle
// and not shared with the handler's threads.
const PoolScoreTable* CoreClusterDirectory::ScoresFor(const std::string& region) {
  if (catalog_ == nullptr) return nullptr;
  std::unique_ptr<PoolScoreTable>& scores = scores_by_region_[region];
  if (!scores) scores = std::make_unique<PoolScoreTable>(ScoreRegion(*catalog_, region, {}));
  return scores.get();
}

SafetyThresholds CoreClusterDirectory::ThresholdsFor(const store::Cluster& cluster) {
  if (store_ == nullptr) return {};
  Result<store::ClusterSettings> settings =
      store_->clusters().GetSettings(cluster.tenant_id, cluster.id);
  if (!settings) return {};
  Result<Policy> policy = PolicyFromSettings(*settings);
  return policy ? policy->safety : SafetyThresholds{};
}

std::vector<ClusterHandle> CoreClusterDirectory::Clusters() {
  std::vector<ClusterHandle> handles;
  for (const store::Cluster& cluster : clusters_()) {
    Result<std::shared_ptr<ClusterClients>> clients = connections_.Get(cluster);
    if (!clients) continue;
    const SafetyThresholds thresholds = ThresholdsFor(cluster);  // a store read: not under the lock
    std::lock_guard lock(mutex_);
    handles.push_back({.tenant_id = cluster.tenant_id,
                       .cluster_id = cluster.id,
                       .name = cluster.name,
                       .region = cluster.region,
                       .api = (*clients)->kube.get(),
                       .launcher = LauncherFor(cluster, *clients),
                       .catalog = catalog_,
                       .scores = ScoresFor(cluster.region),
                       .thresholds = thresholds});
  }
  return handles;
}

}  // namespace cloudoptim::controlplane
