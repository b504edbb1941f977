#include "kube/kube_cluster_api.h"

#include <nlohmann/json.hpp>

#include "kube/kube_error.h"
#include "model/quantity.h"

namespace cloudoptim {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kMergePatch = "application/merge-patch+json";
constexpr std::string_view kStrategicMergePatch = "application/strategic-merge-patch+json";
constexpr int kConflictAttempts = 3;

std::string WithDryRun(std::string path, const ActOptions& options) {
  if (options.dry_run)
    path += (path.find('?') == std::string::npos ? "?" : "&") + std::string("dryRun=All");
  return path;
}

std::optional<WorkloadKind> WorkloadKindOf(ClusterResource resource) {
  switch (resource) {
    case ClusterResource::kDeployments:
      return WorkloadKind::kDeployment;
    case ClusterResource::kReplicaSets:
      return WorkloadKind::kReplicaSet;
    case ClusterResource::kStatefulSets:
      return WorkloadKind::kStatefulSet;
    case ClusterResource::kDaemonSets:
      return WorkloadKind::kDaemonSet;
    case ClusterResource::kJobs:
      return WorkloadKind::kJob;
    case ClusterResource::kCronJobs:
      return WorkloadKind::kCronJob;
    default:
      return std::nullopt;
  }
}

std::string PageQuery(const ListOptions& options, const std::string& continue_token) {
  std::string query = "?limit=" + std::to_string(options.page_size);
  if (!continue_token.empty()) query += "&continue=" + UrlEncode(continue_token);
  if (!options.label_selector.empty())
    query += "&labelSelector=" + UrlEncode(options.label_selector);
  if (!options.field_selector.empty())
    query += "&fieldSelector=" + UrlEncode(options.field_selector);
  return query;
}

Json TaintJson(const Taint& taint) {
  Json json = {{"key", taint.key}, {"effect", std::string(TaintEffectName(taint.effect))}};
  if (!taint.value.empty()) json["value"] = taint.value;
  return json;
}

Json MetadataPatch(const std::map<std::string, std::optional<std::string>>& values) {
  Json json = Json::object();
  for (const auto& [key, value] : values) json[key] = value ? Json(*value) : Json(nullptr);
  return json;
}

Json ResourceListJson(const Resources& resources) {
  Json json = Json::object();
  if (resources.cpu_millis > 0) json["cpu"] = Quantity::FromMillis(resources.cpu_millis).ToString();
  if (resources.memory_bytes > 0) {
    json["memory"] = Quantity::FromBytes(resources.memory_bytes).ToString();
  }
  if (resources.ephemeral_storage_bytes > 0) {
    json["ephemeral-storage"] = Quantity::FromBytes(resources.ephemeral_storage_bytes).ToString();
  }
  return json;
}

}  // namespace

KubeClusterApi::KubeClusterApi(std::unique_ptr<KubeRestClient> rest) : rest_(std::move(rest)) {}

// Pages through a collection. Why restart on 410: a continue token is only valid while the
// server still holds that snapshot (etcd compaction, about 5 minutes); a listing that took
// longer must start again to stay consistent, and Kubernetes offers no way to resume it.
template <typename T>
Result<std::string> KubeClusterApi::ListPages(ClusterResource resource, const ListOptions& options,
                                              std::vector<T>* out) {
  DecodeOptions decode_options;
  if (auto kind = WorkloadKindOf(resource)) decode_options.workload_kind = *kind;
  const size_t start_size = out->size();
  const std::string base = CollectionPath(resource, options.namespace_name);
  bool restarted = false;
  std::string continue_token;
  while (true) {
    Result<std::string> body = rest_->Get(base + PageQuery(options, continue_token));
    if (!body && IsResourceExpired(body.error()) && !continue_token.empty() && !restarted) {
      out->resize(start_size);
      continue_token.clear();
      restarted = true;
      continue;
    }
    if (!body)
      return std::unexpected(
          Annotate(body.error(), "listing " + std::string(ClusterResourceName(resource))));
    Result<ObjectList<T>> page = DecodeList<T>(*body, decode_options);
    if (!page) return std::unexpected(page.error());
    std::move(page->items.begin(), page->items.end(), std::back_inserter(*out));
    if (options.on_page) options.on_page(out->size() - start_size);
    if (page->continue_token.empty()) return page->resource_version;
    continue_token = std::move(page->continue_token);
  }
}

Result<std::string> KubeClusterApi::List(ClusterResource resource, const ListOptions& options,
                                         Snapshot* out) {
  switch (resource) {
    case ClusterResource::kNodes:
      return ListPages(resource, options, &out->nodes);
    case ClusterResource::kPods:
      return ListPages(resource, options, &out->pods);
    case ClusterResource::kNamespaces:
      return ListPages(resource, options, &out->namespaces);
    case ClusterResource::kPodDisruptionBudgets:
      return ListPages(resource, options, &out->disruption_budgets);
    case ClusterResource::kPersistentVolumes:
      return ListPages(resource, options, &out->persistent_volumes);
    case ClusterResource::kPersistentVolumeClaims:
      return ListPages(resource, options, &out->persistent_volume_claims);
    case ClusterResource::kServices:
      return ListPages(resource, options, &out->services);
    case ClusterResource::kEndpointSlices:
      return ListPages(resource, options, &out->endpoint_slices);
    case ClusterResource::kEvents:
      return ListPages(resource, options, &out->events);
    case ClusterResource::kNodeMetrics:
    case ClusterResource::kPodMetrics: {
      Result<std::string> rv = resource == ClusterResource::kNodeMetrics
                                   ? ListPages(resource, options, &out->node_usage)
                                   : ListPages(resource, options, &out->pod_usage);
      if (!rv && IsNotFound(rv.error())) {
        return Unimplemented(
            "the metrics API (metrics.k8s.io) is not served by this cluster; install "
            "metrics-server to see actual usage");
      }
      return rv;
    }
    default:
      return ListPages(resource, options, &out->workloads);
  }
}

Result<Node> KubeClusterApi::GetNode(std::string_view name) {
  CO_ASSIGN_OR_RETURN(std::string body, rest_->Get(ObjectPath(ClusterResource::kNodes, "", name)));
  return DecodeNode(body);
}

Result<Pod> KubeClusterApi::GetPod(std::string_view namespace_name, std::string_view name) {
  CO_ASSIGN_OR_RETURN(std::string body,
                      rest_->Get(ObjectPath(ClusterResource::kPods, namespace_name, name)));
  return DecodePod(body);
}

template <typename T>
Status KubeClusterApi::WatchAs(ClusterResource resource, std::string_view resource_version,
                               const ChangeCallback& on_change,
                               const std::atomic<bool>* cancelled) {
  DecodeOptions decode_options;
  if (auto kind = WorkloadKindOf(resource)) decode_options.workload_kind = *kind;
  std::string path =
      CollectionPath(resource, "") +
      "?watch=1&allowWatchBookmarks=true&resourceVersion=" + UrlEncode(resource_version) +
      "&timeoutSeconds=" + std::to_string(watch_timeout_seconds_);
  Status failure = Ok();
  Status stream = rest_->StreamLines(
      path,
      [&](std::string_view line) {
        Result<WatchEvent<T>> event = DecodeWatchEvent<T>(line, decode_options);
        if (!event) {
          failure = std::unexpected(event.error());
          return false;
        }
        if (event->type == WatchEventType::kError) {
          failure = std::unexpected(
              KubeErrorFromStatus(event->status.code > 0 ? event->status.code : 500, event->status,
                                  "watching " + std::string(ClusterResourceName(resource))));
          return false;
        }
        ClusterChange change{.resource = resource, .type = event->type};
        if constexpr (requires { event->object.meta; }) {
          change.resource_version = event->object.meta.resource_version;
        }
        change.object = std::move(event->object);
        return on_change(std::move(change));
      },
      cancelled, std::chrono::seconds(watch_timeout_seconds_ + 30));
  if (!failure) return failure;
  return stream;
}

Status KubeClusterApi::Watch(ClusterResource resource, std::string_view resource_version,
                             const ChangeCallback& on_change, const std::atomic<bool>* cancelled) {
  switch (resource) {
    case ClusterResource::kNodes:
      return WatchAs<Node>(resource, resource_version, on_change, cancelled);
    case ClusterResource::kPods:
      return WatchAs<Pod>(resource, resource_version, on_change, cancelled);
    case ClusterResource::kNamespaces:
      return WatchAs<Namespace>(resource, resource_version, on_change, cancelled);
    case ClusterResource::kPodDisruptionBudgets:
      return WatchAs<PodDisruptionBudget>(resource, resource_version, on_change, cancelled);
    case ClusterResource::kPersistentVolumes:
      return WatchAs<PersistentVolume>(resource, resource_version, on_change, cancelled);
    case ClusterResource::kPersistentVolumeClaims:
      return WatchAs<PersistentVolumeClaim>(resource, resource_version, on_change, cancelled);
    case ClusterResource::kServices:
      return WatchAs<Service>(resource, resource_version, on_change, cancelled);
    case ClusterResource::kEndpointSlices:
      return WatchAs<EndpointSlice>(resource, resource_version, on_change, cancelled);
    case ClusterResource::kEvents:
      return WatchAs<ClusterEvent>(resource, resource_version, on_change, cancelled);
    case ClusterResource::kNodeMetrics:
    case ClusterResource::kPodMetrics:
      return Unimplemented("metrics.k8s.io cannot be watched; poll it with List");
    default:
      return WatchAs<Workload>(resource, resource_version, on_change, cancelled);
  }
}

Status KubeClusterApi::Patch(const std::string& path, const std::string& content_type,
                             const std::string& body, const ActOptions& options) {
  Result<std::string> result = rest_->Call(KubeCall{.method = "PATCH",
                                                    .path = WithDryRun(path, options),
                                                    .body = body,
                                                    .content_type = content_type});
  if (!result) return std::unexpected(result.error());
  return Ok();
}

Status KubeClusterApi::SetUnschedulable(std::string_view node, bool unschedulable,
                                        const ActOptions& options) {
  Json patch = {{"spec", {{"unschedulable", unschedulable}}}};
  return Patch(ObjectPath(ClusterResource::kNodes, "", node), std::string(kMergePatch),
               patch.dump(), options);
}

// Taints are a list without a merge key in a merge patch, so the whole list is replaced:
// read, change, write with the read resourceVersion, and retry on a 409 Conflict (someone
// else changed the node in between).
Status KubeClusterApi::SetTaint(std::string_view node, const Taint& taint, bool present,
                                const ActOptions& options) {
  for (int attempt = 1;; ++attempt) {
    CO_ASSIGN_OR_RETURN(Node current, GetNode(node));
    Json taints = Json::array();
    bool found = false;
    for (const Taint& t : current.taints) {
      const bool same = t.key == taint.key && t.effect == taint.effect;
      found = found || same;
      if (!same) taints.push_back(TaintJson(t));
    }
    if (present) taints.push_back(TaintJson(taint));
    if (!present && !found) return Ok();
    Json patch = {{"metadata", {{"resourceVersion", current.meta.resource_version}}},
                  {"spec", {{"taints", taints}}}};
    Status status = Patch(ObjectPath(ClusterResource::kNodes, "", node), std::string(kMergePatch),
                          patch.dump(), options);
    if (status || !IsAborted(status.error()) || attempt >= kConflictAttempts) return status;
  }
}

Status KubeClusterApi::PatchMetadata(
    const ObjectRef& object, const std::map<std::string, std::optional<std::string>>& labels,
    const std::map<std::string, std::optional<std::string>>& annotations,
    const ActOptions& options) {
  Json metadata = Json::object();
  if (!labels.empty()) metadata["labels"] = MetadataPatch(labels);
  if (!annotations.empty()) metadata["annotations"] = MetadataPatch(annotations);
  Json patch = {{"metadata", metadata}};
  return Patch(ObjectPath(object.resource, object.namespace_name, object.name),
               std::string(kMergePatch), patch.dump(), options);
}

// A PDB refusal is HTTP 429 with a Status saying "would violate the pod's disruption
// budget"; API priority-and-fairness throttling is also 429 but says "too many requests",
// and stays an error (ResourceExhausted) for the caller to retry later.
Result<EvictionOutcome> KubeClusterApi::Evict(std::string_view namespace_name, std::string_view pod,
                                              const ActOptions& options) {
  Json body = {{"apiVersion", "policy/v1"},
               {"kind", "Eviction"},
               {"metadata", {{"name", pod}, {"namespace", namespace_name}}}};
  if (options.dry_run) body["deleteOptions"] = {{"dryRun", {"All"}}};
  KubeCall call{.method = "POST",
                .path = WithDryRun(
                    ObjectPath(ClusterResource::kPods, namespace_name, pod) + "/eviction", options),
                .body = body.dump(),
                .content_type = "application/json",
                .retry_throttled = false};
  CO_ASSIGN_OR_RETURN(HttpResponse response, rest_->Exchange(call));
  if (response.ok()) return EvictionOutcome::kEvicted;
  if (response.status == 404) return EvictionOutcome::kPodNotFound;
  if (response.status == 429) {
    Result<KubeStatus> status = DecodeStatus(response.body);
    if (status && status->message.find("disruption budget") != std::string::npos) {
      return EvictionOutcome::kBlockedByDisruptionBudget;
    }
  }
  HttpRequest request{.method = call.method, .url = rest_->server() + call.path};
  return std::unexpected(KubeErrorFromResponse(request, response));
}

Status KubeClusterApi::DeletePod(std::string_view namespace_name, std::string_view pod,
                                 const ActOptions& options) {
  Result<std::string> result = rest_->Call(KubeCall{
      .method = "DELETE",
      .path = WithDryRun(ObjectPath(ClusterResource::kPods, namespace_name, pod), options)});
  if (!result) return std::unexpected(result.error());
  return Ok();
}

Status KubeClusterApi::Scale(WorkloadKind kind, std::string_view namespace_name,
                             std::string_view name, int32_t replicas, const ActOptions& options) {
  if (kind != WorkloadKind::kDeployment && kind != WorkloadKind::kReplicaSet &&
      kind != WorkloadKind::kStatefulSet) {
    return InvalidArgument(std::string(WorkloadKindName(kind)) + " " + std::string(name) +
                           " has no scale subresource");
  }
  Json patch = {{"spec", {{"replicas", replicas}}}};
  return Patch(ObjectPath(ResourceOfWorkload(kind), namespace_name, name) + "/scale",
               std::string(kMergePatch), patch.dump(), options);
}

Status KubeClusterApi::PatchContainerResources(WorkloadKind kind, std::string_view namespace_name,
                                               std::string_view name, std::string_view container,
                                               const ContainerResources& resources,
                                               const ActOptions& options) {
  Json container_patch = {{"name", container}, {"resources", Json::object()}};
  Json requests = ResourceListJson(resources.requests);
  Json limits = ResourceListJson(resources.limits);
  if (!requests.empty()) container_patch["resources"]["requests"] = requests;
  if (!limits.empty()) container_patch["resources"]["limits"] = limits;
  Json pod_template = {{"spec", {{"containers", Json::array({container_patch})}}}};
  Json patch = kind == WorkloadKind::kCronJob
                   ? Json{{"spec", {{"jobTemplate", {{"spec", {{"template", pod_template}}}}}}}}
                   : Json{{"spec", {{"template", pod_template}}}};
  return Patch(ObjectPath(ResourceOfWorkload(kind), namespace_name, name),
               std::string(kStrategicMergePatch), patch.dump(), options);
}

}  // namespace cloudoptim
