// Lower bounds on what running a set of pods must cost, to judge how close a packing is to
// optimal: the per-resource bound (each resource bought at its cheapest unit price), the LP
// relaxation over instance types (Clp), and for small sets the exact optimum (CBC).
//
//   std::vector<PriceOption> options = OnDemandOptions(launch);
//   Money floor = PerResourceBound(total_requests, options);
//   Result<Money> lp = LpRelaxationBound(total_requests, options);
//   Result<ExactPacking> best = ExactOptimum(pod_requests, options, 30.0);
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "common/money.h"
#include "engines/launch_catalog.h"
#include "model/resources.h"

namespace cloudoptim {

enum class ShapeLpCuts { kNone, kBigPods };  // see ShapeLpBound

struct PriceOption {
  std::string name;
  Resources allocatable;
  Money hourly;
};

// Every launchable type at its on-demand price.
std::vector<PriceOption> OnDemandOptions(const LaunchCatalog& launch);
// Drops options another option dominates (at least as much of every resource, no dearer):
// they are never needed in an optimal packing, and the MIP gets much smaller.
std::vector<PriceOption> NonDominated(std::vector<PriceOption> options);

// max over CPU, memory and pod slots of demand × the cheapest price per unit of it.
Money PerResourceBound(const Resources& demand, const std::vector<PriceOption>& options);

// min Σ price_t·x_t  s.t. Σ capacity_t,r·x_t ≥ demand_r (CPU, memory, pods), x_t ≥ 0.
// Never below PerResourceBound. Internal when Clp fails (it should not on this LP).
Result<Money> LpRelaxationBound(const Resources& demand, const std::vector<PriceOption>& options);

// A tighter LP bound that keeps each pod's shape: pods may be split across instance types (it
// is still a relaxation) but every fraction of a pod brings its CPU, memory and pod slot
// along, and a pod only goes to types that could hold it whole. The aggregate LP above can
// buy CPU from a tiny burstable type and memory from another, which no packing can do.
//   min Σ p_t x_t  s.t.  Σ_t y_st = n_s,  Σ_s d_sr y_st ≤ c_tr x_t,  x, y ≥ 0
// over distinct pod shapes s and the non-dominated types t. With many distinct shapes the
// requests are rounded down onto a grid (at most 400 shapes), which keeps it a lower bound;
// the nodes must still cover the exact total request (so it is never below the aggregate LP).
// With ShapeLpCuts::kBigPods it also knows that a node holds at most one pod above half its
// CPU (or memory), two above a third, three above a quarter: still a valid lower bound on
// every packing, and much tighter when pods are large (see shape_lp.h).
Result<Money> ShapeLpBound(const std::vector<Resources>& pods,
                           const std::vector<PriceOption>& options,
                           ShapeLpCuts cuts = ShapeLpCuts::kNone);

// The shape LP over the exact pods, without grouping them onto a grid: the LP is solved on
// mean-request shapes, and its duals (unit prices per type) are then charged to every real
// pod (DualPriceBound in shape_lp.h). Valid for any grouping; close to the exact-pod LP when
// the mean shapes are close to the pods. No big-pod cuts.
// With ShapeLpCuts::kBigPods the LP has the big-pod cuts and each pod is also charged the
// cuts' duals of the type that counts it as big (still valid: see DualPriceBound).
Result<Money> ShapeLpDualBound(const std::vector<Resources>& pods,
                               const std::vector<PriceOption>& options,
                               ShapeLpCuts cuts = ShapeLpCuts::kNone);

struct ExactPacking {
  Money hourly;      // the best packing found
  Money best_bound;  // CBC's proven lower bound (== hourly when proven optimal)
  bool proven_optimal = false;
  std::vector<std::string> node_types;
};

// The cheapest assignment of pods (resource requests only: no placement constraints) to
// nodes, by CBC on a slot model: up to one node per pod, each slot picks at most one type,
// each pod one slot. Meant for ≤ 30 pods and a few dozen options; `time_limit_seconds`
// bounds the search (then proven_optimal is false and best_bound says how far it could be).
Result<ExactPacking> ExactOptimum(const std::vector<Resources>& pods,
                                  const std::vector<PriceOption>& options,
                                  double time_limit_seconds);

}  // namespace cloudoptim
