#include "controlplane/engine_runner.h"

namespace cloudoptim::controlplane {

Result<EngineCycleResult> InProcessEngineRunner::Run(const EngineRunRequest& request) {
  return RunEngineCycle({.snapshot = request.snapshot,
                         .policy = request.policy,
                         .catalog = catalog_,
                         .pool_scores = &request.pool_scores,
                         .spot_prices = &request.spot_prices});
}

EngineCycleResult SummarizeCycle(Recommendations recommendations) {
  EngineCycleResult result;
  for (EngineName engine :
       {EngineName::kSpotOptimize, EngineName::kBinPack, EngineName::kRightsize}) {
    EngineSummary summary{.engine = engine};
    Money best;
    for (const Recommendation& r : recommendations.items) {
      if (r.engine != engine) continue;
      ++summary.recommendation_count;
      summary.monthly_savings = summary.monthly_savings + r.monthly_savings;
      if (summary.top_explanation.empty() || best < r.monthly_savings) {
        best = r.monthly_savings;
        summary.top_explanation = r.explanation;
      }
    }
    result.summaries.push_back(std::move(summary));
  }
  result.recommendations = std::move(recommendations);
  return result;
}

}  // namespace cloudoptim::controlplane
