// Consolidation as a whole: runs the methods of consolidation_method.h in their order over
// one simulated cluster and returns their recommendations (delete, replace, merge).
//
//   LaunchCatalog launch = LaunchCatalog::Build(input);
//   std::vector<Recommendation> recs = RunConsolidation(input, launch);
#pragma once

#include <vector>

#include "engines/consolidation_method.h"

namespace cloudoptim {

std::vector<Recommendation> RunConsolidation(const EngineInput& input, const LaunchCatalog& launch);

}  // namespace cloudoptim
