// The configuration LP (Gilmore–Gomory) over node configurations — an instance type with a
// multiset of pod shapes that fits on it — solved by column generation with Clp and a
// bounded-knapsack pricing per type. It is a far tighter lower bound than the shape LP (a
// fraction of a configuration still holds whole pods) and a packing guide: its fractional
// configuration counts, floored, are nodes the packer can open as they are.
//
//   ConfigLpLimits limits;
//   limits.time_limit_seconds = 5.0;
//   Result<ConfigLpSolution> lp = SolveConfigLp(GroupShapes(pods, 2000), NonDominated(options),
//                                               limits);
//   double valid_bound = lp->lower_bound_usd;  // whether or not it converged
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "common/error.h"
#include "engines/cost_lower_bound.h"
#include "engines/shape_lp.h"
#include "model/resources.h"

namespace cloudoptim {

// Work and time limits. The work limits make the outcome deterministic (the packer relies on
// that: the same pods give the same plan); the time limit, when set, is a safety net.
struct ConfigLpLimits {
  int32_t max_iterations = 200;
  // Search nodes of one knapsack (one type, one iteration); past it the type's pricing is a
  // heuristic and its value only bounded, not exact.
  int64_t max_knapsack_nodes = 20000;
  // Columns added per iteration (the most negative reduced costs first).
  int32_t max_columns_per_iteration = 40;
  // Fills offered per searched type and iteration: the best and the runners-up its search
  // found on the way (more columns per iteration, fewer iterations).
  int32_t columns_per_type = 1;
  std::optional<double> time_limit_seconds;  // CPU seconds of this thread
  // The pods' true total request: the nodes bought must cover it on every resource. Valid
  // for any packing of the real pods; it gives back part of what rounding shapes down took.
  std::optional<Resources> exact_total;
  // Dual prices per shape to start from (any non-negative prices are valid; good ones, such
  // as the shape LP's unit prices charged to each shape, make the first bounds strong).
  std::vector<double> initial_duals;
  // Dual-optimal inequalities: when shape i is at least as large as shape j in every
  // resource, π_i ≥ π_j at some optimum, so the master may use a cover of i for j (a zero-cost
  // column). Same LP optimum, far fewer iterations (Ben Amor, Desrosiers, Valério de Carvalho
  // 2006). Their columns are not configurations and are not reported in `configs`.
  bool dual_inequalities = false;
  // When a type's branch and bound gives up, bound its knapsack by a DP on a grid of
  // 64 × 64 cells (GridKnapsackBound): a much tighter Farley bound on small types, and a
  // proof of optimality when it meets the best fill found. Costs ~4,000 cells per item.
  bool grid_knapsack_bound = false;
  // Tighten θ by the grid DP (SolveKnapsackDp) on the types that set it, one at a time,
  // when the searches find no column to add and the Farley bound could rise: exact on small
  // types whose requests share divisors (pods in 50m CPU steps), and its best fill joins the
  // columns. Types whose grid would round away more than `dp_max_grid_loss` of a typical
  // fill keep their LP bounds (large nodes holding dozens of pods: tight there).
  bool dp_bounds = false;
  int64_t dp_max_cells = int64_t{1} << 17;
  double dp_max_grid_loss = 0.05;
  // Types priced by the DP too every iteration (the most promising first), for its columns.
  int32_t dp_pricing_types = 0;
  // Wentges smoothing: price at this share of the best duals so far plus the rest of the
  // master's duals.
  double smoothing = 0.7;
  // Per option, unit prices (vCPU, GiB, slot) whose value of a node is at most its price,
  // such as the shape LP's (ShapeLpSolution::unit_prices): the knapsack bounds start there.
  std::vector<std::array<double, 3>> unit_prices;
};

// One node configuration: the type (index into the options) and how many pods of each shape.
struct NodeConfig {
  int32_t option = 0;
  std::vector<std::pair<int32_t, int32_t>> pods;  // (shape, count), count > 0
  double nodes = 0;                               // in the LP's solution
};

struct ConfigLpSolution {
  // A proven lower bound on every integer packing of the shapes: the LP optimum when
  // `converged`, else the Farley bound of the best iteration (restricted master's value
  // divided by the largest ratio of a column's dual value to its price, from knapsack upper
  // bounds), never above `master_usd`.
  double lower_bound_usd = 0;
  double master_usd = 0;   // the restricted master's optimum (≥ the LP optimum)
  bool converged = false;  // exact pricing found no improving column
  int32_t iterations = 0;
  std::vector<NodeConfig> configs;  // columns with a positive value in the last master
  // The dual prices behind `lower_bound_usd`, scaled so they are dual-feasible: per shape,
  // and per unit (vCPU, GiB, slot) of the exact-total rows. Any packing costs at least
  // Σ shape_duals·counts + total_duals·exact_total (Farley at full scale reuses them).
  std::vector<double> shape_duals;
  std::array<double, 3> total_duals{};
  // The last restricted master's duals (not dual-feasible unless converged; per shape, then
  // per unit of the exact-total rows): a suggestion for values, as in scaled_farley_bound.h.
  std::vector<double> master_shape_duals;
  std::array<double, 3> master_total_duals{};
};

// InvalidArgument when there are no options or a shape fits none of them; Internal when Clp
// fails. Shapes with count 0 are ignored; with no pods at all the optimum is 0, no configs.
Result<ConfigLpSolution> SolveConfigLp(const std::vector<PodShape>& shapes,
                                       const std::vector<PriceOption>& options,
                                       const ConfigLpLimits& limits = {});

// The configuration LP's proven lower bound on packing `pods` (requests only) onto
// `options`: pods are grouped on a grid rounded down (at most `max_shapes` shapes; any
// packing of the real pods packs the smaller ones), dominated options are dropped, the
// nodes must cover the exact total request, dual-optimal inequalities and the tight pricing
// (dp_bounds, DP columns, four fills per type, no smoothing) are on. `converged` says
// whether it is the LP optimum or an early-stopping (Farley) bound.
struct ConfigLpBoundResult {
  Money bound;
  // The restricted master's optimum: the LP optimum lies between `bound` and this.
  Money master;
  bool converged = false;
  int32_t iterations = 0;
  size_t shapes = 0;
};
Result<ConfigLpBoundResult> ConfigLpBound(const std::vector<Resources>& pods,
                                          const std::vector<PriceOption>& options,
                                          size_t max_shapes, double time_limit_seconds);

// The settings every benchmark bound runs the configuration LP with: started from the shape
// LP's unit prices (`fluid`, when solved: each shape's first dual is its cheapest price at
// those prices, feasible for the LP's dual, so the first bound is already the shape LP's),
// dual-optimal inequalities, the tight pricing (dp_bounds, three DP-priced types, four fills
// per type), no smoothing, at most 1,000 iterations in `seconds` of CPU.
ConfigLpLimits TightBoundLimits(const std::vector<PodShape>& shapes,
                                const std::vector<PriceOption>& kept, const ShapeLpSolution* fluid,
                                double seconds);

// An UPPER bound on the configuration LP's optimum over the real `pods` (not a bound on
// packings): the restricted master over groups rounded UP to their largest CPU and memory
// (every pod of a group fits where its group's maximum does, so each such fractional
// solution is one for the real pods). No lower bound of Farley's kind, whatever its duals,
// can exceed it: it measures how much node granularity could add to the fluid bounds.
// `bound` is the LP's proven lower bound when every group holds equal pods (then it is the
// real pods' LP: a bound on every packing), else 0.
Result<ConfigLpBoundResult> ConfigLpOptimumAtMost(const std::vector<Resources>& pods,
                                                  const std::vector<PriceOption>& options,
                                                  size_t max_shapes, double time_limit_seconds);

}  // namespace cloudoptim
