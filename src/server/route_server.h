// The HTTP layer both APIs share: serves a route table with cpp-httplib on a thread pool and
// does, for every request, in this order: body size limit (413), authentication (401), the
// per-key rate limit (429), the route's access check (403), the handler, the JSON error
// shape, the access log line and the request metrics.
//
//   RouteServer server(std::move(routes), options, authenticate);
//   CO_RETURN_IF_ERROR(server.Start());
//   int port = server.port();
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "server/access_log.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "server/route.h"

namespace cloudoptim::server {

// Checks a presented key (never empty): Unauthenticated when unknown or revoked.
using Authenticator = std::function<Result<Principal>(const std::string& presented_key)>;

struct RouteServerOptions {
  std::string name;  // "core" | "ml": the `server` label of metrics and logs
  std::string bind_address = "127.0.0.1";
  int port = 0;
  size_t max_body_bytes = 1024 * 1024;
  size_t threads = 8;
  AccessLogSink access_log;
  MetricsRegistry* metrics = nullptr;   // required
  const Clock* clock = nullptr;         // required
  std::optional<RateLimit> rate_limit;  // nullopt = unlimited
};

class RouteServer {
 public:
  RouteServer(std::vector<Route> routes, RouteServerOptions options, Authenticator authenticate);
  ~RouteServer();
  RouteServer(const RouteServer&) = delete;
  RouteServer& operator=(const RouteServer&) = delete;

  Status Start();
  int port() const;
  void Stop();
  const std::vector<Route>& routes() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The key a request presents: "Authorization: Bearer <key>" or "X-API-Key: <key>"; "" if none.
std::string PresentedKey(const std::string& authorization, const std::string& x_api_key);

}  // namespace cloudoptim::server
