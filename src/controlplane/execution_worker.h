// The control plane's acting thread (one per replica): every `interval` it starts
// interruption handlers for queues it has not seen yet, then runs an execution pass
// (execution_pass.h) for every cluster whose engine-loop lease this replica holds. Plans run
// here, off the engine loop's thread, so a drain that waits on a PodDisruptionBudget never
// delays an engine cycle.
//
//   ExecutionWorker worker(store, [&loop] { return loop.Clusters(true); }, connections,
//                          &handlers, clock, {});
//   worker.Start();
//   worker.Stop();
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "controlplane/cluster_connections.h"
#include "controlplane/core_cluster_directory.h"
#include "controlplane/interruption_handlers.h"
#include "execute/cloud_actions.h"
#include "execute/executor.h"

namespace cloudoptim::controlplane {

// The cloud side of a cluster's executor; null when the cluster cannot act (no AWS access).
using CloudActionsFactory = std::function<std::shared_ptr<CloudActions>(
    const store::Cluster& cluster, ClusterClients& clients)>;

// The production factory: Ec2CloudActions over the cluster's AWS account, launching like the
// replaced node (or the template and subnets the cluster record names).
CloudActionsFactory Ec2CloudActionsFactory();

struct ExecutionWorkerOptions {
  std::chrono::milliseconds interval = std::chrono::seconds(5);
  CloudActionsFactory cloud_actions = Ec2CloudActionsFactory();
  StepTimeouts timeouts;
  DrainOptions drain;
};

class ExecutionWorker {
 public:
  // `held_clusters`: the clusters this replica runs (the engine loop's leases);
  // `all_clusters`: every registered cluster (interruption queues). `handlers` may be null.
  ExecutionWorker(store::Store& store, ClusterSource held_clusters, ClusterSource all_clusters,
                  ClusterConnections& connections, InterruptionHandlers* handlers, Clock& clock,
                  ExecutionWorkerOptions options = {});
  ~ExecutionWorker() { Stop(); }
  ExecutionWorker(const ExecutionWorker&) = delete;
  ExecutionWorker& operator=(const ExecutionWorker&) = delete;

  // One pass on the caller's thread; returns how many plans were run.
  int RunOnce();
  void Start();
  // Waits for the running pass (a running plan ends by its own deadlines), then joins.
  void Stop();

 private:
  int RunCluster(const store::Cluster& cluster);
  void NoteOnce(const store::Cluster& cluster, const std::string& why);

  store::Store& store_;
  ClusterSource held_clusters_;
  ClusterSource all_clusters_;
  ClusterConnections& connections_;
  InterruptionHandlers* handlers_;
  Clock& clock_;
  ExecutionWorkerOptions options_;
  std::set<std::string> noted_;  // cluster ids whose skipped execution was logged

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cloudoptim::controlplane
