// The ML API (port 8001): the decision engines as a stateless HTTP service — a snapshot and a
// policy in (decision_request.h), recommendations out (RecommendationsToJson) — for
// POST /api/v1/ml/decision/{spot-optimize,bin-pack,rightsize}, plus GET /api/v1/ml/health,
// /metrics and /api/openapi.json. The control plane calls it in remote-ML mode.
//
//   MlApiServer ml(catalog, {.port = 0});
//   CO_RETURN_IF_ERROR(ml.Start());
//   // POST http://127.0.0.1:<ml.port()>/api/v1/ml/decision/bin-pack  body:
//   EncodeDecisionRequest(r) ml.Stop();
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "common/error.h"
#include "server/access_log.h"
#include "server/metrics.h"

namespace cloudoptim::server {

struct MlApiOptions {
  std::string bind_address = "127.0.0.1";
  int port = 8001;                           // 0 = any free port
  size_t max_body_bytes = 64 * 1024 * 1024;  // snapshots of large clusters are big
  // When set, every route but /healthz-like health needs "Authorization: Bearer <token>".
  std::string token;
  AccessLogSink access_log;
  MetricsRegistry* metrics = nullptr;  // the server owns one when null
  size_t threads = 4;                  // engine runs are CPU-bound
};

class MlApiServer {
 public:
  // `catalog` must outlive the server.
  MlApiServer(const Catalog& catalog, MlApiOptions options);
  ~MlApiServer();
  MlApiServer(const MlApiServer&) = delete;
  MlApiServer& operator=(const MlApiServer&) = delete;

  Status Start();  // as CoreApiServer::Start
  int port() const;
  void Stop();
  MetricsRegistry& metrics();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cloudoptim::server
