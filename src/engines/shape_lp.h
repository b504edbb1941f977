// The shape LP over pod shapes and instance types, solved with Clp: the fractional packing
// that keeps every pod's CPU, memory and pod slot together. It is both a lower bound on the
// cost of any packing (ShapeLpBound) and the guide of the LP-guided packer, which reads from
// its solution how many pods of each shape should go to which type.
//
//   std::vector<PodShape> shapes = GroupShapes(pod_requests, 400);
//   Result<ShapeLpSolution> lp = SolveShapeLp(shapes, options);
//   for (auto [option, pods] : lp->placements[s]) ... pods of shape s on options[option] ...
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "common/error.h"
#include "engines/cost_lower_bound.h"
#include "model/resources.h"

namespace cloudoptim {

struct PodShape {
  Resources requests;  // cpu, memory and pod slots (at least 1)
  int64_t count = 0;
};

// What the LP's dual charges a pod for counting in one big-pod cut of a type: the cut says a
// node holds at most k pods above 1/(k+1) of its CPU (dim 0) or memory (dim 1).
struct CutPrice {
  int dim = 0;
  int k = 1;
  double usd = 0;
  bool Counts(const Resources& pod, const Resources& capacity) const;
};

struct ShapeLpSolution {
  double objective_usd = 0;
  // Per option: what the LP's duals charge for a unit of CPU (vCPU), memory (GiB) and a pod
  // slot on that type, scaled so a whole node never costs more than its price. Any such
  // prices give a lower bound on every packing (see ShapeLpDualBound).
  std::vector<std::array<double, 3>> unit_prices;
  // Per option, the cuts' prices, scaled with unit_prices so that capacity · unit price plus
  // Σ k · cut price never exceeds the node's price (empty without cuts).
  std::vector<std::vector<CutPrice>> cut_prices;
  std::vector<double> nodes;  // per option: the fractional number of nodes
  // Per shape: (option, fractional pod count) for every option the LP sends pods to.
  std::vector<std::vector<std::pair<int32_t, double>>> placements;
  // Per shape, the dual of its row: what one more pod of the shape would add to the optimum.
  // Without `exact_total`, objective_usd = Σ_s count_s · shape_prices[s].
  std::vector<double> shape_prices;
};

// Distinct shapes of `pods`, with `shape_of[i]` the shape of pod i. Pods are grouped on a
// grid (10m CPU, 16 MiB memory, doubled until there are at most `max_shapes`). kDown gives
// each shape the grid cell's lower corner, which keeps the LP a lower bound (any packing of
// the real pods also packs the smaller ones); kMean gives it its pods' mean request, a
// better guide for packing when the grid is coarse; kMin gives it the least CPU and the least
// memory among its pods, a lower bound like kDown but never below it.
enum class ShapeRounding { kDown, kMean, kMin };
std::vector<PodShape> GroupShapes(const std::vector<Resources>& pods, size_t max_shapes,
                                  std::vector<int32_t>* shape_of = nullptr,
                                  ShapeRounding rounding = ShapeRounding::kDown);

// min Σ p_t x_t  s.t.  Σ_t y_st = n_s,  Σ_s d_sr y_st ≤ c_tr x_t,  x, y ≥ 0, over the given
// shapes s and options t (y_st only where t holds a pod of shape s whole), plus the
// big-pod cuts: a node holds at most k pods that each take more than 1/(k+1) of its CPU (or
// of its memory), Σ_{s big} y_st ≤ k x_t for k = 1, 2, 3. The cuts are valid for every
// integer packing and close most of the gap the plain LP leaves on pods that are large
// against the types that can hold them (the LP would put 1.5 such pods on a node).
// InvalidArgument when a shape fits no option; Internal when Clp fails.
// `exact_total`, when given, is the pods' true total request: the nodes bought must cover it
// on every resource (Σ_t c_tr x_t ≥ total_r), which gives back what rounding shapes down
// took away (on a coarse grid the shapes alone can fall below the aggregate LP bound).
// `algorithm` says how Clp gets there (see ShapeLpAlgorithm); the optimum is the same, the
// vertex (which pods go to which types when several placements cost the same) may differ.
enum class ShapeLpAlgorithm {
  kDual,  // dual simplex from the slack basis
  // Clp's crash basis, then primal simplex: 1.5-3x faster on 100-1,000 pods over all types;
  // the packer no longer uses it (its vertices packed dearer than the dual's on a shortlist).
  kCrashPrimal,
  // The primal simplex from the greedy basis: every shape on the option that holds its pods
  // most cheaply (price × the largest share of the node one pod takes), and on each option
  // used just enough nodes for its most binding capacity or cut. That start is feasible and
  // near the optimum: 2-3x fewer iterations than the dual simplex from the slack basis.
  // Unscaled. The packer's LP for small batches (lp_type_assignment.cc says why there only).
  kGreedyPrimal,
};
Result<ShapeLpSolution> SolveShapeLp(const std::vector<PodShape>& shapes,
                                     const std::vector<PriceOption>& options,
                                     ShapeLpCuts cuts = ShapeLpCuts::kBigPods,
                                     const std::optional<Resources>& exact_total = std::nullopt,
                                     ShapeLpAlgorithm algorithm = ShapeLpAlgorithm::kDual);

// The shape LP the bounds start from (fluid unit prices): `pods` grouped into at most
// `max_shapes` mean shapes, no cuts, from Clp's crash basis (the LP over ~180 types is highly
// degenerate; its dual simplex took 6-13 s on 1,000 shapes, this 0.6 s).
Result<ShapeLpSolution> SolveFluidShapeLp(const std::vector<Resources>& pods, size_t max_shapes,
                                          const std::vector<PriceOption>& options);
// A solution's unit prices per CPU millicore, memory byte and slot (it gives them per vCPU,
// GiB and slot), the weights the node-value bounds take.
std::vector<std::array<double, 3>> PerUnitWeights(const ShapeLpSolution& lp);

// Whether adding `option` to an LP solved over other options could lower its optimum, given
// that LP's shape prices (duals): false only when that is proven impossible, i.e. when no
// fractional node of the option holds pods worth more than its price. One node's best worth
// is bounded by weighing its resources into one (λ CPU + μ memory + ν slots, a Lagrangian
// relaxation of the node's three capacities); a few weightings are tried, each a valid
// bound, and the cuts are ignored (they only lower the worth), so a "true" may be needless
// but a "false" is always right.
bool OptionMayLowerShapeLp(const std::vector<PodShape>& shapes,
                           const std::vector<double>& shape_prices, const PriceOption& option);

// The exact form of the test above, with the option's big-pod cuts: whether one node of the
// option holds pods worth more than its price at the shape prices, max Σ_s price_s y_s over
// its capacity and cuts (a small LP, solved with Clp). When not, the LP's solution is still
// optimal with the option added (the option's rows get duals that price its columns out), so
// adding it cannot lower the optimum. Slower than OptionMayLowerShapeLp; for the options it
// could not rule out.
bool OptionLowersShapeLp(const std::vector<PodShape>& shapes,
                         const std::vector<double>& shape_prices, const PriceOption& option);

// A lower bound on packing the exact `pods`, from any per-type unit prices w_t ≥ 0 with
// capacity_t · w_t ≤ price_t: every node of type t costs at least the w_t-value of its pods,
// so every packing costs at least Σ_pods min over the types that hold the pod of its value.
// Valid whatever produced the prices; the shape LP's duals (on mean shapes, where rounding
// would otherwise cost the bound) make it close to the LP over the exact pods.
double DualPriceBound(const std::vector<Resources>& pods, const std::vector<PriceOption>& options,
                      const std::vector<std::array<double, 3>>& unit_prices);
// The same with the cuts' prices too: a pod is also charged every cut of the type that counts
// it. Valid since a node of type t holds at most k pods any cut (dim, k) counts, so its pods'
// charges sum to at most capacity · unit price + Σ k · cut price ≤ price.
double DualPriceBound(const std::vector<Resources>& pods, const std::vector<PriceOption>& options,
                      const std::vector<std::array<double, 3>>& unit_prices,
                      const std::vector<std::vector<CutPrice>>& cut_prices);

}  // namespace cloudoptim
