#include "engines/engine_cycle.h"

#include <utility>

#include "engines/binpack.h"
#include "engines/rightsize_nodes.h"
#include "engines/spot_optimize.h"

namespace cloudoptim {
namespace {

struct EngineEntry {
  EngineName name;
  EngineFunction run;
};

constexpr EngineEntry kEngineOrder[] = {
    {EngineName::kSpotOptimize, &RunSpotOptimize},
    {EngineName::kBinPack, &RunBinPack},
    {EngineName::kRightsize, &RunRightsizeNodes},
};

EngineSummary Summarize(EngineName engine, const Recommendations& recommendations) {
  EngineSummary summary{.engine = engine, .recommendation_count = recommendations.items.size()};
  const Recommendation* best = nullptr;
  for (const Recommendation& r : recommendations.items) {
    summary.monthly_savings += r.monthly_savings;
    if (best == nullptr || r.monthly_savings > best->monthly_savings) best = &r;
  }
  if (best != nullptr) summary.top_explanation = best->explanation;
  return summary;
}

}  // namespace

EngineCycleResult RunEngineCycle(const EngineInput& input) {
  EngineCycleResult result;
  for (const EngineEntry& entry : kEngineOrder) {
    Recommendations recommendations = entry.run(input);
    result.summaries.push_back(Summarize(entry.name, recommendations));
    for (Recommendation& r : recommendations.items) {
      result.recommendations.items.push_back(std::move(r));
    }
  }
  return result;
}

}  // namespace cloudoptim
