// EngineRunner over a remote `cloudoptim ml-server`: each engine's request is POSTed to
// /api/v1/ml/decision/{spot-optimize,bin-pack,rightsize} in the shared codec
// (server/decision_request.h) with this cluster's pool scores and spot prices, so the
// remote engines decide exactly as the in-process ones would.
//
//   CurlHttpClient http;
//   RemoteEngineRunner runner(http, {.base_url = "http://ml:8001", .token = ""});
#pragma once

#include <chrono>
#include <string>

#include "controlplane/engine_runner.h"
#include "net/http_client.h"

namespace cloudoptim::controlplane {

struct RemoteEngineOptions {
  std::string base_url;  // "http://ml:8001", no trailing slash
  std::string token;     // Bearer token of the ML server, empty when it needs none
  std::chrono::milliseconds timeout = std::chrono::seconds(120);
};

class RemoteEngineRunner final : public EngineRunner {
 public:
  RemoteEngineRunner(HttpClient& http, RemoteEngineOptions options)
      : http_(http), options_(std::move(options)) {}
  // The first failing engine's error, annotated with its URL; a non-2xx answer is mapped by
  // ErrorFromHttpStatus (400 InvalidArgument, 5xx Unavailable...).
  Result<EngineCycleResult> Run(const EngineRunRequest& request) override;
  std::string mode() const override { return "remote"; }
  const std::string& url() const { return options_.base_url; }

 private:
  HttpClient& http_;
  RemoteEngineOptions options_;
};

}  // namespace cloudoptim::controlplane
