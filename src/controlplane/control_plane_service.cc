#include "controlplane/control_plane_service.h"

#include "execute/execution_settings.h"

#include "controlplane/control_plane_log.h"
#include "controlplane/remote_engine_runner.h"
#include "store/open_store.h"

namespace cloudoptim::controlplane {

Status ControlPlaneService::Start(const ControlPlaneConfig& config, store::SecretBox secret_box) {
  store::StoreOptions store_options;
  store_options.secret_box = std::move(secret_box);
  Result<std::unique_ptr<store::Store>> opened = store::OpenStore(config.store_url, store_options);
  if (!opened) return std::unexpected(Annotate(opened.error(), "store_url"));
  store_ = std::move(*opened);

  Result<Catalog> catalog = Catalog::Load(DefaultDataDirectory());
  if (!catalog) return std::unexpected(Annotate(catalog.error(), "instance catalogue"));
  catalog_ = std::move(*catalog);

  if (config.ml_server_url.empty()) {
    runner_ = std::make_unique<InProcessEngineRunner>(*catalog_);
  } else {
    ml_http_ = std::make_unique<CurlHttpClient>(
        CurlHttpClientOptions{.connect_timeout = std::chrono::seconds(5)});
    runner_ = std::make_unique<RemoteEngineRunner>(
        *ml_http_,
        RemoteEngineOptions{.base_url = config.ml_server_url, .token = config.ml_server_token});
  }
  // The API owns the metrics registry; the loop records into it, so it is built first and
  // the loop's hooks object is handed to it before the loop exists.
  EngineLoopOptions loop_options{.interval = config.engine_interval,
                                 .snapshot_resync = config.snapshot_resync};
  loop_ = std::make_unique<EngineLoop>(*store_, *catalog_, *runner_, RealClusterConnector(clock_),
                                       clock_, loop_options);
  ControlPlane::MlProbe probe;
  if (ml_http_) {
    probe = [http = ml_http_.get(), url = config.ml_server_url + "/api/v1/ml/health",
             token = config.ml_server_token]() -> Status {
      HttpRequest request{.url = url, .timeout = std::chrono::seconds(2)};
      if (!token.empty()) request.headers.Set("Authorization", "Bearer " + token);
      CO_ASSIGN_OR_RETURN(HttpResponse response, http->Send(request));
      if (!response.ok()) return std::unexpected(ErrorFromHttpStatus(request, response));
      return Ok();
    };
  }
  control_plane_ =
      std::make_unique<ControlPlane>(*loop_, *runner_, config.ml_server_url, std::move(probe));
  api_ = std::make_unique<server::CoreApiServer>(
      *store_, *control_plane_,
      server::CoreApiOptions{.bind_address = config.bind_address,
                             .port = config.core_port,
                             .operator_key = config.operator_key,
                             .clock = &clock_});
  metrics_ = std::make_unique<LoopMetrics>(api_->metrics());
  loop_->set_observer(metrics_.get());
  CO_RETURN_IF_ERROR(api_->Start());
  loop_->Start();
  StartExecution();
  control_plane_->SetReady(true);
  Log(LogLevel::kInfo, "control plane started",
      {{"api", config.bind_address + ":" + std::to_string(api_->port())},
       {"engines", runner_->mode()},
       {"replica", loop_->replica_id()},
       {"interval_seconds", std::to_string(config.engine_interval.count())}});
  return Ok();
}

// The acting side, over its own long-lived cluster clients (cluster_connections.h): the
// worker runs plans of the clusters this replica holds and starts one interruption handler
// per queue as clusters appear.
void ControlPlaneService::StartExecution() {
  connections_ = std::make_unique<ClusterConnections>(*store_, RealClusterConnector(clock_));
  EngineLoop* loop = loop_.get();
  directory_ = std::make_unique<CoreClusterDirectory>([loop] { return loop->Clusters(); },
                                                      *connections_, &*catalog_, &*store_);
  InterruptionHandlerOptions interruption;
  // Short long-polls: Stop() waits for them, and Ctrl-C should not take 20 s.
  interruption.pollers = 2;
  interruption.long_poll = std::chrono::seconds(5);
  interruption.log = [](std::string_view line) {
    Log(LogLevel::kInfo, "interruption", {{"event", std::string(line)}});
  };
  // Mode and kill switch as stored now (one small read per event): recommend-only clusters
  // are observed, not acted on, and a kill switch stops the very next event.
  store::Store* store = &*store_;
  interruption.responder.gate_config = [store](const ClusterHandle& cluster) {
    return LoadGateConfig(*store, cluster.tenant_id, cluster.cluster_id, cluster.name);
  };
  handlers_ = std::make_unique<InterruptionHandlers>(*store_, *directory_, *connections_, clock_,
                                                     std::move(interruption));
  worker_ = std::make_unique<ExecutionWorker>(
      *store_, [loop] { return loop->Clusters(/*held_only=*/true); },
      [loop] { return loop->Clusters(); }, *connections_, handlers_.get(), clock_);
  worker_->Start();
}

void ControlPlaneService::Stop() {
  if (control_plane_) control_plane_->SetReady(false);
  if (api_) api_->Stop();
  if (worker_) worker_->Stop();
  if (handlers_) handlers_->Stop();
  worker_.reset();
  handlers_.reset();
  directory_.reset();
  if (loop_) loop_->Stop();
  api_.reset();
  control_plane_.reset();
  loop_.reset();
  connections_.reset();
  metrics_.reset();
  runner_.reset();
  ml_http_.reset();
  store_.reset();
}

}  // namespace cloudoptim::controlplane
