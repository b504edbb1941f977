// The bin-pack engine: provisioning for pending pods, then consolidation of the running
// nodes (emptiness, multi-node, single-node), as one pure function of its input.
//
//   Recommendations recs = RunBinPack(EngineInput{snapshot, policy, catalog, &scores});
#pragma once

#include "engines/engine.h"

namespace cloudoptim {

Recommendations RunBinPack(const EngineInput& input);

}  // namespace cloudoptim
