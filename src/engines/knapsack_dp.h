// The pricing knapsack of the configuration LP (pods of CPU, memory and a pod slot on one
// node, each worth its dual price) solved by dynamic programming on a grid chosen per node
// type: exact where the requests' common divisors make the grid small enough (pods in 50m
// CPU and 1 MiB memory steps on 2-vCPU types), an upper bound otherwise (sizes rounded down).
//
//   KnapsackGrid grid = ChooseKnapsackGrid(items, node_allocatable, /*max_cells=*/1 << 17);
//   KnapsackDpResult dp = SolveKnapsackDp(items, node_allocatable, grid);
//   double at_most = dp.upper_bound;          // ≥ every fill's value
//   if (dp.fits) ... dp.counts is an optimal fill ...
#pragma once

#include <cstdint>
#include <vector>

#include "engines/knapsack_grid_bound.h"
#include "model/resources.h"

namespace cloudoptim {

// Cell sizes of the DP table: a pod takes ⌊request / cell⌋ cells of each resource, the node
// ⌊allocatable / cell⌋. Cells that divide every request and the allocatable make it exact.
struct KnapsackGrid {
  int64_t cpu_millis = 1;
  int64_t memory_bytes = 1;
  int64_t cpu_cells = 0;     // ⌊allocatable CPU / cell⌋
  int64_t memory_cells = 0;  // ⌊allocatable memory / cell⌋
  bool exact = false;        // every item's requests are whole cells
  int64_t Cells() const { return (cpu_cells + 1) * (memory_cells + 1); }
};

// The most items any fill can hold by `resource` alone: the longest prefix of the smallest
// requests that fits `capacity` — a cardinality bound every fill satisfies.
int64_t MostItemsByResource(const std::vector<KnapsackItem>& items, int64_t capacity,
                            int64_t Resources::*resource);

// The finest grid of at most about `max_cells` cells: each resource's cell is the greatest
// common divisor of the items' requests when the table fits, else the budget is shared so
// that both resources lose about the same share of the node to rounding.
KnapsackGrid ChooseKnapsackGrid(const std::vector<KnapsackItem>& items, const Resources& capacity,
                                int64_t max_cells);

struct KnapsackDpResult {
  double upper_bound = 0;  // ≥ max Σ value·count over fills of the real capacity
  // Per item, the relaxation's best fill, trimmed (least earners out) and topped up until it
  // fits the real node where it overran it; empty past `max_choice_bits`.
  std::vector<int64_t> counts;
  bool fits = false;  // that fill fits the real capacity (in CPU, memory and slots)
  double value = 0;   // its value when it fits: the optimum when == upper_bound
};

// max Σ value_i·a_i over 0 ≤ a_i ≤ max_count_i with Σ a_i·size_i ≤ capacity in CPU, memory and
// pod slots (an item takes size.pods slots), relaxed onto `grid`. The slot limit
// is priced in (Lagrangian, a few multipliers) when it could bind. Items of non-positive
// value never help and are ignored. The best fill is recovered when the table of choices
// (one bit per cell and item chunk) stays within `max_choice_bits`. Without `price_slots`
// the slot limit only caps each item's count (one DP; a looser bound, the fill repaired).
// O(items · log(count) · grid cells) per multiplier.
KnapsackDpResult SolveKnapsackDp(const std::vector<KnapsackItem>& items, const Resources& capacity,
                                 const KnapsackGrid& grid,
                                 int64_t max_choice_bits = int64_t{1} << 28,
                                 bool price_slots = true);

// The DP's work on `grid`: cell updates, summed over the items' binary count chunks.
int64_t KnapsackDpWork(const std::vector<KnapsackItem>& items, const Resources& capacity,
                       const KnapsackGrid& grid);

// The same knapsack bounded for large nodes (dozens of pods, where a 2-D grid is coarse): a
// DP over CPU alone on a grid of at most `max_cells` cells, with memory priced in by a
// Lagrangian multiplier (bisection on how much memory the DP's best fill uses), and the pod
// slots by another where they could bind. Valid for every multiplier; close to the optimum
// when many pods fill a node. `counts` is the fill at the best multipliers.
KnapsackDpResult MemoryLagrangianDp(const std::vector<KnapsackItem>& items,
                                    const Resources& capacity, int64_t max_cells);

}  // namespace cloudoptim
