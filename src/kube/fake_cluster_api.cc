#include "kube/fake_cluster_api.h"

#include <algorithm>

namespace cloudoptim {
namespace {

template <typename T>
void AppendMatching(const std::vector<T>& from, const ListOptions& options, std::vector<T>* to) {
  Result<LabelSelector> selector = LabelSelector::Parse(options.label_selector);
  for (const T& object : from) {
    if (!options.namespace_name.empty() && object.meta.namespace_name != options.namespace_name) {
      continue;
    }
    if (selector && !selector->Matches(object.meta.labels)) continue;
    to->push_back(object);
  }
}

bool PodMatchesBudget(const Pod& pod, const PodDisruptionBudget& budget) {
  return pod.meta.namespace_name == budget.meta.namespace_name &&
         budget.selector.Matches(pod.meta.labels);
}

}  // namespace

Status FakeClusterApi::Record(std::string call) {
  calls_.push_back(std::move(call));
  if (next_error_) {
    Error error = std::move(*next_error_);
    next_error_.reset();
    return std::unexpected(std::move(error));
  }
  return Ok();
}

void FakeClusterApi::Log(ClusterResource resource, WatchEventType type, ClusterObject object) {
  std::string version = NextVersion();
  log_.push_back({resource_version_, ClusterChange{resource, type, std::move(object), version}});
}

void FakeClusterApi::AddNode(Node node) {
  std::lock_guard lock(mutex_);
  node.meta.resource_version = std::to_string(resource_version_ + 1);
  objects_.nodes.push_back(node);
  Log(ClusterResource::kNodes, WatchEventType::kAdded, std::move(node));
}

void FakeClusterApi::AddPod(Pod pod) {
  std::lock_guard lock(mutex_);
  pod.meta.resource_version = std::to_string(resource_version_ + 1);
  objects_.pods.push_back(pod);
  Log(ClusterResource::kPods, WatchEventType::kAdded, std::move(pod));
}

void FakeClusterApi::AddWorkload(Workload workload) {
  std::lock_guard lock(mutex_);
  workload.meta.resource_version = std::to_string(resource_version_ + 1);
  objects_.workloads.push_back(workload);
  ClusterResource resource = ResourceOfWorkload(workload.kind);
  Log(resource, WatchEventType::kAdded, std::move(workload));
}

void FakeClusterApi::AddDisruptionBudget(PodDisruptionBudget budget) {
  std::lock_guard lock(mutex_);
  objects_.disruption_budgets.push_back(budget);
  Log(ClusterResource::kPodDisruptionBudgets, WatchEventType::kAdded, std::move(budget));
}

void FakeClusterApi::AddNamespace(Namespace ns) {
  std::lock_guard lock(mutex_);
  objects_.namespaces.push_back(ns);
  Log(ClusterResource::kNamespaces, WatchEventType::kAdded, std::move(ns));
}

void FakeClusterApi::RemovePod(std::string_view namespace_name, std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(objects_.pods.begin(), objects_.pods.end(), [&](const Pod& p) {
    return p.meta.namespace_name == namespace_name && p.meta.name == name;
  });
  if (it == objects_.pods.end()) return;
  Pod removed = std::move(*it);
  objects_.pods.erase(it);
  Log(ClusterResource::kPods, WatchEventType::kDeleted, std::move(removed));
}

void FakeClusterApi::FailNext(Error error) {
  std::lock_guard lock(mutex_);
  next_error_ = std::move(error);
}

void FakeClusterApi::Reset() {
  std::lock_guard lock(mutex_);
  objects_ = Snapshot{};
  log_.clear();
  calls_.clear();
  next_error_.reset();
  resource_version_ = 0;
  oldest_watchable_ = 0;
}

Node* FakeClusterApi::FindNode(std::string_view name) {
  for (Node& node : objects_.nodes) {
    if (node.meta.name == name) return &node;
  }
  return nullptr;
}

Pod* FakeClusterApi::FindPod(std::string_view namespace_name, std::string_view name) {
  for (Pod& pod : objects_.pods) {
    if (pod.meta.namespace_name == namespace_name && pod.meta.name == name) return &pod;
  }
  return nullptr;
}

Workload* FakeClusterApi::FindWorkload(WorkloadKind kind, std::string_view namespace_name,
                                       std::string_view name) {
  for (Workload& w : objects_.workloads) {
    if (w.kind == kind && w.meta.namespace_name == namespace_name && w.meta.name == name) return &w;
  }
  return nullptr;
}

Result<std::string> FakeClusterApi::List(ClusterResource resource, const ListOptions& options,
                                         Snapshot* out) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("List " + std::string(ClusterResourceName(resource))));
  switch (resource) {
    case ClusterResource::kNodes:
      AppendMatching(objects_.nodes, options, &out->nodes);
      break;
    case ClusterResource::kPods:
      AppendMatching(objects_.pods, options, &out->pods);
      break;
    case ClusterResource::kNamespaces:
      AppendMatching(objects_.namespaces, options, &out->namespaces);
      break;
    case ClusterResource::kPodDisruptionBudgets:
      AppendMatching(objects_.disruption_budgets, options, &out->disruption_budgets);
      break;
    case ClusterResource::kNodeMetrics:
      out->node_usage.insert(out->node_usage.end(), objects_.node_usage.begin(),
                             objects_.node_usage.end());
      break;
    case ClusterResource::kPodMetrics:
      out->pod_usage.insert(out->pod_usage.end(), objects_.pod_usage.begin(),
                            objects_.pod_usage.end());
      break;
    case ClusterResource::kDeployments:
    case ClusterResource::kReplicaSets:
    case ClusterResource::kStatefulSets:
    case ClusterResource::kDaemonSets:
    case ClusterResource::kJobs:
    case ClusterResource::kCronJobs:
      for (const Workload& w : objects_.workloads) {
        if (ResourceOfWorkload(w.kind) == resource) out->workloads.push_back(w);
      }
      break;
    default:
      break;  // kinds the fake does not hold are empty
  }
  if (options.on_page) options.on_page(0);  // one page, as a server would send
  return std::to_string(resource_version_);
}

Result<Node> FakeClusterApi::GetNode(std::string_view name) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("GetNode " + std::string(name)));
  if (Node* node = FindNode(name)) return *node;
  return NotFound("node " + std::string(name) + " not found");
}

Result<Pod> FakeClusterApi::GetPod(std::string_view namespace_name, std::string_view name) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("GetPod " + std::string(namespace_name) + "/" + std::string(name)));
  if (Pod* pod = FindPod(namespace_name, name)) return *pod;
  return NotFound("pod " + std::string(namespace_name) + "/" + std::string(name) + " not found");
}

// Replays the logged changes of `resource` after `resource_version`, then ends the stream
// as a server does when its watch timeout runs out.
Status FakeClusterApi::Watch(ClusterResource resource, std::string_view resource_version,
                             const ChangeCallback& on_change, const std::atomic<bool>* cancelled) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("Watch " + std::string(ClusterResourceName(resource)) + " " +
                            std::string(resource_version)));
  int64_t from = resource_version.empty() ? 0 : std::stoll(std::string(resource_version));
  if (from < oldest_watchable_) {
    return OutOfRange("too old resource version: " + std::string(resource_version));
  }
  for (const LoggedChange& logged : log_) {
    if (cancelled != nullptr && cancelled->load())
      return MakeError(ErrorCode::kCancelled, "cancelled");
    if (logged.resource_version <= from || logged.change.resource != resource) continue;
    ClusterChange copy = logged.change;
    if (!on_change(std::move(copy))) return Ok();
  }
  return Ok();
}

Status FakeClusterApi::SetUnschedulable(std::string_view node, bool unschedulable,
                                        const ActOptions& options) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("SetUnschedulable " + std::string(node) +
                            (unschedulable ? " true" : " false") +
                            (options.dry_run ? " dry-run" : "")));
  Node* found = FindNode(node);
  if (found == nullptr) return NotFound("node " + std::string(node) + " not found");
  if (options.dry_run) return Ok();
  found->unschedulable = unschedulable;
  found->meta.resource_version = std::to_string(resource_version_ + 1);
  Log(ClusterResource::kNodes, WatchEventType::kModified, *found);
  return Ok();
}

Status FakeClusterApi::SetTaint(std::string_view node, const Taint& taint, bool present,
                                const ActOptions& options) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("SetTaint " + std::string(node) + " " + taint.key + ":" +
                            std::string(TaintEffectName(taint.effect)) +
                            (present ? " add" : " remove") + (options.dry_run ? " dry-run" : "")));
  Node* found = FindNode(node);
  if (found == nullptr) return NotFound("node " + std::string(node) + " not found");
  if (options.dry_run) return Ok();
  std::erase_if(found->taints,
                [&](const Taint& t) { return t.key == taint.key && t.effect == taint.effect; });
  if (present) found->taints.push_back(taint);
  Log(ClusterResource::kNodes, WatchEventType::kModified, *found);
  return Ok();
}

Status FakeClusterApi::PatchMetadata(
    const ObjectRef& object, const std::map<std::string, std::optional<std::string>>& labels,
    const std::map<std::string, std::optional<std::string>>& annotations,
    const ActOptions& options) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("PatchMetadata " + std::string(ClusterResourceName(object.resource)) +
                            " " + object.name + (options.dry_run ? " dry-run" : "")));
  ObjectMeta* meta = nullptr;
  if (object.resource == ClusterResource::kNodes) {
    if (Node* node = FindNode(object.name)) meta = &node->meta;
  } else if (object.resource == ClusterResource::kPods) {
    if (Pod* pod = FindPod(object.namespace_name, object.name)) meta = &pod->meta;
  } else {
    bool workload = false;
    for (WorkloadKind kind :
         {WorkloadKind::kDeployment, WorkloadKind::kReplicaSet, WorkloadKind::kStatefulSet,
          WorkloadKind::kDaemonSet, WorkloadKind::kJob, WorkloadKind::kCronJob}) {
      if (ResourceOfWorkload(kind) != object.resource) continue;
      workload = true;
      if (Workload* w = FindWorkload(kind, object.namespace_name, object.name)) meta = &w->meta;
    }
    if (!workload) return Unimplemented("the fake patches metadata of nodes, pods and workloads");
  }
  if (meta == nullptr) return NotFound(object.name + " not found");
  if (options.dry_run) return Ok();
  auto apply = [](const std::map<std::string, std::optional<std::string>>& values, Labels* into) {
    for (const auto& [key, value] : values) {
      if (value)
        (*into)[key] = *value;
      else
        into->erase(key);
    }
  };
  apply(labels, &meta->labels);
  apply(annotations, &meta->annotations);
  return Ok();
}

Result<EvictionOutcome> FakeClusterApi::Evict(std::string_view namespace_name, std::string_view pod,
                                              const ActOptions& options) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("Evict " + std::string(namespace_name) + "/" + std::string(pod) +
                            (options.dry_run ? " dry-run" : "")));
  Pod* found = FindPod(namespace_name, pod);
  if (found == nullptr) return EvictionOutcome::kPodNotFound;
  for (PodDisruptionBudget& budget : objects_.disruption_budgets) {
    if (PodMatchesBudget(*found, budget) && budget.disruptions_allowed <= 0) {
      return EvictionOutcome::kBlockedByDisruptionBudget;
    }
  }
  if (options.dry_run) return EvictionOutcome::kEvicted;
  for (PodDisruptionBudget& budget : objects_.disruption_budgets) {
    if (PodMatchesBudget(*found, budget)) --budget.disruptions_allowed;
  }
  RemovePod(namespace_name, pod);
  return EvictionOutcome::kEvicted;
}

Status FakeClusterApi::DeletePod(std::string_view namespace_name, std::string_view pod,
                                 const ActOptions& options) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("DeletePod " + std::string(namespace_name) + "/" + std::string(pod) +
                            (options.dry_run ? " dry-run" : "")));
  if (FindPod(namespace_name, pod) == nullptr) {
    return NotFound("pod " + std::string(namespace_name) + "/" + std::string(pod) + " not found");
  }
  if (!options.dry_run) RemovePod(namespace_name, pod);
  return Ok();
}

Status FakeClusterApi::Scale(WorkloadKind kind, std::string_view namespace_name,
                             std::string_view name, int32_t replicas, const ActOptions& options) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("Scale " + std::string(WorkloadKindName(kind)) + " " +
                            std::string(namespace_name) + "/" + std::string(name) + " " +
                            std::to_string(replicas) + (options.dry_run ? " dry-run" : "")));
  Workload* found = FindWorkload(kind, namespace_name, name);
  if (found == nullptr) return NotFound(std::string(name) + " not found");
  if (!options.dry_run) found->replicas = replicas;
  return Ok();
}

Status FakeClusterApi::PatchContainerResources(WorkloadKind kind, std::string_view namespace_name,
                                               std::string_view name, std::string_view container,
                                               const ContainerResources& resources,
                                               const ActOptions& options) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("PatchContainerResources " + std::string(WorkloadKindName(kind)) + " " +
                            std::string(namespace_name) + "/" + std::string(name) + " " +
                            std::string(container) + (options.dry_run ? " dry-run" : "")));
  Workload* found = FindWorkload(kind, namespace_name, name);
  if (found == nullptr) return NotFound(std::string(name) + " not found");
  const auto it =
      std::find_if(found->pod_template.containers.begin(), found->pod_template.containers.end(),
                   [&](const Container& c) { return c.name == container; });
  if (it == found->pod_template.containers.end()) {
    return NotFound("container " + std::string(container) + " not in " + std::string(name));
  }
  if (options.dry_run) return Ok();
  auto merge = [](const Resources& from, Resources* into) {
    if (from.cpu_millis > 0) into->cpu_millis = from.cpu_millis;
    if (from.memory_bytes > 0) into->memory_bytes = from.memory_bytes;
    if (from.ephemeral_storage_bytes > 0)
      into->ephemeral_storage_bytes = from.ephemeral_storage_bytes;
  };
  const size_t index = static_cast<size_t>(it - found->pod_template.containers.begin());
  found->pod_template.containers.Edit([&](std::vector<Container>& containers) {
    merge(resources.requests, &containers[index].resources.requests);
    merge(resources.limits, &containers[index].resources.limits);
  });
  return Ok();
}

}  // namespace cloudoptim
