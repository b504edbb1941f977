// Which instance type each pod should go to, read from the shape LP: the LP-guided packer
// opens nodes of the type a pod is assigned and packs pods of one type together.
//
//   ShapeLpTypes lp = AssignTypesByShapeLp(pod_requests, options, 150);
//   if (lp.type_of[i] >= 0) ... options[lp.type_of[i]] is where pod i should go ...
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "engines/cost_lower_bound.h"
#include "engines/shape_lp.h"
#include "model/resources.h"

namespace cloudoptim {

// Indices of the options no other option dominates (at least as much of every resource, no
// dearer; among equal ones the first), cheapest first.
std::vector<size_t> NonDominatedIndices(const std::vector<PriceOption>& options);
// The same, looking only at `among` (indices in increasing order), which must hold every
// option the call above would keep: e.g. the options no other option of their own kind
// dominates. An option is dropped exactly when a cheaper-first kept one dominates it, and
// whatever dominates a dropped option dominates what it dominated, so the answer is equal.
std::vector<size_t> NonDominatedIndices(const std::vector<PriceOption>& options,
                                        const std::vector<size_t>& among);

// The options worth offering an LP over these shapes: for every shape the few cheapest per
// pod, and the few cheapest for the whole batch, among the non-dominated ones.
std::vector<size_t> CandidateOptionIndices(const std::vector<PodShape>& shapes,
                                           const std::vector<PriceOption>& options);

// The shape LP over `candidates` (indices into `options`), with big-pod cuts: first solved
// over a shortlist (per shape the cheapest option per pod, and the few cheapest for the whole
// batch), then every candidate left out is priced against the shortlist LP's shape prices
// and those that might lower its optimum are added and the LP solved again, until none
// might. Same optimum as the LP over all candidates, at a fraction of the time (Clp's time
// grows with every column, and the LP uses a handful of types). `solved_over` receives the
// options of the last LP, cheapest first: the solution's option indices point into it.
// `price_exactly`: a candidate the quick test (OptionMayLowerShapeLp) cannot rule out is
// then priced exactly (OptionLowersShapeLp) before the LP is solved again; off by default
// (see kPriceLeftOutExactly in lp_type_assignment.cc).
Result<ShapeLpSolution> SolveShapeLpOverShortlist(const std::vector<PodShape>& shapes,
                                                  const std::vector<PriceOption>& options,
                                                  const std::vector<size_t>& candidates,
                                                  ShapeLpAlgorithm algorithm,
                                                  std::vector<size_t>* solved_over,
                                                  bool price_exactly = false);

// What the shape LP says about a batch: per pod, the index into `options` it sends the pod to
// (-1 for every pod when the LP cannot be solved: the caller then packs without a guide), and
// the LP's optimum.
struct ShapeLpTypes {
  std::vector<int32_t> type_of;
  std::optional<double> objective_usd;  // per hour; unset when the LP was not solved
};

// The shape LP's type per pod (with big-pod cuts). Pods are grouped into at most
// `max_shapes` shapes; the LP's fractional pod counts per (shape, type) are rounded by largest
// remainder so that every pod gets exactly one type, and within a shape the largest pods go
// first to the type with the largest share. The LP is solved by the dual simplex, for
// batches of up to 5,000 pods over a shortlist (SolveShapeLpOverShortlist); up to 100 pods by
// the primal simplex from the greedy basis, with exact pricing. `undominated_among`, when
// given, is NonDominatedIndices' `among` (saves a pass over a whole catalogue).
ShapeLpTypes AssignTypesByShapeLp(const std::vector<Resources>& pods,
                                  const std::vector<PriceOption>& options, size_t max_shapes,
                                  const std::vector<size_t>* undominated_among = nullptr);

}  // namespace cloudoptim
