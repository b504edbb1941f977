#include "controlplane/remote_engine_runner.h"

#include "server/decision_request.h"

namespace cloudoptim::controlplane {

Result<EngineCycleResult> RemoteEngineRunner::Run(const EngineRunRequest& request) {
  // One body for the three calls: the engines see the same snapshot, as in process.
  std::string body = server::EncodeDecisionRequest({.snapshot = request.snapshot,
                                                    .policy = request.policy,
                                                    .spot_prices = request.spot_prices,
                                                    .pool_scores = request.pool_scores});
  Recommendations all;
  for (const char* engine : {"spot-optimize", "bin-pack", "rightsize"}) {
    HttpRequest http_request{.method = "POST",
                             .url = options_.base_url + "/api/v1/ml/decision/" + engine,
                             .headers = {{"Content-Type", "application/json"}},
                             .body = body,
                             .timeout = options_.timeout};
    if (!options_.token.empty()) {
      http_request.headers.Set("Authorization", "Bearer " + options_.token);
    }
    Result<HttpResponse> response = http_.Send(http_request);
    if (!response) {
      return std::unexpected(Annotate(response.error(), "ML server " + http_request.url));
    }
    if (!response->ok()) return std::unexpected(ErrorFromHttpStatus(http_request, *response));
    Result<Recommendations> decoded = RecommendationsFromJson(response->body);
    if (!decoded) {
      return std::unexpected(Annotate(decoded.error(), "ML server " + http_request.url));
    }
    for (Recommendation& r : decoded->items) all.items.push_back(std::move(r));
  }
  return SummarizeCycle(std::move(all));
}

}  // namespace cloudoptim::controlplane
