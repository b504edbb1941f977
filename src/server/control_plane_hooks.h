// What the core API asks of the control plane: run an engine cycle now, say whether the
// service is ready, and report each cluster's loop. The control plane implements it; the
// server's tests use a hand-written fake. Calls come from API worker threads, concurrently.
//
//   class ControlPlane : public server::ControlPlaneHooks { ... };
//   CoreApiServer api(*store, control_plane, options);
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/money.h"
#include "store/store_types.h"

namespace cloudoptim::server {

// What one engine cycle produced (POST /api/v1/optimization/trigger answers with it).
struct CycleOutcome {
  std::string cluster_id;
  int recommendation_count = 0;  // recommendations the engines produced this cycle
  int inserted = 0;              // the store's UpsertSummary for them
  int updated = 0;
  int superseded = 0;
  Money monthly_savings;  // sum over the cycle's recommendations
  TimePoint started{};
  TimePoint finished{};
};

// The state of one cluster's loops, shown in the cluster detail view.
struct LoopStatus {
  bool running = false;  // the loops of this cluster are started
  std::optional<TimePoint> last_snapshot;
  std::optional<TimePoint> last_cycle;
  std::optional<TimePoint> next_cycle;
  std::chrono::milliseconds cycle_interval{0};
  std::string last_error;  // empty when the last attempt succeeded; shown to the tenant as is
  std::string replica;     // the control-plane replica running the loop, when known
  // When the status was written to the store, for a status another replica answers from the
  // stored row (then `running` says whether that row is recent enough to trust); unset when
  // the replica running the loop answers from memory.
  std::optional<TimePoint> updated;
};

// Where recommendations are computed: in this process or by a remote `cloudoptim ml-server`.
struct MlHealth {
  std::string mode = "in-process";  // "in-process" | "remote"
  std::string url;                  // the remote ML server, when remote
  bool healthy = true;
  std::string detail;  // why not healthy
  std::vector<std::string> engines = {"spot-optimize", "bin-pack", "rightsize"};
};

class ControlPlaneHooks {
 public:
  virtual ~ControlPlaneHooks() = default;

  // Runs one engine cycle for the cluster now and persists its recommendations; returns when
  // done. The server has already checked that the cluster is the tenant's. NotFound when the
  // control plane has no loop for it (yet); Unavailable when the cluster cannot be read (the
  // message is shown to the tenant, so it must not carry credentials); Aborted when a cycle
  // for the cluster is already running.
  virtual Result<CycleOutcome> TriggerCycle(const std::string& tenant_id,
                                            const std::string& cluster_id) = 0;
  // True once the control plane serves (store open, loops started): GET /readyz.
  virtual bool Ready() const = 0;

  // nullopt when the control plane runs no loop for that cluster.
  virtual std::optional<LoopStatus> GetLoopStatus(const std::string& tenant_id,
                                                  const std::string& cluster_id) const {
    (void)tenant_id;
    (void)cluster_id;
    return std::nullopt;
  }
  // Called after POST /api/v1/customer/onboard stored a new cluster, so its loops start
  // without waiting for the next scan of the store. Must not block for long.
  virtual void OnClusterRegistered(const store::Cluster& cluster) { (void)cluster; }
  // Called after PUT .../settings stored new settings for the cluster.
  virtual void OnSettingsChanged(const std::string& tenant_id, const std::string& cluster_id) {
    (void)tenant_id;
    (void)cluster_id;
  }
  // GET /api/v1/ml/health on the core API.
  virtual MlHealth GetMlHealth() const { return MlHealth{}; }
};

}  // namespace cloudoptim::server
