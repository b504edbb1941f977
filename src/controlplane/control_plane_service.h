// The whole control plane of one replica, wired: the store (migrated), the engine runner
// (in process or remote), the per-cluster engine loop, the execution worker (plans of the
// clusters whose lease this replica holds) with one interruption handler per queue, and the
// core API on top. Used by
// `cloudoptim core` and `cloudoptim demo`; Stop() takes it down in the reverse order.
//
//   ControlPlaneService service;
//   CO_RETURN_IF_ERROR(service.Start(config, std::move(secret_box)));
//   std::cout << "core API on port " << service.api_port() << "\n";
//   service.Stop();
#pragma once

#include <memory>
#include <optional>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "controlplane/cluster_connections.h"
#include "controlplane/control_plane.h"
#include "controlplane/control_plane_config.h"
#include "controlplane/core_cluster_directory.h"
#include "controlplane/engine_loop.h"
#include "controlplane/execution_worker.h"
#include "controlplane/interruption_handlers.h"
#include "controlplane/loop_metrics.h"
#include "net/curl_http_client.h"
#include "server/core_api.h"
#include "store/secret_box.h"
#include "store/store.h"

namespace cloudoptim::controlplane {

class ControlPlaneService {
 public:
  ControlPlaneService() = default;
  ~ControlPlaneService() { Stop(); }
  ControlPlaneService(const ControlPlaneService&) = delete;
  ControlPlaneService& operator=(const ControlPlaneService&) = delete;

  // Opens the store (migrations), loads the catalogue, starts the loops and the API.
  // The store's, the catalogue's or the API's error (naming what failed) otherwise.
  Status Start(const ControlPlaneConfig& config, store::SecretBox secret_box);
  // API stopped first (no new triggers), then the execution worker and the interruption
  // handlers, then the loops (joined), then the store closed.
  void Stop();

  int api_port() const { return api_ ? api_->port() : 0; }
  store::Store& store() { return *store_; }
  ControlPlane& control_plane() { return *control_plane_; }
  EngineLoop& loop() { return *loop_; }

 private:
  void StartExecution();

  SystemClock clock_;
  std::unique_ptr<store::Store> store_;
  std::optional<Catalog> catalog_;
  std::unique_ptr<CurlHttpClient> ml_http_;
  std::unique_ptr<EngineRunner> runner_;
  std::unique_ptr<EngineLoop> loop_;
  std::unique_ptr<ControlPlane> control_plane_;
  std::unique_ptr<server::CoreApiServer> api_;
  std::unique_ptr<LoopMetrics> metrics_;
  std::unique_ptr<ClusterConnections> connections_;
  std::unique_ptr<CoreClusterDirectory> directory_;
  std::unique_ptr<InterruptionHandlers> handlers_;
  std::unique_ptr<ExecutionWorker> worker_;
};

}  // namespace cloudoptim::controlplane
