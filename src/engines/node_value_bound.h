// Upper bounds on the most value one node of a type can hold when the candidate pods are
// thousands of distinct shapes (a whole cluster's pods, each worth a dual price): the
// knapsack that sets θ in Farley's bound at full scale (scaled_farley_bound.h).
//
//   std::vector<KnapsackItem> items = ...;  // distinct pods: size, value, how many there are
//   double cheap = SurrogateNodeValueBound(items, node, {1.0 / node.cpu_millis, ...});
//   double tight = TightNodeValueBound(items, node, NodeValueLimits{});
//   // every fill of the node is worth at most std::min(cheap, tight)
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engines/knapsack_grid_bound.h"
#include "model/resources.h"

namespace cloudoptim {

// Fractional knapsack on one surrogate constraint Σ weights·size ≤ weights·capacity (weights
// per CPU milli, memory byte and slot, all ≥ 0): every real fill satisfies it, so its greedy
// optimum bounds the real one. O(items · log items).
double SurrogateNodeValueBound(const std::vector<KnapsackItem>& items, const Resources& capacity,
                               const std::array<double, 3>& weights);

struct NodeValueLimits {
  // Cell updates of the 2-D grid DP (items merged per cell); it is skipped past this.
  int64_t max_grid_work = 200'000'000;
  int64_t max_grid_cells = int64_t{1} << 16;
  int64_t cpu_cells = 4096;  // of the CPU-only DP with memory and slots priced in
  int32_t multiplier_steps = 24;
};

// min of: the 2-D grid DP with sizes rounded down and every cell's pods merged into one item
// (the best value, the summed count), and the CPU-only DP with memory and slots priced by
// Lagrangian multipliers, where per CPU size only the best pods that could fit are kept (so
// it is the exact Lagrangian bound of the CPU-rounded knapsack). Both are valid for every
// grid and multiplier; the limits only decide how tight.
double TightNodeValueBound(const std::vector<KnapsackItem>& items, const Resources& capacity,
                           const NodeValueLimits& limits);

// The parts of TightNodeValueBound, for tests: +infinity when skipped.
double MergedGridNodeValueBound(const std::vector<KnapsackItem>& items, const Resources& capacity,
                                const NodeValueLimits& limits);
double PricedCpuNodeValueBound(const std::vector<KnapsackItem>& items, const Resources& capacity,
                               const NodeValueLimits& limits);

}  // namespace cloudoptim
