// The bin packer's large-neighbourhood move: ruin several related nodes of a zone and recreate
// their pods by randomized greedy insertion, accepting by simulated annealing on the cost.
// Pure: resources, prices and a current packing in, a cheaper replacement for some nodes out.
//
//   std::vector<std::vector<int32_t>> nodes = ...;  // the zone's nodes, as indices into requests
//   int64_t budget = 2'000'000;                      // search steps, spent deterministically
//   std::optional<RuinRecreateResult> r = RuinAndRecreate(requests, types, nodes, budget, 7);
//   if (r) { replace nodes r->replaced by r->repacking.nodes (types[n.type], n.pods) }
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/money.h"
#include "engines/repack_search.h"
#include "model/resources.h"

namespace cloudoptim {

struct RuinRecreateResult {
  std::vector<int32_t> replaced;  // indices of the given nodes whose pods moved
  Repacking repacking;            // what replaces them; pods index the requests
  Money before;                   // the replaced nodes at their cheapest holders
  int64_t iterations = 0;         // ruin-and-recreate steps tried, for reports
};

// A node costs the cheapest of `types` (sorted by price, cheapest first) that holds its pods.
// Returns the best packing found that costs less than the given one, as the nodes it replaces
// and their replacements (nodes not listed keep their pods), or nullopt. Every pod must fit
// some type and every given node must fit one (else nullopt). Work is counted in `budget`
// (spent down to zero at most by one step's worth); randomness comes from `seed` only, so the
// same input gives the same answer on any machine. When `accepted_nodes` is given, every node
// an accepted step created is appended to it (its pods, as indices into the requests): the
// column pool of the set cover (column_cover.h).
std::optional<RuinRecreateResult> RuinAndRecreate(
    const std::vector<Resources>& requests, const std::vector<RepackType>& types,
    const std::vector<std::vector<int32_t>>& nodes, int64_t& budget, uint64_t seed,
    std::vector<std::vector<int32_t>>* accepted_nodes = nullptr);

}  // namespace cloudoptim
