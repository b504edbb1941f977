#include "controlplane/execution_worker.h"

#include "controlplane/control_plane_log.h"
#include "controlplane/execution_pass.h"
#include "execute/ec2_cloud_actions.h"

namespace cloudoptim::controlplane {

CloudActionsFactory Ec2CloudActionsFactory() {
  return
      [](const store::Cluster& cluster, ClusterClients& clients) -> std::shared_ptr<CloudActions> {
        if (!clients.aws) return nullptr;
        return std::make_shared<Ec2CloudActions>(
            *clients.aws->ec2,
            Ec2CloudActionsOptions{.overrides = {.launch_template = cluster.launch_template,
                                                 .subnet_ids = cluster.subnet_ids}});
      };
}

ExecutionWorker::ExecutionWorker(store::Store& store, ClusterSource held_clusters,
                                 ClusterSource all_clusters, ClusterConnections& connections,
                                 InterruptionHandlers* handlers, Clock& clock,
                                 ExecutionWorkerOptions options)
    : store_(store),
      held_clusters_(std::move(held_clusters)),
      all_clusters_(std::move(all_clusters)),
      connections_(connections),
      handlers_(handlers),
      clock_(clock),
      options_(std::move(options)) {}

void ExecutionWorker::NoteOnce(const store::Cluster& cluster, const std::string& why) {
  if (!noted_.insert(cluster.id).second) return;
  Log(LogLevel::kInfo, "no executor for cluster", {{"cluster", cluster.id}, {"reason", why}});
}

int ExecutionWorker::RunCluster(const store::Cluster& cluster) {
  Result<std::shared_ptr<ClusterClients>> clients = connections_.Get(cluster);
  if (!clients) {
    NoteOnce(cluster, clients.error().ToString());
    return 0;
  }
  std::shared_ptr<CloudActions> cloud = options_.cloud_actions(cluster, **clients);
  if (!cloud) {
    NoteOnce(cluster, "no AWS access configured");
    return 0;
  }
  ExecutorOptions executor_options{.tenant_id = cluster.tenant_id,
                                   .cluster_id = cluster.id,
                                   .cluster_name = cluster.name,
                                   .actor = "executor",
                                   .timeouts = options_.timeouts,
                                   .drain = options_.drain};
  Result<ExecutionPassResult> pass =
      RunExecutionPass(store_, cluster, *(*clients)->kube, *cloud, clock_, executor_options);
  if (!pass) {
    Log(LogLevel::kWarn, "execution pass failed",
        {{"cluster", cluster.id}, {"error", pass.error().ToString()}});
    return 0;
  }
  for (const PlanRunReport& report : pass->reports) {
    Log(LogLevel::kInfo, "plan run",
        {{"cluster", cluster.id},
         {"plan", report.plan_id},
         {"state", std::string(store::PlanStateName(report.state))},
         {"held", report.held ? "true" : "false"},
         {"reason", report.reason}});
  }
  return static_cast<int>(pass->reports.size());
}

int ExecutionWorker::RunOnce() {
  if (handlers_) handlers_->Sync(all_clusters_());
  int ran = 0;
  for (const store::Cluster& cluster : held_clusters_()) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    ran += RunCluster(cluster);
  }
  return ran;
}

void ExecutionWorker::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      RunOnce();
      lock.lock();
      wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
    }
  });
}

void ExecutionWorker::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace cloudoptim::controlplane
