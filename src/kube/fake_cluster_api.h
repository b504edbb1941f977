// A hand-written, stateful in-memory cluster behind ClusterApi, for unit tests of the modules
// that read and act on clusters (cache, executor, engines' wiring). Not a mock: acting calls
// change its state (cordon sets unschedulable, evict removes the pod unless a PDB refuses),
// every call is recorded, and the next call can be made to fail. Thread-safe (one lock), so
// callers that act concurrently (the drain's parallel evictions) can use it.
//
//   FakeClusterApi api;
//   api.AddNode(node); api.AddPod(pod);
//   api.FailNext(Unavailable("injected").error());
//   EXPECT_FALSE(api.SetUnschedulable("n1", true, {}).has_value());
//   EXPECT_THAT(api.calls(), Contains("SetUnschedulable n1 true"));
//   api.Reset();
#pragma once

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kube/cluster_api.h"

namespace cloudoptim {

class FakeClusterApi final : public ClusterApi {
 public:
  FakeClusterApi() = default;

  // Seeding and changing state; each change gets a new resourceVersion and is kept in the
  // change log that Watch replays.
  void AddNode(Node node);
  void AddPod(Pod pod);
  void AddWorkload(Workload workload);
  void AddDisruptionBudget(PodDisruptionBudget budget);
  void AddNamespace(Namespace ns);
  void SetNodeUsage(std::vector<NodeUsage> usage) {
    std::lock_guard lock(mutex_);
    objects_.node_usage = std::move(usage);
  }
  void SetPodUsage(std::vector<PodUsage> usage) {
    std::lock_guard lock(mutex_);
    objects_.pod_usage = std::move(usage);
  }
  void RemovePod(std::string_view namespace_name, std::string_view name);
  // The next call of any method fails with `error` (once).
  void FailNext(Error error);
  // Watches starting before this resourceVersion fail with OutOfRange (410 Gone).
  void ExpireHistoryBefore(int64_t resource_version) { oldest_watchable_ = resource_version; }
  // Clears state, calls, injected errors.
  void Reset();

  const std::vector<std::string>& calls() const { return calls_; }
  const Snapshot& objects() const { return objects_; }
  int64_t resource_version() const { return resource_version_; }

  Result<std::string> List(ClusterResource resource, const ListOptions& options,
                           Snapshot* out) override;
  Result<Node> GetNode(std::string_view name) override;
  Result<Pod> GetPod(std::string_view namespace_name, std::string_view name) override;
  Status Watch(ClusterResource resource, std::string_view resource_version,
               const ChangeCallback& on_change, const std::atomic<bool>* cancelled) override;
  Status SetUnschedulable(std::string_view node, bool unschedulable,
                          const ActOptions& options) override;
  Status SetTaint(std::string_view node, const Taint& taint, bool present,
                  const ActOptions& options) override;
  Status PatchMetadata(const ObjectRef& object,
                       const std::map<std::string, std::optional<std::string>>& labels,
                       const std::map<std::string, std::optional<std::string>>& annotations,
                       const ActOptions& options) override;
  Result<EvictionOutcome> Evict(std::string_view namespace_name, std::string_view pod,
                                const ActOptions& options) override;
  Status DeletePod(std::string_view namespace_name, std::string_view pod,
                   const ActOptions& options) override;
  Status Scale(WorkloadKind kind, std::string_view namespace_name, std::string_view name,
               int32_t replicas, const ActOptions& options) override;
  Status PatchContainerResources(WorkloadKind kind, std::string_view namespace_name,
                                 std::string_view name, std::string_view container,
                                 const ContainerResources& resources,
                                 const ActOptions& options) override;

 private:
  Status Record(std::string call);
  std::string NextVersion() { return std::to_string(++resource_version_); }
  void Log(ClusterResource resource, WatchEventType type, ClusterObject object);
  Node* FindNode(std::string_view name);
  Pod* FindPod(std::string_view namespace_name, std::string_view name);
  Workload* FindWorkload(WorkloadKind kind, std::string_view namespace_name, std::string_view name);

  struct LoggedChange {
    int64_t resource_version;
    ClusterChange change;
  };

  // Recursive: acting calls reuse the public seeding ones (Evict removes the pod).
  mutable std::recursive_mutex mutex_;
  Snapshot objects_;
  std::vector<LoggedChange> log_;
  std::vector<std::string> calls_;
  std::optional<Error> next_error_;
  int64_t resource_version_ = 0;
  int64_t oldest_watchable_ = 0;
};

}  // namespace cloudoptim
