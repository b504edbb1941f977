// Scores every spot pool of a region (each instance type × each zone offering it) from the
// catalogue plus whatever evidence we hold: price history and observed interruptions per pool.
// This is the one place the risk model meets the catalogue; risk_model.h stays plain data.
//
//   RegionEvidence evidence;                     // empty on day zero
//   evidence.price_history[{"m5.large", "us-east-1a"}] = points;
//   PoolScoreTable table = ScoreRegion(catalog, "us-east-1", evidence);
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "risk/pool_score.h"
#include "risk/risk_model.h"

namespace cloudoptim {

struct RegionEvidence {
  using PoolId = std::pair<std::string, std::string>;  // instance type, zone
  std::map<PoolId, std::vector<SpotPricePoint>> price_history;
  std::map<PoolId, InterruptionFeedback> feedback;
};

// The risk inputs of every pool of `region`, in catalogue order. The spans point into
// `evidence`, which must outlive the result.
std::vector<PoolRiskInput> RegionRiskInputs(const Catalog& catalog, std::string_view region,
                                            const RegionEvidence& evidence);

PoolScoreTable ScoreRegion(const Catalog& catalog, std::string_view region,
                           const RegionEvidence& evidence);

// The most recent price of every pool with price history, per hour: what engines take as the
// pool's spot price (EngineInput::spot_prices) instead of the catalogue's estimate.
std::map<RegionEvidence::PoolId, Money> LatestSpotPrices(const RegionEvidence& evidence);

}  // namespace cloudoptim
