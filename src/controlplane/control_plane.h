// The control plane as the core API sees it (server::ControlPlaneHooks): triggers, readiness,
// each cluster's loop status and where the engines run, all answered from the EngineLoop.
//
//   ControlPlane control_plane(loop, runner);
//   CoreApiServer api(*store, control_plane, options);
//   control_plane.SetReady(true);   // once the store is open and the loops run
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "controlplane/engine_loop.h"
#include "server/control_plane_hooks.h"

namespace cloudoptim::controlplane {

class ControlPlane final : public server::ControlPlaneHooks {
 public:
  // Asks the remote ML server whether it is healthy (a short GET); null in process.
  using MlProbe = std::function<Status()>;
  // `ml_url` is the remote ML server when the runner is remote, else empty.
  ControlPlane(EngineLoop& loop, const EngineRunner& runner, std::string ml_url = "",
               MlProbe ml_probe = nullptr)
      : loop_(loop), runner_(runner), ml_url_(std::move(ml_url)), ml_probe_(std::move(ml_probe)) {}

  Result<server::CycleOutcome> TriggerCycle(const std::string& tenant_id,
                                            const std::string& cluster_id) override {
    return loop_.RunNow(tenant_id, cluster_id);
  }
  bool Ready() const override { return ready_.load(); }
  std::optional<server::LoopStatus> GetLoopStatus(const std::string& tenant_id,
                                                  const std::string& cluster_id) const override {
    return loop_.GetStatus(tenant_id, cluster_id);
  }
  void OnClusterRegistered(const store::Cluster& cluster) override { loop_.AddCluster(cluster); }
  void OnSettingsChanged(const std::string& tenant_id, const std::string& cluster_id) override {
    (void)tenant_id;
    loop_.MarkDue(cluster_id);
  }
  server::MlHealth GetMlHealth() const override {
    server::MlHealth health;
    health.mode = runner_.mode();
    health.url = ml_url_;
    if (ml_probe_) {
      Status probed = ml_probe_();
      health.healthy = probed.has_value();
      if (!probed) health.detail = probed.error().ToString();
    }
    return health;
  }

  void SetReady(bool ready) { ready_ = ready; }

 private:
  EngineLoop& loop_;
  const EngineRunner& runner_;
  std::string ml_url_;
  MlProbe ml_probe_;
  std::atomic<bool> ready_{false};
};

}  // namespace cloudoptim::controlplane
