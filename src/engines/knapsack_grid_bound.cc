#include "engines/knapsack_grid_bound.h"

#include <algorithm>

namespace cloudoptim {
namespace {

// Why rounding down is safe. With x_i = size_i·cells / capacity, a fill satisfies
// Σ a_i·x_i ≤ cells; since Σ a_i·⌊x_i⌋ ≤ ⌊Σ a_i·x_i⌋ ≤ cells, the same fill fits the grid.
// The grid's optimum is therefore at least the real optimum (a relaxation), and the DP over
// (CPU cells, memory cells) computes it exactly. Bounded counts are split into binary chunks
// (1, 2, 4, ..., rest), so each item costs log(count) passes over the table.
int64_t Cells(int64_t size, int64_t capacity, int32_t cells) {
  if (capacity <= 0) return size > 0 ? cells + 1 : 0;
  return static_cast<int64_t>(static_cast<__int128>(size) * cells / capacity);
}

}  // namespace

double GridKnapsackBound(const std::vector<KnapsackItem>& items, const Resources& capacity,
                         int32_t cells) {
  const int64_t side = cells + 1;
  std::vector<double> best(static_cast<size_t>(side * side), 0.0);
  double free_value = 0;  // items that round to no cells at all: all of them fit the grid
  for (const KnapsackItem& item : items) {
    if (item.value <= 0 || item.max_count <= 0) continue;
    const int64_t cpu = Cells(item.size.cpu_millis, capacity.cpu_millis, cells);
    const int64_t memory = Cells(item.size.memory_bytes, capacity.memory_bytes, cells);
    if (cpu > cells || memory > cells) continue;
    if (cpu == 0 && memory == 0) {
      free_value += item.value * static_cast<double>(item.max_count);
      continue;
    }
    int64_t fits = item.max_count;
    if (cpu > 0) fits = std::min(fits, cells / cpu);
    if (memory > 0) fits = std::min(fits, cells / memory);
    for (int64_t chunk = 1; fits > 0; chunk *= 2) {
      const int64_t take = std::min(chunk, fits);
      fits -= take;
      const int64_t dc = take * cpu, dm = take * memory;
      const double value = item.value * static_cast<double>(take);
      for (int64_t c = cells; c >= dc; --c) {
        for (int64_t m = cells; m >= dm; --m) {
          double with = best[(c - dc) * side + (m - dm)] + value;
          double& cell = best[c * side + m];
          if (with > cell) cell = with;
        }
      }
    }
  }
  return best[static_cast<size_t>(side * side - 1)] + free_value;
}

}  // namespace cloudoptim
