#include "server/ml_api.h"

#include <map>
#include <mutex>
#include <optional>

#include "engines/binpack.h"
#include "engines/rightsize_nodes.h"
#include "engines/spot_optimize.h"
#include "risk/region_scoring.h"
#include "server/decision_request.h"
#include "server/json_fields.h"
#include "server/openapi.h"
#include "server/route_server.h"
#include "store/api_key.h"

namespace cloudoptim::server {

class MlApiServer::Impl {
 public:
  Impl(const Catalog& catalog, MlApiOptions options)
      : catalog_(catalog),
        options_(std::move(options)),
        metrics_(options_.metrics ? *options_.metrics : own_metrics_) {
    metrics_.Describe("cloudoptim_ml_decisions_total", MetricType::kCounter,
                      "Decision requests answered, by engine");
    metrics_.Describe("cloudoptim_ml_recommendations_total", MetricType::kCounter,
                      "Recommendations returned, by engine");
    if (!options_.token.empty()) token_hash_ = store::HashApiKey(options_.token);
    std::vector<Route> routes = Routes();
    openapi_ = BuildOpenApiDocument("CloudOptim ML API", "1.0.0", routes);
    server_.emplace(std::move(routes),
                    RouteServerOptions{.name = "ml",
                                       .bind_address = options_.bind_address,
                                       .port = options_.port,
                                       .max_body_bytes = options_.max_body_bytes,
                                       .threads = options_.threads,
                                       .access_log = options_.access_log,
                                       .metrics = &metrics_,
                                       .clock = &clock_},
                    [this](const std::string& key) -> Result<Principal> {
                      if (!token_hash_.empty() &&
                          store::ConstantTimeEquals(store::HashApiKey(key), token_hash_)) {
                        return Principal{.role = store::Role::kViewer};
                      }
                      return Unauthenticated("bad token");
                    });
  }

  RouteServer& server() { return *server_; }
  MetricsRegistry& metrics() { return metrics_; }

 private:
  std::vector<Route> Routes();
  Result<ApiReply> Decide(EngineName engine, EngineFunction run, const ApiRequest& request);
  // Scores of a region's pools from the catalogue alone, computed once per region.
  const PoolScoreTable& CatalogScores(const std::string& region);

  const Catalog& catalog_;
  MlApiOptions options_;
  SystemClock clock_;
  MetricsRegistry own_metrics_;
  MetricsRegistry& metrics_;
  std::string token_hash_;
  std::string openapi_;
  std::mutex scores_mutex_;
  std::map<std::string, PoolScoreTable> scores_by_region_;
  std::optional<RouteServer> server_;
};

const PoolScoreTable& MlApiServer::Impl::CatalogScores(const std::string& region) {
  std::lock_guard lock(scores_mutex_);
  auto it = scores_by_region_.find(region);
  if (it == scores_by_region_.end()) {
    it = scores_by_region_.emplace(region, ScoreRegion(catalog_, region, {})).first;
  }
  return it->second;
}

Result<ApiReply> MlApiServer::Impl::Decide(EngineName engine, EngineFunction run,
                                           const ApiRequest& request) {
  CO_ASSIGN_OR_RETURN(DecisionRequest decision, DecodeDecisionRequest(request.body));
  if (!catalog_.KnowsRegion(decision.snapshot.region)) {
    return InvalidArgument("snapshot.region: the catalogue does not know region \"" +
                           decision.snapshot.region + "\"");
  }
  const PoolScoreTable& scores =
      decision.pool_scores ? *decision.pool_scores : CatalogScores(decision.snapshot.region);
  EngineInput input{.snapshot = decision.snapshot,
                    .policy = decision.policy,
                    .catalog = catalog_,
                    .pool_scores = &scores,
                    .spot_prices = decision.spot_prices.empty() ? nullptr : &decision.spot_prices};
  Recommendations recommendations = run(input);
  MetricLabels labels = {{"engine", std::string(EngineNameString(engine))}};
  metrics_.Increment("cloudoptim_ml_decisions_total", labels);
  metrics_.Increment("cloudoptim_ml_recommendations_total", labels,
                     static_cast<double>(recommendations.items.size()));
  return ApiReply{200, RecommendationsToJson(recommendations), "application/json"};
}

std::vector<Route> MlApiServer::Impl::Routes() {
  Access decide_access = options_.token.empty() ? Access::kPublic : Access::kViewer;
  std::vector<FieldDoc> body = {
      {"version", "integer", false, "schema version, 1"},
      {"snapshot", "object", true, "the cluster (docs/design/server.md: decision requests)"},
      {"policy", "object", false, "thresholds and preferences; defaults when absent"},
      {"spot_prices", "array", false, "[{instance_type, zone, usd_per_hour}]"},
      {"pool_scores", "array", false, "[{instance_type, zone, safety_score, status, factors}]"}};
  struct EngineRoute {
    EngineName engine;
    EngineFunction run;
    const char* summary;
  };
  std::vector<Route> routes;
  for (EngineRoute e : {EngineRoute{EngineName::kSpotOptimize, RunSpotOptimize,
                                    "Spot/on-demand mix per node group under the safety layers"},
                        EngineRoute{EngineName::kBinPack, RunBinPack,
                                    "Provisioning for pending pods and node consolidation"},
                        EngineRoute{EngineName::kRightsize, RunRightsizeNodes,
                                    "Cheapest instance type and count per node group"}}) {
    routes.push_back(
        {.method = "POST",
         .path = "/api/v1/ml/decision/" + std::string(EngineNameString(e.engine)),
         .access = decide_access,
         .tag = "decisions",
         .summary = e.summary,
         .body = body,
         .handler = [this, e](const ApiRequest& r) { return Decide(e.engine, e.run, r); }});
  }
  routes.push_back(
      {.method = "GET",
       .path = "/api/v1/ml/health",
       .access = Access::kPublic,
       .tag = "health",
       .summary = "The engines this server runs",
       .handler = [](const ApiRequest&) -> Result<ApiReply> {
         Json body = {{"status", "ok"}, {"engines", {"spot-optimize", "bin-pack", "rightsize"}}};
         return ApiReply{200, body.dump(), "application/json"};
       }});
  routes.push_back({.method = "GET",
                    .path = "/metrics",
                    .access = Access::kPublic,
                    .tag = "health",
                    .summary = "Prometheus metrics (text format 0.0.4)",
                    .handler = [this](const ApiRequest&) -> Result<ApiReply> {
                      return ApiReply{200, metrics_.RenderText(), "text/plain; version=0.0.4"};
                    }});
  routes.push_back({.method = "GET",
                    .path = "/api/openapi.json",
                    .access = Access::kPublic,
                    .tag = "health",
                    .summary = "This API's OpenAPI 3 document",
                    .handler = [this](const ApiRequest&) -> Result<ApiReply> {
                      return ApiReply{200, openapi_, "application/json"};
                    }});
  return routes;
}

MlApiServer::MlApiServer(const Catalog& catalog, MlApiOptions options)
    : impl_(std::make_unique<Impl>(catalog, std::move(options))) {}
MlApiServer::~MlApiServer() { impl_->server().Stop(); }
Status MlApiServer::Start() { return impl_->server().Start(); }
int MlApiServer::port() const { return impl_->server().port(); }
void MlApiServer::Stop() { impl_->server().Stop(); }
MetricsRegistry& MlApiServer::metrics() { return impl_->metrics(); }

}  // namespace cloudoptim::server
