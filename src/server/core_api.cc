#include "server/core_api.h"

#include <optional>

#include "server/core_routes.h"
#include "server/openapi.h"
#include "server/route_server.h"
#include "store/api_key.h"

namespace cloudoptim::server {

class CoreApiServer::Impl {
 public:
  Impl(store::Store& store, ControlPlaneHooks& hooks, CoreApiOptions options)
      : options_(std::move(options)),
        clock_(options_.clock ? *options_.clock : system_clock_),
        metrics_(options_.metrics ? *options_.metrics : own_metrics_),
        context_{store, hooks, clock_, metrics_} {
    if (!options_.operator_key.empty())
      operator_key_hash_ = store::HashApiKey(options_.operator_key);
    std::vector<Route> routes = ServiceRoutes();
    for (auto group :
         {ClusterRoutes, RecommendationRoutes, RecordRoutes, TenantRoutes, KillSwitchRoutes}) {
      for (Route& route : group(context_)) routes.push_back(std::move(route));
    }
    openapi_ = BuildOpenApiDocument("CloudOptim core API", CoreApiVersion(), routes);
    server_.emplace(std::move(routes),
                    RouteServerOptions{.name = "core",
                                       .bind_address = options_.bind_address,
                                       .port = options_.port,
                                       .max_body_bytes = options_.max_body_bytes,
                                       .threads = options_.threads,
                                       .access_log = options_.access_log,
                                       .metrics = &metrics_,
                                       .clock = &clock_,
                                       .rate_limit = RateLimit{options_.rate_limit_per_second,
                                                               options_.rate_limit_burst}},
                    [this](const std::string& key) { return Authenticate(key); });
  }

  RouteServer& server() { return *server_; }
  MetricsRegistry& metrics() { return metrics_; }

 private:
  static std::string CoreApiVersion() { return "1.0.0"; }

  // The configured operator key first (constant-time on the hashes), then the store's keys;
  // a tenant-less store key is a service key too.
  Result<Principal> Authenticate(const std::string& key) {
    if (!operator_key_hash_.empty() &&
        store::ConstantTimeEquals(store::HashApiKey(key), operator_key_hash_)) {
      return Principal{.role = store::Role::kOperator, .service = true};
    }
    CO_ASSIGN_OR_RETURN(store::ApiKeyRecord record,
                        context_.store.tenants().AuthenticateApiKey(key));
    return Principal{.tenant_id = record.tenant_id,
                     .role = record.role,
                     .key_id = record.key_id,
                     .service = record.tenant_id.empty()};
  }

  std::vector<Route> ServiceRoutes() {
    return {
        {.method = "GET",
         .path = "/healthz",
         .access = Access::kPublic,
         .tag = "health",
         .summary = "Liveness: the process serves HTTP",
         .handler = [](const ApiRequest&) -> Result<ApiReply> {
           return JsonReply({{"status", "ok"}});
         }},
        {.method = "GET",
         .path = "/readyz",
         .access = Access::kPublic,
         .tag = "health",
         .summary = "Readiness: the control plane has started (503 until then)",
         .handler = [this](const ApiRequest&) -> Result<ApiReply> {
           bool ready = context_.hooks.Ready();
           return JsonReply({{"status", ready ? "ready" : "starting"}}, ready ? 200 : 503);
         }},
        {.method = "GET",
         .path = "/metrics",
         .access = Access::kPublic,
         .tag = "health",
         .summary = "Prometheus metrics (text format 0.0.4)",
         .handler = [this](const ApiRequest&) -> Result<ApiReply> {
           return ApiReply{200, metrics_.RenderText(), "text/plain; version=0.0.4"};
         }},
        {.method = "GET",
         .path = "/api/openapi.json",
         .access = Access::kPublic,
         .tag = "health",
         .summary = "This API's OpenAPI 3 document",
         .handler = [this](const ApiRequest&) -> Result<ApiReply> {
           return ApiReply{200, openapi_, "application/json"};
         }},
    };
  }

  CoreApiOptions options_;
  SystemClock system_clock_;
  MetricsRegistry own_metrics_;
  const Clock& clock_;
  MetricsRegistry& metrics_;
  CoreContext context_;
  std::string operator_key_hash_;
  std::string openapi_;
  std::optional<RouteServer> server_;
};

CoreApiServer::CoreApiServer(store::Store& store, ControlPlaneHooks& hooks, CoreApiOptions options)
    : impl_(std::make_unique<Impl>(store, hooks, std::move(options))) {}
CoreApiServer::~CoreApiServer() { impl_->server().Stop(); }
Status CoreApiServer::Start() { return impl_->server().Start(); }
int CoreApiServer::port() const { return impl_->server().port(); }
void CoreApiServer::Stop() { impl_->server().Stop(); }
MetricsRegistry& CoreApiServer::metrics() { return impl_->metrics(); }

}  // namespace cloudoptim::server
