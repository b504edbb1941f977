// The one signature every decision engine has: a pure function of its input. No I/O, no
// clock (snapshot.now is "now"), no global state — so engines run identically in the control
// plane, in the ML server and in tests.
//
//   EngineInput input{.snapshot = snapshot, .policy = policy, .catalog = catalog,
//                     .pool_scores = &scores};
//   Recommendations recs = RunBinPack(input);
#pragma once

#include <map>
#include <string>
#include <utility>

#include "catalog/catalog.h"
#include "engines/policy.h"
#include "engines/recommendation.h"
#include "model/snapshot.h"
#include "risk/pool_score.h"

namespace cloudoptim {

struct EngineInput {
  const Snapshot& snapshot;
  const Policy& policy;
  const Catalog& catalog;
  // Spot pool safety scores from the risk model; null means no spot pool is known to be safe
  // (engines then stay on on-demand).
  const PoolScoreTable* pool_scores = nullptr;
  // Latest spot price per pool (instance type, zone), per hour, e.g. from
  // DescribeSpotPriceHistory; null or a missing pool means the catalogue's estimate
  // (on-demand × Spot Advisor savings).
  const std::map<std::pair<std::string, std::string>, Money>* spot_prices = nullptr;
};

using EngineFunction = Recommendations (*)(const EngineInput& input);

}  // namespace cloudoptim
