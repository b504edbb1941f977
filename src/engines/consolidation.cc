#include "engines/consolidation.h"

namespace cloudoptim {

std::vector<std::unique_ptr<ConsolidationMethod>> ConsolidationMethods() {
  std::vector<std::unique_ptr<ConsolidationMethod>> methods;
  // The order matters: each method commits its actions before the next looks.
  //  1. emptiness   — nodes serving nothing: whole savings, no pod moves, no risk.
  methods.push_back(MakeEmptinessConsolidation());
  //  2. multi-node  — several light nodes at once: merges single-node moves cannot find.
  methods.push_back(MakeMultiNodeConsolidation());
  //  3. single-node — what is left, node by node: delete, else replace with a cheaper one.
  methods.push_back(MakeSingleNodeConsolidation());
  return methods;
}

std::vector<Recommendation> RunConsolidation(const EngineInput& input,
                                             const LaunchCatalog& launch) {
  ConsolidationContext context(input, launch);
  std::vector<Recommendation> out;
  for (const auto& method : ConsolidationMethods()) method->Run(context, &out);
  return out;
}

}  // namespace cloudoptim
