// Authenticated, retrying HTTP calls to one Kubernetes API server, on src/net's HttpClient.
// Adds the bearer token (refreshing it once on 401 when it can), retries connection errors,
// 5xx and (unless told not to) 429 with exponential backoff and jitter honouring Retry-After,
// and maps every failure through kube_error.h. Watches stream line by line.
//
//   auto client = KubeRestClient::Create(connection, clock);
//   Result<std::string> body = client->Call("GET", "/api/v1/nodes?limit=500");
//   Status s = client->StreamLines("/api/v1/pods?watch=1&resourceVersion=5",
//                                  [](std::string_view line) { return true; }, &stop);
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"
#include "kube/bearer_token_source.h"
#include "kube/cluster_connection.h"
#include "net/http_client.h"
#include "net/retry_policy.h"

namespace cloudoptim {

struct KubeRestOptions {
  RetryPolicy retry{.max_attempts = 5,
                    .initial_backoff = std::chrono::milliseconds(200),
                    .max_backoff = std::chrono::seconds(10),
                    .max_total = std::chrono::seconds(60)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(120)};
};

struct KubeCall {
  std::string method = "GET";
  std::string path;  // "/api/v1/nodes?limit=500"
  std::string body;
  std::string content_type;  // "application/merge-patch+json", ...
  // An eviction refused by a PodDisruptionBudget answers 429 too; retrying it now is pointless.
  bool retry_throttled = true;
};

class KubeRestClient {
 public:
  KubeRestClient(ClusterConnection connection, std::shared_ptr<HttpClient> http, Clock& clock,
                 KubeRestOptions options = {});
  // Builds a CurlHttpClient from the connection's TLS settings.
  static std::unique_ptr<KubeRestClient> Create(const ClusterConnection& connection, Clock& clock,
                                                KubeRestOptions options = {});

  // The response whatever its status, after retries; fails only without a response.
  Result<HttpResponse> Exchange(const KubeCall& call);
  // The body of a 2xx response, or the mapped error.
  Result<std::string> Call(const KubeCall& call);
  Result<std::string> Get(std::string path) { return Call(KubeCall{.path = std::move(path)}); }

  // GETs `path` and calls on_line for every complete line of the body as it arrives, until
  // the server ends the stream (Ok), on_line returns false (Ok), `cancelled` becomes true
  // (Cancelled) or the call fails (mapped error; no retries: the watcher reconnects).
  Status StreamLines(const std::string& path, const std::function<bool(std::string_view)>& on_line,
                     const std::atomic<bool>* cancelled, std::chrono::milliseconds timeout);

  const std::string& server() const { return connection_.server; }

 private:
  Result<HttpRequest> BuildRequest(const KubeCall& call);

  ClusterConnection connection_;
  std::shared_ptr<HttpClient> http_;
  Clock& clock_;
  KubeRestOptions options_;
  BearerTokenSource tokens_;
};

}  // namespace cloudoptim
