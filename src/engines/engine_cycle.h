// One pass of every decision engine that exists over one snapshot, in the order they run,
// with their savings summed per engine. Used by `cloudoptim analyze` for its savings section
// (and, later, by the control plane's engine loop). Pure, like the engines it calls.
//
//   EngineCycleResult result = RunEngineCycle(input);
//   for (const EngineSummary& s : result.summaries) print(s.engine, s.monthly_savings);
#pragma once

#include <string>
#include <vector>

#include "engines/engine.h"

namespace cloudoptim {

struct EngineSummary {
  EngineName engine = EngineName::kBinPack;
  size_t recommendation_count = 0;
  Money monthly_savings;
  // The explanation of the recommendation that saves the most, empty when there is none.
  std::string top_explanation;
};

struct EngineCycleResult {
  std::vector<EngineSummary> summaries;  // one per engine, in run order
  Recommendations recommendations;       // all of them, in run order
};

// The engines, in the order they run. Spot-optimize first (it decides where capacity should
// come from), then bin-pack (which nodes are unnecessary), then node rightsizing (which types
// fit what remains). Each sees the same snapshot: their recommendations are alternatives to
// weigh, not a sequence to apply; the executor re-plans after each applied change.
EngineCycleResult RunEngineCycle(const EngineInput& input);

}  // namespace cloudoptim
