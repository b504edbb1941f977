// Farley's lower bound at full scale: per-pod dual values from a configuration LP solved on
// a few grouped shapes, turned into a proven bound on packing every real pod. For any values
// v ≥ 0, Σ v / θ ≤ the cost of every packing, θ = max over types of (an upper bound on the
// value one node can hold) / price (Farley 1990: v/θ is dual-feasible for the configuration
// LP over the real pods).
//
//   ScaledFarleyLimits limits;  // groups, the small LP's CPU budget
//   Result<ScaledFarleyResult> lb = ScaledFarleyBound(pod_requests, OnDemandOptions(launch),
//                                                     limits);
//   Money proven = lb->bound;  // ≤ every packing of pod_requests
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/money.h"
#include "engines/cost_lower_bound.h"
#include "engines/knapsack_grid_bound.h"
#include "engines/node_value_bound.h"
#include "engines/shape_lp.h"
#include "model/resources.h"

namespace cloudoptim {

// Equal requests as one item: their largest value (an upper bound for all) and their count.
std::vector<KnapsackItem> DistinctPods(const std::vector<Resources>& pods,
                                       const std::vector<double>& values);

struct FarleyTheta {
  double theta = 0;       // ≥ max over options of (one node's best value) / price
  int32_t option = -1;    // the option that sets it
  int32_t tightened = 0;  // options whose bound needed the DPs
};

// θ for `items` (distinct pods with values): every option gets cheap surrogate bounds (its
// `weights`, when given, per CPU milli, memory byte and slot, such as the shape LP's unit
// prices; plus each resource alone), then the option with the largest ratio is tightened by
// TightNodeValueBound, and so on until the largest is a tightened one.
FarleyTheta ComputeFarleyTheta(const std::vector<KnapsackItem>& items,
                               const std::vector<PriceOption>& options,
                               const std::vector<std::array<double, 3>>& weights,
                               const NodeValueLimits& limits);

struct ScaledFarleyLimits {
  size_t groups = 300;  // shapes of the small configuration LP
  // kMean: each group at its mean request (its duals are then only a suggestion); kMin: at
  // its least CPU and memory, with the exact total request covered (its duals, with the
  // total rows' per-unit prices charged to each pod's own request, are dual-feasible for
  // the real pods: θ ≤ 1, and < 1 where the real pods are larger than their group's least).
  ShapeRounding rounding = ShapeRounding::kMean;
  double config_lp_seconds = 10.0;  // its CPU budget
  double within_group_slope = 1.0;  // share of the shape LP's unit prices across a group
  // Blends of the small LP's last master duals with the starting prices that are tried.
  std::vector<double> master_shares = {1.0, 0.5};
  NodeValueLimits node;
};

struct ScaledFarleyResult {
  Money bound;  // the best proven bound (never below `fluid`)
  Money fluid;  // the shape LP's unit prices charged to every pod, over their θ
  double fluid_theta = 0;
  Money grouped;  // the small LP's duals extended to every pod, over their θ
  double grouped_theta = 0;
  Money group_lp;      // the small LP's own proven bound (on its mean shapes: not a bound here)
  Money group_master;  // its restricted master (≥ its optimum)
  bool group_lp_converged = false;
  int32_t iterations = 0;
  size_t groups = 0;
  std::vector<std::pair<double, double>> candidates;  // (bound, θ) of every value vector tried
};

// InvalidArgument when a pod fits no option; Internal when Clp fails.
Result<ScaledFarleyResult> ScaledFarleyBound(const std::vector<Resources>& pods,
                                             const std::vector<PriceOption>& options,
                                             const ScaledFarleyLimits& limits = {});

}  // namespace cloudoptim
