// A lower bound on packing thousands of real pods: the per-group "extension" configuration
// LP, whose duals give every pod a value affine in its request within its group, proven
// over the real pods by Farley's θ (scaled_farley_bound.h) and never below the fluid bound.
//
//   ExtensionLpLimits limits;
//   limits.time_limit_seconds = 5.0;
//   limits.seed_fills = plan_nodes;  // pod indices per node of a real plan (optional)
//   Result<ExtensionLpResult> lb = ExtensionLpBound(pod_requests, OnDemandOptions(launch),
//                                                   limits);
//   Money proven = lb->bound;  // ≤ every packing of pod_requests
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/money.h"
#include "engines/cost_lower_bound.h"
#include "engines/node_value_bound.h"
#include "model/resources.h"

namespace cloudoptim {

struct ExtensionLpLimits {
  // About this many groups: cells of CPU × memory with equal pod counts. Few groups converge
  // (the fluid row keeps the fluid values within reach); many are richer but do not.
  size_t groups = 10;
  int32_t max_iterations = 400;
  std::optional<double> time_limit_seconds;  // CPU seconds of the column generation
  // Types searched per iteration by the knapsack DPs (the most promising first); every type
  // also gets a greedy fill.
  int32_t dp_types = 4;
  int64_t dp_cells = int64_t{1} << 16;  // grid of the pricing DP
  int64_t dp_max_work = 200'000'000;    // cell updates of one pricing DP
  int32_t max_columns_per_iteration = 60;
  // Blends α·(extension values) + (1 − α)·(fluid values) whose θ is proven at the end; the
  // best Σv/θ counts. θ costs a few CPU s at thousands of pods, so keep this short.
  std::vector<double> blends = {1.0};
  // Real fills to start from, e.g. the nodes of a plan (indices into the pods): each becomes
  // a column on the cheapest type that holds it.
  std::vector<std::vector<size_t>> seed_fills;
  NodeValueLimits node;
};

struct ExtensionLpResult {
  Money bound;                  // max(fluid, the best Σv/θ): ≤ every packing
  Money fluid;                  // each pod at its cheapest type's shape-LP unit prices
  Money extension;              // the best Σv/θ over the blends tried
  double theta = 0;             // of that best blend
  std::string theta_option;     // the type that sets it (empty when the loop's θ counts)
  double alpha = 0;             // that blend
  double dual_value_usd = 0;    // Σv of the last master's duals (= the master's value)
  double master_usd = 0;        // the restricted master's optimum (≥ the extension LP's)
  double first_master_usd = 0;  // the master on the starting columns only
  // The best Σv/max(θ, 1) proven during the loop, θ from the pricing's own bounds (each
  // type's DP or surrogate bound) where a full sweep bounded every type.
  double loop_bound_usd = 0;
  double loop_theta = 0;
  int32_t iterations = 0;
  size_t groups = 0;
  size_t columns = 0;
  bool pricing_found_nothing = false;  // the heuristic pricing stopped the loop
  double seconds = 0;                  // CPU seconds, θ included
};

// InvalidArgument when there are no options or a pod fits none of them; Internal when Clp
// fails. The bound is valid whatever the limits (they only decide how tight it is).
Result<ExtensionLpResult> ExtensionLpBound(const std::vector<Resources>& pods,
                                           const std::vector<PriceOption>& options,
                                           const ExtensionLpLimits& limits = {});

}  // namespace cloudoptim
