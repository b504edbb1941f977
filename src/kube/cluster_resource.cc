// The table of the resources CloudOptim reads: name, API group path, and how a workload kind
// maps to its resource.
#include "kube/cluster_api.h"
#include "kube/kube_cluster_api.h"

namespace cloudoptim {
namespace {

struct ResourceInfo {
  ClusterResource resource;
  std::string_view plural;
  std::string_view group_path;  // "/api/v1", "/apis/apps/v1"
  bool namespaced;
};

constexpr ResourceInfo kResources[] = {
    {ClusterResource::kNodes, "nodes", "/api/v1", false},
    {ClusterResource::kPods, "pods", "/api/v1", true},
    {ClusterResource::kNamespaces, "namespaces", "/api/v1", false},
    {ClusterResource::kDeployments, "deployments", "/apis/apps/v1", true},
    {ClusterResource::kReplicaSets, "replicasets", "/apis/apps/v1", true},
    {ClusterResource::kStatefulSets, "statefulsets", "/apis/apps/v1", true},
    {ClusterResource::kDaemonSets, "daemonsets", "/apis/apps/v1", true},
    {ClusterResource::kJobs, "jobs", "/apis/batch/v1", true},
    {ClusterResource::kCronJobs, "cronjobs", "/apis/batch/v1", true},
    {ClusterResource::kPodDisruptionBudgets, "poddisruptionbudgets", "/apis/policy/v1", true},
    {ClusterResource::kPersistentVolumes, "persistentvolumes", "/api/v1", false},
    {ClusterResource::kPersistentVolumeClaims, "persistentvolumeclaims", "/api/v1", true},
    {ClusterResource::kServices, "services", "/api/v1", true},
    {ClusterResource::kEndpointSlices, "endpointslices", "/apis/discovery.k8s.io/v1", true},
    {ClusterResource::kEvents, "events", "/api/v1", true},
    {ClusterResource::kNodeMetrics, "nodes", "/apis/metrics.k8s.io/v1beta1", false},
    {ClusterResource::kPodMetrics, "pods", "/apis/metrics.k8s.io/v1beta1", true},
};

const ResourceInfo& Info(ClusterResource resource) {
  return kResources[static_cast<size_t>(resource)];
}

}  // namespace

std::string_view ClusterResourceName(ClusterResource resource) {
  if (resource == ClusterResource::kNodeMetrics) return "nodes.metrics.k8s.io";
  if (resource == ClusterResource::kPodMetrics) return "pods.metrics.k8s.io";
  return Info(resource).plural;
}

const std::vector<ClusterResource>& AllClusterResources() {
  static const std::vector<ClusterResource> all = [] {
    std::vector<ClusterResource> resources;
    for (const ResourceInfo& info : kResources) resources.push_back(info.resource);
    return resources;
  }();
  return all;
}

std::string CollectionPath(ClusterResource resource, std::string_view namespace_name) {
  const ResourceInfo& info = Info(resource);
  std::string path(info.group_path);
  if (info.namespaced && !namespace_name.empty()) {
    path += "/namespaces/" + UrlEncode(namespace_name);
  }
  path += "/";
  path += info.plural;
  return path;
}

std::string ObjectPath(ClusterResource resource, std::string_view namespace_name,
                       std::string_view name) {
  return CollectionPath(resource, namespace_name) + "/" + UrlEncode(name);
}

ClusterResource ResourceOfWorkload(WorkloadKind kind) {
  switch (kind) {
    case WorkloadKind::kDeployment:
      return ClusterResource::kDeployments;
    case WorkloadKind::kReplicaSet:
      return ClusterResource::kReplicaSets;
    case WorkloadKind::kStatefulSet:
      return ClusterResource::kStatefulSets;
    case WorkloadKind::kDaemonSet:
      return ClusterResource::kDaemonSets;
    case WorkloadKind::kJob:
      return ClusterResource::kJobs;
    case WorkloadKind::kCronJob:
      return ClusterResource::kCronJobs;
  }
  return ClusterResource::kDeployments;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string_view EvictionOutcomeName(EvictionOutcome outcome) {
  switch (outcome) {
    case EvictionOutcome::kEvicted:
      return "evicted";
    case EvictionOutcome::kBlockedByDisruptionBudget:
      return "blocked by PodDisruptionBudget";
    case EvictionOutcome::kPodNotFound:
      return "pod not found";
  }
  return "unknown";
}

}  // namespace cloudoptim
