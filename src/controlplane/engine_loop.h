// The per-cluster loops of the control plane: for every registered cluster, keep its
// snapshot current and run an engine cycle every `interval` (or now, on TriggerCycle), then
// persist the recommendations (superseding the ones the cycle no longer proposes) and a
// savings point. Several replicas share the clusters through per-cluster leases.
//
//   EngineLoop loop(*store, catalog, runner, RealClusterConnector(clock), clock, options);
//   loop.Start();                      // a background thread calls RunDue() every tick
//   Result<server::CycleOutcome> o = loop.RunNow(tenant_id, cluster_id);
//   loop.Stop();
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "controlplane/cluster_runtime.h"
#include "controlplane/engine_runner.h"
#include "server/control_plane_hooks.h"
#include "store/store.h"

namespace cloudoptim::controlplane {

struct EngineLoopOptions {
  Duration interval = std::chrono::minutes(10);
  Duration snapshot_resync = std::chrono::minutes(30);
  // How often the store is scanned for clusters registered by another replica.
  Duration rescan_interval = std::chrono::seconds(30);
  // A replica holds a cluster for this long after its last renewal; renewed every ttl/3.
  Duration lease_ttl = std::chrono::minutes(2);
  // After a failed attempt: min_backoff, doubled per consecutive failure, up to max_backoff.
  Duration min_backoff = std::chrono::seconds(5);
  Duration max_backoff = std::chrono::minutes(5);
  // Wall time between two RunDue passes of the background thread.
  std::chrono::milliseconds tick = std::chrono::seconds(1);
  std::string replica_id;  // empty: "<hostname>-<pid>"
};

// What the loop reports after every attempt (metrics: see loop_metrics.h).
class EngineLoopObserver {
 public:
  virtual ~EngineLoopObserver() = default;
  virtual void OnCycle(const store::Cluster& cluster, const EngineCycleResult& result,
                       Duration elapsed) = 0;
  virtual void OnCycleFailed(const store::Cluster& cluster, const Error& error,
                             Duration elapsed) = 0;
};

class EngineLoop {
 public:
  // Everything passed by reference must outlive the loop. `observer` may be null.
  EngineLoop(store::Store& store, const Catalog& catalog, EngineRunner& runner,
             ClusterConnector connector, Clock& clock, EngineLoopOptions options,
             EngineLoopObserver* observer = nullptr);
  ~EngineLoop();
  EngineLoop(const EngineLoop&) = delete;
  EngineLoop& operator=(const EngineLoop&) = delete;

  // One pass: rescans the store when due, then runs the cycle of every cluster that is due
  // and whose lease this replica holds. A failing cluster gets its status and backoff; the
  // others are not affected. Returns how many cycles ran (successful or not).
  int RunDue();
  // A cycle of one cluster now, whoever holds its lease (an API trigger: the upsert is
  // idempotent). NotFound for an unknown cluster (or another tenant's); Aborted when a cycle
  // of it is already running; the cycle's error otherwise (also recorded as its status).
  Result<server::CycleOutcome> RunNow(const std::string& tenant_id, const std::string& cluster_id);
  // Starts the cluster's loop at once (onboarding), without waiting for the next rescan.
  void AddCluster(const store::Cluster& cluster);
  // Makes the cluster due now (settings changed).
  void MarkDue(const std::string& cluster_id);
  // Every registered cluster (held_only: those whose lease this replica held at its last
  // check), in cluster-id order. Thread-safe.
  std::vector<store::Cluster> Clusters(bool held_only = false) const;
  std::optional<server::LoopStatus> GetStatus(const std::string& tenant_id,
                                              const std::string& cluster_id) const;

  void Start();
  // Wakes the thread, waits for a running cycle to end, joins, stops every cluster's watches.
  void Stop();
  const std::string& replica_id() const { return options_.replica_id; }
  // Set before Start(): the metrics adapter is built after the loop it observes.
  void set_observer(EngineLoopObserver* observer) { observer_ = observer; }

 private:
  struct Entry;

  void Rescan();
  std::shared_ptr<Entry> Find(const std::string& cluster_id) const;
  // Whether this replica holds the cluster's lease, asking the store at most every ttl/3
  // (renewing it) unless `fresh`.
  bool HoldsLease(Entry& entry, TimePoint now, bool fresh = false);
  // Runs one cycle; the caller holds entry.cycle_mutex.
  Result<server::CycleOutcome> RunCycle(Entry& entry);
  Result<server::CycleOutcome> RunCycleSteps(Entry& entry, TimePoint started);
  Status EnsureRuntime(Entry& entry);  // connects the cluster when it has no runtime
  Result<EngineCycleResult> RunEngines(Entry& entry, const Snapshot& snapshot);
  void RecordFailure(Entry& entry, const Error& error, TimePoint at);
  void RecordSuccess(Entry& entry, TimePoint at);
  // Writes the entry's status to the store for the other replicas (logged when it fails).
  void PublishStatus(Entry& entry);
  void ThreadMain();
  void Wake();  // the thread runs a pass now rather than at the next tick

  store::Store& store_;
  const Catalog& catalog_;
  EngineRunner& runner_;
  ClusterConnector connector_;
  Clock& clock_;
  EngineLoopOptions options_;
  EngineLoopObserver* observer_;

  mutable std::mutex entries_mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;  // by cluster id
  std::optional<TimePoint> last_rescan_;

  std::mutex thread_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace cloudoptim::controlplane
