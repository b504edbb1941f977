// ClusterApi: everything CloudOptim asks of a Kubernetes cluster, as one small interface.
// KubeClusterApi (kube_cluster_api.h) talks to a real API server; FakeClusterApi
// (fake_cluster_api.h) is a stateful in-memory cluster for other modules' unit tests.
//
//   std::unique_ptr<ClusterApi> api = ...;
//   Snapshot snapshot;
//   Result<std::string> rv = api->List(ClusterResource::kPods, {}, &snapshot);
//   api->Watch(ClusterResource::kPods, *rv, on_event, &stop);
//   Result<EvictionOutcome> out = api->Evict("shop", "web-1", {.dry_run = true});
//
// Contracts shared by every implementation (callers rely on them, fakes must honour them):
// - Reads are retried inside the implementation (connection errors, 5xx, 429 with backoff and
//   jitter, bounded); an error returned is final for this call. Unauthenticated and
//   PermissionDenied are never retried and say which credential or RBAC rule to fix.
// - List returns every object (all pages). An expired continue token restarts the listing
//   once; the returned string is the resourceVersion to start a Watch from.
// - Watch returns Ok when the server ends the stream normally (reconnect with the last seen
//   resourceVersion), OutOfRange (IsResourceExpired) when the resourceVersion is too old
//   (relist, then watch again), Cancelled when `cancelled` became true.
// - Acting calls are idempotent where Kubernetes allows: cordoning a cordoned node, removing
//   an absent taint, deleting a gone pod (NotFound is returned so the caller can tell) succeed
//   or fail without side effects. With dry_run the server validates and admits the request
//   (dryRun=All) but persists nothing.
// - Evict returns kBlockedByDisruptionBudget (not an error) when a PDB refuses it: the caller
//   decides whether to wait, skip or give up.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/error.h"
#include "kube/kube_json.h"
#include "model/snapshot.h"

namespace cloudoptim {

enum class ClusterResource {
  kNodes,
  kPods,
  kNamespaces,
  kDeployments,
  kReplicaSets,
  kStatefulSets,
  kDaemonSets,
  kJobs,
  kCronJobs,
  kPodDisruptionBudgets,
  kPersistentVolumes,
  kPersistentVolumeClaims,
  kServices,
  kEndpointSlices,
  kEvents,
  kNodeMetrics,  // metrics.k8s.io: list only (no watch)
  kPodMetrics,
};
std::string_view ClusterResourceName(ClusterResource resource);  // "pods", "deployments", ...
// Every resource the cluster cache keeps (metrics last; they are polled, not watched).
const std::vector<ClusterResource>& AllClusterResources();
// deployments for kDeployment, ..., cronjobs for kCronJob.
ClusterResource ResourceOfWorkload(WorkloadKind kind);

struct ListOptions {
  std::string namespace_name;  // empty: all namespaces
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;
  // Called after each page with the number of objects listed so far (progress for big lists).
  std::function<void(size_t listed)> on_page;
};

// One changed object, of the type of the watched resource.
using ClusterObject =
    std::variant<Node, Pod, Namespace, Workload, PodDisruptionBudget, PersistentVolume,
                 PersistentVolumeClaim, Service, EndpointSlice, ClusterEvent>;
struct ClusterChange {
  ClusterResource resource = ClusterResource::kPods;
  WatchEventType type = WatchEventType::kAdded;
  ClusterObject object;
  std::string resource_version;  // of the object (bookmarks: only this)
};
// Return false to stop watching (Watch then returns Ok).
using ChangeCallback = std::function<bool(ClusterChange&& change)>;

struct ActOptions {
  bool dry_run = false;  // dryRun=All: validated and admitted, not persisted
};

// Which object a label/annotation patch goes to.
struct ObjectRef {
  ClusterResource resource = ClusterResource::kNodes;
  std::string namespace_name;
  std::string name;
};

enum class EvictionOutcome { kEvicted, kBlockedByDisruptionBudget, kPodNotFound };
std::string_view EvictionOutcomeName(EvictionOutcome outcome);

class ClusterApi {
 public:
  virtual ~ClusterApi() = default;

  // Appends every object of `resource` to the matching vector of `out` (workloads of every
  // kind to out->workloads, metrics to node_usage / pod_usage) and returns the list's
  // resourceVersion. Metrics: Unimplemented when the metrics API is not served.
  virtual Result<std::string> List(ClusterResource resource, const ListOptions& options,
                                   Snapshot* out) = 0;
  virtual Result<Node> GetNode(std::string_view name) = 0;
  virtual Result<Pod> GetPod(std::string_view namespace_name, std::string_view name) = 0;
  // Streams changes after `resource_version` (with bookmarks) until the server closes the
  // stream; see the contract above for the return values.
  virtual Status Watch(ClusterResource resource, std::string_view resource_version,
                       const ChangeCallback& on_change, const std::atomic<bool>* cancelled) = 0;

  // spec.unschedulable = true (cordon) or false (uncordon).
  virtual Status SetUnschedulable(std::string_view node, bool unschedulable,
                                  const ActOptions& options) = 0;
  // Adds the taint (replacing one with the same key and effect) or removes it.
  virtual Status SetTaint(std::string_view node, const Taint& taint, bool present,
                          const ActOptions& options) = 0;
  // Sets labels/annotations; a nullopt value removes the key.
  virtual Status PatchMetadata(const ObjectRef& object,
                               const std::map<std::string, std::optional<std::string>>& labels,
                               const std::map<std::string, std::optional<std::string>>& annotations,
                               const ActOptions& options) = 0;
  virtual Result<EvictionOutcome> Evict(std::string_view namespace_name, std::string_view pod,
                                        const ActOptions& options) = 0;
  virtual Status DeletePod(std::string_view namespace_name, std::string_view pod,
                           const ActOptions& options) = 0;
  // Through the scale subresource (Deployment, ReplicaSet, StatefulSet).
  virtual Status Scale(WorkloadKind kind, std::string_view namespace_name, std::string_view name,
                       int32_t replicas, const ActOptions& options) = 0;
  // Strategic merge patch of one container's requests and limits in the pod template;
  // dimensions left at zero are not touched.
  virtual Status PatchContainerResources(WorkloadKind kind, std::string_view namespace_name,
                                         std::string_view name, std::string_view container,
                                         const ContainerResources& resources,
                                         const ActOptions& options) = 0;
};

}  // namespace cloudoptim
