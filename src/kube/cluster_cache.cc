#include "kube/cluster_cache.h"

#include <algorithm>

#include "kube/kube_error.h"

namespace cloudoptim {
namespace {

bool IsMetrics(ClusterResource resource) {
  return resource == ClusterResource::kNodeMetrics || resource == ClusterResource::kPodMetrics;
}

std::string KeyOf(const Node& o) { return o.meta.name; }
std::string KeyOf(const Pod& o) { return o.meta.Key(); }
std::string KeyOf(const Namespace& o) { return o.meta.name; }
std::string KeyOf(const Workload& o) {
  return std::string(WorkloadKindName(o.kind)) + "/" + o.meta.Key();
}
std::string KeyOf(const PodDisruptionBudget& o) { return o.meta.Key(); }
std::string KeyOf(const PersistentVolume& o) { return o.meta.name; }
std::string KeyOf(const PersistentVolumeClaim& o) { return o.meta.Key(); }
std::string KeyOf(const Service& o) { return o.meta.Key(); }
std::string KeyOf(const EndpointSlice& o) { return o.meta.Key(); }
std::string KeyOf(const ClusterEvent& o) {
  return o.namespace_name + "/" + o.involved_kind + "/" + o.involved_name + "/" + o.reason;
}

template <typename T>
void Upsert(std::unordered_map<std::string, T>* store, WatchEventType type, T&& object) {
  std::string key = KeyOf(object);
  if (type == WatchEventType::kDeleted) {
    store->erase(key);
  } else {
    store->insert_or_assign(std::move(key), std::move(object));
  }
}

template <typename T>
void ReplaceAll(std::unordered_map<std::string, T>* store, std::vector<T>&& objects) {
  store->clear();
  store->reserve(objects.size());
  for (T& object : objects) {
    std::string key = KeyOf(object);
    store->insert_or_assign(std::move(key), std::move(object));
  }
}

// In key order, so callers and reports see a stable order; sorting the map's own keys avoids
// rebuilding a key per comparison.
template <typename T>
std::vector<T> Values(const std::unordered_map<std::string, T>& store) {
  std::vector<const std::pair<const std::string, T>*> entries;
  entries.reserve(store.size());
  for (const auto& entry : store) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  std::vector<T> values;
  values.reserve(entries.size());
  for (const auto* entry : entries) values.push_back(entry->second);
  return values;
}

}  // namespace

ClusterCache::ClusterCache(ClusterApi& api, Clock& clock, ClusterCacheOptions options)
    : api_(api), clock_(clock), options_(std::move(options)) {}

ClusterCache::~ClusterCache() { Stop(); }

void ClusterCache::ReplaceFrom(ClusterResource resource, Snapshot&& listed) {
  std::lock_guard lock(mutex_);
  switch (resource) {
    case ClusterResource::kNodes:
      ReplaceAll(&nodes_, std::move(listed.nodes));
      break;
    case ClusterResource::kPods:
      ReplaceAll(&pods_, std::move(listed.pods));
      break;
    case ClusterResource::kNamespaces:
      ReplaceAll(&namespaces_, std::move(listed.namespaces));
      break;
    case ClusterResource::kPodDisruptionBudgets:
      ReplaceAll(&budgets_, std::move(listed.disruption_budgets));
      break;
    case ClusterResource::kPersistentVolumes:
      ReplaceAll(&volumes_, std::move(listed.persistent_volumes));
      break;
    case ClusterResource::kPersistentVolumeClaims:
      ReplaceAll(&claims_, std::move(listed.persistent_volume_claims));
      break;
    case ClusterResource::kServices:
      ReplaceAll(&services_, std::move(listed.services));
      break;
    case ClusterResource::kEndpointSlices:
      ReplaceAll(&slices_, std::move(listed.endpoint_slices));
      break;
    case ClusterResource::kEvents:
      ReplaceAll(&events_, std::move(listed.events));
      break;
    case ClusterResource::kNodeMetrics:
      node_usage_ = std::move(listed.node_usage);
      break;
    case ClusterResource::kPodMetrics:
      pod_usage_ = std::move(listed.pod_usage);
      break;
    default: {
      // Only the workloads of this resource's kind are replaced.
      std::erase_if(workloads_, [&](const auto& entry) {
        return ResourceOfWorkload(entry.second.kind) == resource;
      });
      for (Workload& w : listed.workloads) {
        std::string key = KeyOf(w);
        workloads_.insert_or_assign(std::move(key), std::move(w));
      }
    }
  }
}

Status ClusterCache::Relist(ClusterResource resource, const SyncProgress* progress) {
  Snapshot listed;
  ListOptions options;
  if (progress != nullptr && *progress) {
    options.on_page = [&](size_t listed_so_far) { (*progress)(resource, listed_so_far); };
  }
  Result<std::string> version = api_.List(resource, options, &listed);
  if (!version) {
    return std::unexpected(
        Annotate(version.error(), "listing " + std::string(ClusterResourceName(resource))));
  }
  ReplaceFrom(resource, std::move(listed));
  std::lock_guard lock(mutex_);
  versions_[resource] = *version;
  return Ok();
}

Status ClusterCache::Sync(const SyncProgress& progress) {
  for (ClusterResource resource : options_.resources) {
    if (IsMetrics(resource)) {
      Snapshot listed;
      Result<std::string> version = api_.List(resource, ListOptions{}, &listed);
      if (!version && version.error().code != ErrorCode::kUnimplemented) {
        return std::unexpected(version.error());
      }
      if (version) ReplaceFrom(resource, std::move(listed));
      std::lock_guard lock(mutex_);
      metrics_available_ = version.has_value();
    } else {
      CO_RETURN_IF_ERROR(Relist(resource, &progress));
    }
    // Listed resources report per page (through ListOptions::on_page); metrics once here.
    if (progress && IsMetrics(resource)) {
      std::lock_guard lock(mutex_);
      size_t count =
          resource == ClusterResource::kNodeMetrics ? node_usage_.size() : pod_usage_.size();
      progress(resource, count);
    }
  }
  return Ok();
}

void ClusterCache::Apply(ClusterChange change) {
  std::lock_guard lock(mutex_);
  if (!change.resource_version.empty()) versions_[change.resource] = change.resource_version;
  if (change.type == WatchEventType::kBookmark || change.type == WatchEventType::kError) return;
  std::visit(
      [&](auto& object) {
        using T = std::decay_t<decltype(object)>;
        T copy = std::move(object);
        if constexpr (std::is_same_v<T, Node>) Upsert(&nodes_, change.type, std::move(copy));
        if constexpr (std::is_same_v<T, Pod>) Upsert(&pods_, change.type, std::move(copy));
        if constexpr (std::is_same_v<T, Namespace>)
          Upsert(&namespaces_, change.type, std::move(copy));
        if constexpr (std::is_same_v<T, Workload>)
          Upsert(&workloads_, change.type, std::move(copy));
        if constexpr (std::is_same_v<T, PodDisruptionBudget>) {
          Upsert(&budgets_, change.type, std::move(copy));
        }
        if constexpr (std::is_same_v<T, PersistentVolume>)
          Upsert(&volumes_, change.type, std::move(copy));
        if constexpr (std::is_same_v<T, PersistentVolumeClaim>) {
          Upsert(&claims_, change.type, std::move(copy));
        }
        if constexpr (std::is_same_v<T, Service>) Upsert(&services_, change.type, std::move(copy));
        if constexpr (std::is_same_v<T, EndpointSlice>)
          Upsert(&slices_, change.type, std::move(copy));
        if constexpr (std::is_same_v<T, ClusterEvent>)
          Upsert(&events_, change.type, std::move(copy));
      },
      change.object);
}

Status ClusterCache::WatchOnce(ClusterResource resource, const std::atomic<bool>* cancelled) {
  Status status = api_.Watch(
      resource, this->resource_version(resource),
      [&](ClusterChange&& change) {
        Apply(std::move(change));
        return true;
      },
      cancelled);
  if (!status && IsResourceExpired(status.error())) return Relist(resource);
  return status;
}

Status ClusterCache::PollMetrics() {
  for (ClusterResource resource : {ClusterResource::kNodeMetrics, ClusterResource::kPodMetrics}) {
    Snapshot listed;
    Result<std::string> version = api_.List(resource, ListOptions{}, &listed);
    if (!version) {
      std::lock_guard lock(mutex_);
      metrics_available_ = false;
      if (version.error().code == ErrorCode::kUnimplemented) return Ok();
      return std::unexpected(version.error());
    }
    ReplaceFrom(resource, std::move(listed));
    std::lock_guard lock(mutex_);
    metrics_available_ = true;
  }
  return Ok();
}

void ClusterCache::WatchLoop(ClusterResource resource) {
  while (!stopping_.load()) {
    Status status = WatchOnce(resource, &stopping_);
    if (!status && !stopping_.load()) clock_.SleepFor(options_.reconnect_backoff);
  }
}

void ClusterCache::Start() {
  stopping_ = false;
  for (ClusterResource resource : options_.resources) {
    if (IsMetrics(resource)) continue;
    threads_.emplace_back([this, resource] { WatchLoop(resource); });
  }
  threads_.emplace_back([this] {
    TimePoint next = clock_.Now() + options_.metrics_interval;
    while (!stopping_.load()) {
      if (clock_.Now() >= next) {
        (void)PollMetrics();
        next = clock_.Now() + options_.metrics_interval;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
}

void ClusterCache::Stop() {
  stopping_ = true;
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

Snapshot ClusterCache::snapshot() const {
  std::lock_guard lock(mutex_);
  Snapshot s;
  s.nodes = Values(nodes_);
  s.pods = Values(pods_);
  s.namespaces = Values(namespaces_);
  s.workloads = Values(workloads_);
  s.disruption_budgets = Values(budgets_);
  s.persistent_volumes = Values(volumes_);
  s.persistent_volume_claims = Values(claims_);
  s.services = Values(services_);
  s.endpoint_slices = Values(slices_);
  s.events = Values(events_);
  s.node_usage = node_usage_;
  s.pod_usage = pod_usage_;
  s.now = clock_.Now();
  return s;
}

bool ClusterCache::metrics_available() const {
  std::lock_guard lock(mutex_);
  return metrics_available_;
}

std::string ClusterCache::resource_version(ClusterResource resource) const {
  std::lock_guard lock(mutex_);
  auto it = versions_.find(resource);
  return it == versions_.end() ? std::string() : it->second;
}

}  // namespace cloudoptim
