// An upper bound on a two-resource bounded knapsack (pods of CPU and memory on one node) by
// dynamic programming on a grid: every item's size is rounded down to whole grid cells, so
// every real fill is still a fill of the grid, and the grid's optimum bounds the real one.
// Used by the configuration LP's pricing where branch and bound gives up on many items.
//
//   std::vector<KnapsackItem> items = {{{500, 1 * kGi}, 0.02, 3}, ...};
//   double at_most = GridKnapsackBound(items, node_allocatable, 64);
#pragma once

#include <cstdint>
#include <vector>

#include "model/resources.h"

namespace cloudoptim {

struct KnapsackItem {
  Resources size;  // only CPU and memory count
  double value = 0;
  int64_t max_count = 0;
};

// max Σ value_i·a_i over 0 ≤ a_i ≤ max_count_i with Σ size_i·a_i ≤ capacity (CPU and
// memory), relaxed by rounding sizes down onto `cells` × `cells` cells of the capacity: never
// below the true optimum, equal to it when every size is a whole number of cells. Items
// with non-positive value are ignored. O(items × log(count) × cells²).
double GridKnapsackBound(const std::vector<KnapsackItem>& items, const Resources& capacity,
                         int32_t cells);

}  // namespace cloudoptim
