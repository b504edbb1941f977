// Where an instance of a plan may go instead: the pools of instance types similar to its own
// (same vCPUs, architecture and GPUs, memory within 25%, current generation) that the
// region offers, with their safety scores. The repair of unsafe plans picks from these.
//
//   PoolFinder finder(catalog, scores, "us-east-1", policy.safety);
//   for (const PoolCandidate& c : finder.SafeSpotPools("m5.large")) ...  // safest first
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "engines/policy.h"
#include "model/node.h"
#include "risk/pool_score.h"

namespace cloudoptim {

struct PoolCandidate {
  std::string instance_type;
  std::string availability_zone;
  double safety_score = 0;  // spot: the risk model's score; on-demand: 1
  bool same_type = false;   // the type asked about itself
};

// Catalogue types that can stand in for `type`: itself first, then by name. A type the
// catalogue does not know stands only for itself.
std::vector<std::string> SimilarTypeNames(const Catalog& catalog, std::string_view type);

class PoolFinder {
 public:
  PoolFinder(const Catalog& catalog, const PoolScoreTable& scores, std::string region,
             SafetyThresholds thresholds);

  // Every scored spot pool of a similar type in the region, safest first (then the type
  // itself before others, then type and zone names).
  std::vector<PoolCandidate> ScoredSpotPools(std::string_view type) const;
  // Those scoring at least min_pool_safety_score.
  std::vector<PoolCandidate> SafeSpotPools(std::string_view type) const;
  // On-demand pools of similar types in zones offering them: the type itself first.
  std::vector<PoolCandidate> OnDemandPools(std::string_view type) const;
  std::vector<PoolCandidate> Pools(std::string_view type, CapacityType capacity) const;
  // The type of the same family and architecture with half the vCPUs and half the memory
  // (m5.4xlarge -> m5.2xlarge), or empty when the family has none.
  std::string HalfSizeType(std::string_view type) const;

  const std::string& region() const { return region_; }
  const SafetyThresholds& thresholds() const { return thresholds_; }
  const PoolScoreTable& scores() const { return scores_; }

 private:
  // Zones of the region offering `type`: the catalogue's offerings, else the zones the score
  // table knows for it.
  std::vector<std::string> ZonesFor(const std::string& type) const;

  const Catalog& catalog_;
  const PoolScoreTable& scores_;
  std::string region_;
  SafetyThresholds thresholds_;
};

}  // namespace cloudoptim
