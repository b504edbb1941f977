// An informer-like cache of one cluster: lists every resource once, then keeps the objects
// current from watches (bookmarks advance the resourceVersion; 410 Gone relists that
// resource) and polls metrics.k8s.io. snapshot() returns a consistent copy at any moment.
//
//   ClusterCache cache(api, clock);
//   CO_RETURN_IF_ERROR(cache.Sync([](ClusterResource r, size_t n) { ... progress ... }));
//   cache.Start();                      // one watch thread per resource
//   Snapshot s = cache.snapshot();      // nodes, pods, workloads, ... as of now
//   cache.Stop();
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "kube/cluster_api.h"

namespace cloudoptim {

struct ClusterCacheOptions {
  std::vector<ClusterResource> resources = AllClusterResources();
  Duration metrics_interval = std::chrono::seconds(60);
  // Pause before reconnecting a watch that failed (not one that ended normally).
  Duration reconnect_backoff = std::chrono::seconds(1);
};

// Called after each resource is listed: which one and how many objects it holds now.
using SyncProgress = std::function<void(ClusterResource resource, size_t count)>;

class ClusterCache {
 public:
  ClusterCache(ClusterApi& api, Clock& clock, ClusterCacheOptions options = {});
  ~ClusterCache();

  // Lists every configured resource. Metrics that are not served are recorded as absent,
  // not as an error; any other failure is returned (annotated with the resource).
  Status Sync(const SyncProgress& progress = {});
  // One watch of `resource` from its current resourceVersion until the server ends it.
  // On 410 Gone the resource is relisted (and Ok returned); other errors are returned.
  Status WatchOnce(ClusterResource resource, const std::atomic<bool>* cancelled);
  // Applies one watch change (exposed for tests and the benchmark).
  void Apply(ClusterChange change);
  Status PollMetrics();

  // Background watch loops (one thread per watched resource) and the metrics poller.
  void Start();
  void Stop();

  Snapshot snapshot() const;
  bool metrics_available() const;
  std::string resource_version(ClusterResource resource) const;

 private:
  Status Relist(ClusterResource resource, const SyncProgress* progress = nullptr);
  void ReplaceFrom(ClusterResource resource, Snapshot&& listed);
  void WatchLoop(ClusterResource resource);

  ClusterApi& api_;
  Clock& clock_;
  ClusterCacheOptions options_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Node> nodes_;
  std::unordered_map<std::string, Pod> pods_;
  std::unordered_map<std::string, Namespace> namespaces_;
  std::unordered_map<std::string, Workload> workloads_;  // "<kind>/<ns>/<name>"
  std::unordered_map<std::string, PodDisruptionBudget> budgets_;
  std::unordered_map<std::string, PersistentVolume> volumes_;
  std::unordered_map<std::string, PersistentVolumeClaim> claims_;
  std::unordered_map<std::string, Service> services_;
  std::unordered_map<std::string, EndpointSlice> slices_;
  std::unordered_map<std::string, ClusterEvent> events_;
  std::vector<NodeUsage> node_usage_;
  std::vector<PodUsage> pod_usage_;
  bool metrics_available_ = false;
  std::map<ClusterResource, std::string> versions_;

  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace cloudoptim
