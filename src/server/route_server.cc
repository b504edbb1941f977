#include "server/route_server.h"

#include <httplib.h>

#include <atomic>
#include <thread>

#include "server/api_error.h"

namespace cloudoptim::server {
namespace {

constexpr char kJson[] = "application/json";

// What the access log and metrics need to know about the request this worker thread is
// serving. cpp-httplib calls the pre-routing handler, the route handler and the logger on
// the same thread for one request, so a thread-local carries it between them.
struct RequestTrace {
  std::chrono::steady_clock::time_point start;
  std::string route;
  std::string tenant_id;
  std::string key_id;
};
thread_local RequestTrace trace;

bool RoleAllows(Access access, store::Role role) {
  switch (access) {
    case Access::kPublic:
    case Access::kViewer:
      return true;
    case Access::kOperator:
      return role == store::Role::kOperator || role == store::Role::kAdmin;
    case Access::kAdmin:
      return role == store::Role::kAdmin;
    case Access::kService:
      return false;
  }
  return false;
}

// 403 bodies say which role the route needs and how to get it.
std::optional<Error> CheckAccess(const Route& route, const Principal& principal) {
  if (route.access == Access::kService) {
    if (principal.service) return std::nullopt;
    return Error{ErrorCode::kPermissionDenied,
                 "this route administers the service and needs the service operator key"};
  }
  if (principal.service) {
    return Error{ErrorCode::kPermissionDenied,
                 "the service operator key administers tenants; use a tenant's API key for "
                 "tenant data (POST /api/v1/service/tenants creates a tenant and its admin key)"};
  }
  if (RoleAllows(route.access, principal.role)) return std::nullopt;
  return Error{ErrorCode::kPermissionDenied,
               "this route needs the " + std::string(AccessName(route.access)) +
                   " role; this key has the " + std::string(store::RoleName(principal.role)) +
                   " role (ask a tenant admin for a key with that role)"};
}

void SendError(httplib::Response& res, const Error& error) {
  ApiError api_error = ToApiError(error);
  res.status = api_error.http_status;
  res.set_content(api_error.body, kJson);
}

}  // namespace

std::string PresentedKey(const std::string& authorization, const std::string& x_api_key) {
  static constexpr std::string_view kBearer = "Bearer ";
  if (authorization.starts_with(kBearer)) return authorization.substr(kBearer.size());
  return x_api_key;
}

class RouteServer::Impl {
 public:
  Impl(std::vector<Route> routes, RouteServerOptions options, Authenticator authenticate)
      : routes_(std::move(routes)),
        options_(std::move(options)),
        authenticate_(std::move(authenticate)) {
    if (options_.rate_limit) limiter_.emplace(*options_.clock, *options_.rate_limit);
    MetricsRegistry& m = *options_.metrics;
    m.Describe("cloudoptim_http_requests_total", MetricType::kCounter,
               "HTTP requests served, by server, route template, method and status");
    m.Describe("cloudoptim_http_request_duration_seconds", MetricType::kHistogram,
               "HTTP request latency from routing to response, by route and status");
  }

  Status Start();
  void Stop() {
    if (!server_) return;
    server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }
  int port() const { return port_; }
  const std::vector<Route>& routes() const { return routes_; }

 private:
  void Serve(const Route& route, const httplib::Request& req, httplib::Response& res);
  std::optional<Error> Authenticate(const Route& route, const httplib::Request& req,
                                    httplib::Response& res, Principal& principal);
  void Record(const httplib::Request& req, const httplib::Response& res);

  std::vector<Route> routes_;
  RouteServerOptions options_;
  Authenticator authenticate_;
  std::optional<RateLimiter> limiter_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};
  int port_ = 0;
};

Status RouteServer::Impl::Start() {
  if (server_) return FailedPrecondition("the " + options_.name + " API server already started");
  server_ = std::make_unique<httplib::Server>();
  size_t threads = std::max<size_t>(1, options_.threads);
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(options_.max_body_bytes);
  // Idle keep-alive connections hold a worker until they time out, and Stop() waits for them.
  server_->set_keep_alive_timeout(5);
  // Headers and body go out in two writes; with Nagle on, the body waits for the client's
  // delayed ACK of the headers (~40 ms per keep-alive request).
  server_->set_tcp_nodelay(true);
  server_->set_read_timeout(30, 0);
  server_->set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    trace = RequestTrace{.start = std::chrono::steady_clock::now()};
    return httplib::Server::HandlerResponse::Unhandled;
  });
  for (const Route& route : routes_) {
    auto handler = [this, &route](const httplib::Request& req, httplib::Response& res) {
      Serve(route, req, res);
    };
    std::string pattern = RoutePattern(route.path);
    if (route.method == "GET") server_->Get(pattern, handler);
    if (route.method == "POST") server_->Post(pattern, handler);
    if (route.method == "PUT") server_->Put(pattern, handler);
    if (route.method == "DELETE") server_->Delete(pattern, handler);
  }
  // Errors the HTTP layer produces itself (413, unknown routes) get the same JSON shape.
  // cpp-httplib refuses a POST/PUT that has neither Content-Length nor a chunked body (what
  // `curl -X POST` without -d sends) with a bare 400; say how to send an empty body.
  server_->set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req,
                                                                     httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const bool body_unframed = res.status == 400 && (req.method == "POST" || req.method == "PUT") &&
                               !req.has_header("Content-Length") &&
                               !req.has_header("Transfer-Encoding");
    std::string message = res.status == 413 ? "the request body is larger than this server accepts"
                          : res.status == 404 ? "no such route; see /api/openapi.json"
                          : body_unframed
                              ? "a " + req.method +
                                    " needs a Content-Length header; send an empty body as {} or "
                                    "with Content-Length: 0 (curl -d '')"
                              : "the request could not be handled";
    res.set_content(ErrorBody(res.status, SlugOfHttpStatus(res.status), message), kJson);
    return httplib::Server::HandlerResponse::Handled;
  }));
  server_->set_logger(
      [this](const httplib::Request& req, const httplib::Response& res) { Record(req, res); });
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.bind_address);
    if (port_ <= 0) {
      server_.reset();
      return Unavailable("cannot bind a port on " + options_.bind_address);
    }
  } else if (!server_->bind_to_port(options_.bind_address, options_.port)) {
    server_.reset();
    return Unavailable("cannot bind " + options_.bind_address + ":" +
                       std::to_string(options_.port) + " (is it in use? choose another port)");
  } else {
    port_ = options_.port;
  }
  listen_returned_ = false;
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_returned_ = true;
  });
  // httplib's stop() does nothing until the listening loop runs, so a Stop() right after
  // Start() would leave the thread serving forever (and the join hanging): wait for the loop.
  while (!server_->is_running() && !listen_returned_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Ok();
}

std::optional<Error> RouteServer::Impl::Authenticate(const Route& route,
                                                     const httplib::Request& req,
                                                     httplib::Response& res, Principal& principal) {
  if (route.access == Access::kPublic) return std::nullopt;
  std::string key =
      PresentedKey(req.get_header_value("Authorization"), req.get_header_value("X-API-Key"));
  if (key.empty()) {
    return Error{ErrorCode::kUnauthenticated,
                 "this route needs an API key: send \"Authorization: Bearer <key>\" or "
                 "\"X-API-Key: <key>\""};
  }
  Result<Principal> found = authenticate_(key);
  if (!found) {
    if (!IsUnauthenticated(found.error())) return PublicError(found.error());
    return Error{ErrorCode::kUnauthenticated,
                 "the API key is not valid (unknown or revoked); ask your tenant admin for a "
                 "new key"};
  }
  principal = std::move(*found);
  trace.tenant_id = principal.tenant_id;
  trace.key_id = principal.key_id;
  if (limiter_) {
    if (auto wait = limiter_->TryTake(principal.key_id.empty() ? "operator" : principal.key_id)) {
      res.set_header("Retry-After", std::to_string(wait->count()));
      return Error{ErrorCode::kResourceExhausted, "too many requests with this key; retry after " +
                                                      std::to_string(wait->count()) +
                                                      " s (see the Retry-After header)"};
    }
  }
  return CheckAccess(route, principal);
}

void RouteServer::Impl::Serve(const Route& route, const httplib::Request& req,
                              httplib::Response& res) {
  trace.route = route.path;
  Principal principal;
  if (std::optional<Error> denied = Authenticate(route, req, res, principal)) {
    return SendError(res, *denied);
  }
  ApiRequest request{.method = req.method, .body = req.body, .principal = std::move(principal)};
  std::vector<std::string> names = RouteParameters(route.path);
  for (size_t i = 0; i < names.size() && i + 1 < req.matches.size(); ++i) {
    request.path_params[names[i]] = req.matches[i + 1].str();
  }
  for (const auto& [name, value] : req.params) request.query.try_emplace(name, value);
  Result<ApiReply> reply = route.handler(request);
  if (!reply) return SendError(res, PublicError(reply.error()));
  res.status = reply->status;
  res.set_content(std::move(reply->body), reply->content_type);
}

void RouteServer::Impl::Record(const httplib::Request& req, const httplib::Response& res) {
  // Requests httplib rejects before routing (a malformed request line) have no start time.
  auto latency = trace.start == std::chrono::steady_clock::time_point{}
                     ? std::chrono::microseconds(0)
                     : std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - trace.start);
  std::string route = trace.route.empty() ? "unmatched" : trace.route;
  std::string status = std::to_string(res.status);
  MetricLabels labels = {
      {"server", options_.name}, {"route", route}, {"method", req.method}, {"status", status}};
  options_.metrics->Increment("cloudoptim_http_requests_total", labels);
  options_.metrics->Observe("cloudoptim_http_request_duration_seconds", labels,
                            static_cast<double>(latency.count()) / 1e6);
  if (options_.access_log) {
    AccessLogEntry entry{.time = options_.clock->Now(),
                         .server = options_.name,
                         .method = req.method,
                         .route = route,
                         .status = res.status,
                         .latency = latency,
                         .tenant_id = trace.tenant_id,
                         .key_id = trace.key_id};
    if (res.status >= 400) entry.error_code = std::string(SlugOfHttpStatus(res.status));
    options_.access_log(FormatAccessLog(entry));
  }
  trace = RequestTrace{};
}

RouteServer::RouteServer(std::vector<Route> routes, RouteServerOptions options,
                         Authenticator authenticate)
    : impl_(
          std::make_unique<Impl>(std::move(routes), std::move(options), std::move(authenticate))) {}
RouteServer::~RouteServer() { impl_->Stop(); }
Status RouteServer::Start() { return impl_->Start(); }
int RouteServer::port() const { return impl_->port(); }
void RouteServer::Stop() { impl_->Stop(); }
const std::vector<Route>& RouteServer::routes() const { return impl_->routes(); }

}  // namespace cloudoptim::server
