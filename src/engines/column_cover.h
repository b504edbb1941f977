// The bin packer's last thorough-effort move: the cheapest combination of good nodes seen by
// the search (a column pool: the plan's nodes and the nodes ruin and recreate accepted), found
// by rounding the set-cover LP over them (Clp) and repaired into a packing of every pod.
// Pure: resources, prices, a packing and a pool in, a cheaper packing of all the pods out.
//
//   std::vector<std::vector<int32_t>> nodes = ...;  // the zone's nodes, indices into requests
//   std::vector<std::vector<int32_t>> pool = ...;   // more nodes seen by the search
//   std::optional<ColumnCoverResult> r = CheaperCover(requests, types, nodes, pool, {});
//   if (r) { replace every node by r->repacking.nodes (types[n.type], n.pods) }
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/money.h"
#include "engines/repack_search.h"
#include "model/resources.h"

namespace cloudoptim {

// Work limits only (no clock), so the same input gives the same packing on any machine.
struct ColumnCoverLimits {
  // The LP over the whole pool picks the columns the rounding works on: at most this many,
  // those of least reduced cost.
  int32_t max_columns = 4000;
  // Simplex iterations of that LP, per pod shape; past it, nothing (a count, not a time).
  int64_t lp_iterations_per_shape = 20;
  // LP re-solves of the rounding (each fixes at least one more node), and of them rounds
  // down after a rounding up failed; past either, nothing.
  int32_t max_rounds = 200;
  int32_t max_backtracks = 3;
  // Simplex iterations of the rounding, per pod shape (a count, so the same on any machine):
  // a dive that succeeds measured 2-6 per shape on 1,000-4,000 generated pods.
  int64_t dive_iterations_per_shape = 6;
};

struct ColumnCoverResult {
  Repacking repacking;  // every pod, on nodes of their cheapest holders; pods index requests
  Money before;         // the given nodes at their cheapest holders
  int64_t columns = 0;  // distinct columns in the pool, the given nodes' included
  double lp_usd = 0;    // the set-cover LP's optimum over them (no cover of them costs less)
};

// A node costs the cheapest of `types` (sorted by price, cheapest first) that holds its pods.
// Returns a packing of all the pods that costs less than the given nodes, or nullopt (none
// found within the limits, a pod or a given node fits no type, a pod is on no given node or
// on two, or Clp failed). Pool entries that fit no type or name a pod out of range are ignored.
std::optional<ColumnCoverResult> CheaperCover(const std::vector<Resources>& requests,
                                              const std::vector<RepackType>& types,
                                              const std::vector<std::vector<int32_t>>& nodes,
                                              const std::vector<std::vector<int32_t>>& pool,
                                              const ColumnCoverLimits& limits = {});

}  // namespace cloudoptim
