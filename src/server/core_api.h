// The core API (port 8000): the product's multi-tenant HTTP API over the Store — clusters,
// savings, recommendations (list, approve, reject), actions, audit log, safety violations,
// per-cluster settings, onboarding and tenant administration — plus /healthz, /readyz,
// /metrics and /api/openapi.json. Every request carries an API key (Authorization: Bearer
// or X-API-Key) and is scoped to that key's tenant; see docs/design/server.md.
//
//   CoreApiServer api(*store, control_plane, {.port = 0, .operator_key = key});
//   CO_RETURN_IF_ERROR(api.Start());        // binds, serves on background threads
//   std::cout << "http://127.0.0.1:" << api.port() << "\n";
//   api.metrics().SetGauge("cloudoptim_clusters", {}, 3);
//   api.Stop();
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "server/access_log.h"
#include "server/control_plane_hooks.h"
#include "server/metrics.h"
#include "store/store.h"

namespace cloudoptim::server {

struct CoreApiOptions {
  std::string bind_address = "127.0.0.1";
  int port = 8000;                      // 0 = any free port (see port() after Start)
  size_t max_body_bytes = 1024 * 1024;  // larger bodies get 413
  // Per-key token bucket: `rate_limit_per_second` tokens refill each second up to
  // `rate_limit_burst`; a request with no token left gets 429 with Retry-After.
  double rate_limit_per_second = 50;
  double rate_limit_burst = 100;
  // The service operator's key (plaintext, from config or env), compared in constant time.
  // Service-wide keys in the store (tenant-less, Role::kOperator) work too. Empty = only those.
  std::string operator_key;
  AccessLogSink access_log;            // null = no access log
  const Clock* clock = nullptr;        // rate limiting and timestamps; SystemClock when null
  MetricsRegistry* metrics = nullptr;  // shared registry; the server owns one when null
  size_t threads = 16;                 // worker threads
};

class CoreApiServer {
 public:
  // `store` and `hooks` must outlive the server.
  CoreApiServer(store::Store& store, ControlPlaneHooks& hooks, CoreApiOptions options);
  ~CoreApiServer();
  CoreApiServer(const CoreApiServer&) = delete;
  CoreApiServer& operator=(const CoreApiServer&) = delete;

  // Binds options.bind_address:options.port and serves on background threads. Unavailable
  // when the address cannot be bound (naming it); FailedPrecondition when already started.
  Status Start();
  // The bound port (the chosen one when options.port was 0); 0 before Start.
  int port() const;
  // Stops accepting, finishes in-flight requests, joins the threads. Safe to call twice.
  void Stop();
  // The registry /metrics renders; other modules may add their metrics to it.
  MetricsRegistry& metrics();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cloudoptim::server
