#include "engines/node_value_bound.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <tuple>

#include "engines/knapsack_dp.h"
#include "engines/lp_units.h"

namespace cloudoptim {
namespace {

// Why these relaxations. A cluster's pods are tens of thousands of distinct shapes, so the
// knapsack DP over every item (knapsack_dp.h) costs items × cells per type, far too much.
// Two relaxations make it small, each a valid upper bound:
// - the 2-D grid: sizes are rounded down onto cells anyway, so every pod of a cell can be
//   given the cell's best value and their counts summed: one item per cell;
// - the CPU-only DP with memory and slots priced in (Lagrangian: for λ, ν ≥ 0 every fill has
//   Σ v ≤ λ·M + ν·S + Σ (v − λ·m − ν)): per CPU size at most ⌊cells / size⌋ pods fit, so
//   only that many of its best priced values can be in an optimal fill; the rest are dropped
//   without loosening the bound. The bound is convex in (λ, ν): golden-section searches.

using lp_units::SlotCount;

bool Usable(const KnapsackItem& item, const Resources& capacity) {
  return item.value > 0 && item.max_count > 0 && item.size.FitsIn(capacity);
}

// Minimises a convex function over [low, high] by golden section; returns the least value seen.
template <typename F>
double GoldenMin(F f, double low, double high, int steps) {
  constexpr double kPhi = 0.6180339887498949;
  double best = std::min(f(low), f(high));
  double a = high - kPhi * (high - low), b = low + kPhi * (high - low);
  double fa = f(a), fb = f(b);
  for (int s = 0; s < steps; ++s) {
    best = std::min({best, fa, fb});
    if (fa <= fb) {
      high = b;
      b = a;
      fb = fa;
      a = high - kPhi * (high - low);
      fa = f(a);
    } else {
      low = a;
      a = b;
      fa = fb;
      b = low + kPhi * (high - low);
      fb = f(b);
    }
  }
  return std::min({best, fa, fb});
}

// The CPU-only DP of one multiplier pair: items grouped by CPU cells, each group's best
// values up to as many as fit, a 0/1 knapsack over binary chunks of equal values.
class PricedCpuDp {
 public:
  PricedCpuDp(const std::vector<KnapsackItem>& items, const Resources& capacity, int64_t max_cells)
      : capacity_(capacity) {
    int64_t g = 0;
    for (const KnapsackItem& item : items) {
      if (Usable(item, capacity)) g = std::gcd(g, item.size.cpu_millis);
    }
    cell_ = std::max<int64_t>(g, 1);
    if (capacity.cpu_millis / cell_ > max_cells) {
      cell_ = std::max<int64_t>(cell_, (capacity.cpu_millis + max_cells - 1) / max_cells);
    }
    cells_ = capacity.cpu_millis / cell_;
    std::map<int64_t, size_t> group_of;
    for (const KnapsackItem& item : items) {
      if (!Usable(item, capacity)) continue;
      const int64_t k = item.size.cpu_millis / cell_;
      auto [it, added] = group_of.try_emplace(k, groups_.size());
      if (added) groups_.push_back({k, {}});
      groups_[it->second].items.push_back(&item);
      memory_high_ =
          std::max(memory_high_,
                   item.value / static_cast<double>(std::max<int64_t>(item.size.memory_bytes, 1)));
      slot_high_ = std::max(slot_high_, SlotCount(item.size) > 0
                                            ? item.value / static_cast<double>(SlotCount(item.size))
                                            : 0.0);
      slots_may_bind_ = slots_may_bind_ || SlotCount(item.size) > 0;
    }
    std::vector<KnapsackItem> usable;
    for (const KnapsackItem& item : items) {
      if (Usable(item, capacity)) usable.push_back(item);
    }
    slots_may_bind_ =
        slots_may_bind_ &&
        std::min(MostItemsByResource(usable, capacity.cpu_millis, &Resources::cpu_millis),
                 MostItemsByResource(usable, capacity.memory_bytes, &Resources::memory_bytes)) >
            capacity.pods;
  }

  bool empty() const { return groups_.empty(); }
  double memory_high() const { return memory_high_; }
  double slot_high() const { return slot_high_; }
  bool slots_may_bind() const { return slots_may_bind_; }

  double Bound(double lambda, double nu) {
    table_.assign(static_cast<size_t>(cells_ + 1), 0.0);
    double free_value = 0;  // pods that take no CPU cell: every copy fits the relaxation
    std::vector<std::pair<double, int64_t>> priced;
    for (const Group& group : groups_) {
      priced.clear();
      for (const KnapsackItem* item : group.items) {
        const double u = item->value - lambda * static_cast<double>(item->size.memory_bytes) -
                         nu * static_cast<double>(SlotCount(item->size));
        if (u > 0) priced.push_back({u, item->max_count});
      }
      if (group.cells == 0) {
        for (const auto& [u, count] : priced) free_value += u * static_cast<double>(count);
        continue;
      }
      std::sort(priced.begin(), priced.end(), std::greater<>());
      int64_t room = cells_ / group.cells;
      for (size_t i = 0; i < priced.size() && room > 0;) {
        // Equal values are one item with their summed count (binary chunks).
        const double u = priced[i].first;
        int64_t take = 0;
        for (; i < priced.size() && priced[i].first == u; ++i) take += priced[i].second;
        take = std::min(take, room);
        room -= take;
        for (int64_t chunk = 1; take > 0; chunk *= 2) {
          const int64_t n = std::min(chunk, take);
          take -= n;
          Add(group.cells * n, u * static_cast<double>(n));
        }
      }
    }
    return table_.back() + free_value + lambda * static_cast<double>(capacity_.memory_bytes) +
           nu * static_cast<double>(capacity_.pods);
  }

 private:
  struct Group {
    int64_t cells = 0;
    std::vector<const KnapsackItem*> items;
  };

  void Add(int64_t weight, double value) {
    for (int64_t c = cells_; c >= weight; --c) {
      table_[static_cast<size_t>(c)] =
          std::max(table_[static_cast<size_t>(c)], table_[static_cast<size_t>(c - weight)] + value);
    }
  }

  Resources capacity_;
  int64_t cell_ = 1, cells_ = 0;
  std::vector<Group> groups_;
  std::vector<double> table_;
  double memory_high_ = 0, slot_high_ = 0;
  bool slots_may_bind_ = false;
};

}  // namespace

double SurrogateNodeValueBound(const std::vector<KnapsackItem>& items, const Resources& capacity,
                               const std::array<double, 3>& weights) {
  auto weigh = [&](const Resources& r) {
    return weights[0] * static_cast<double>(r.cpu_millis) +
           weights[1] * static_cast<double>(r.memory_bytes) +
           weights[2] * static_cast<double>(SlotCount(r));
  };
  double room = weigh(capacity), free_value = 0;
  std::vector<std::tuple<double, double, int64_t>> ratios;  // (value per weight, weight, count)
  for (const KnapsackItem& item : items) {
    if (!Usable(item, capacity)) continue;
    const double w = weigh(item.size);
    if (w <= 0) {
      free_value += item.value * static_cast<double>(item.max_count);
    } else {
      ratios.push_back({item.value / w, w, item.max_count});
    }
  }
  std::sort(ratios.begin(), ratios.end(), std::greater<>());
  double value = free_value;
  for (const auto& [ratio, w, count] : ratios) {
    if (room <= 0) break;
    const double take = std::min(static_cast<double>(count), room / w);
    value += take * ratio * w;
    room -= take * w;
  }
  return value;
}

double MergedGridNodeValueBound(const std::vector<KnapsackItem>& items, const Resources& capacity,
                                const NodeValueLimits& limits) {
  std::vector<KnapsackItem> usable;
  for (const KnapsackItem& item : items) {
    if (Usable(item, capacity)) usable.push_back(item);
  }
  if (usable.empty()) return 0.0;
  for (int64_t max_cells = limits.max_grid_cells; max_cells >= 64; max_cells /= 4) {
    const KnapsackGrid grid = ChooseKnapsackGrid(usable, capacity, max_cells);
    // One item per (CPU cell, memory cell, slots): the cell's lower corner, best value, and
    // every pod of the cell (the DP caps the count at what fits).
    std::map<std::tuple<int64_t, int64_t, int64_t>, KnapsackItem> cells;
    for (const KnapsackItem& item : usable) {
      const int64_t c = item.size.cpu_millis / grid.cpu_millis;
      const int64_t m = item.size.memory_bytes / grid.memory_bytes;
      auto [it, added] = cells.try_emplace(
          std::tuple{c, m, SlotCount(item.size)},
          KnapsackItem{{c * grid.cpu_millis, m * grid.memory_bytes, 0, SlotCount(item.size), 0},
                       item.value,
                       0});
      it->second.value = std::max(it->second.value, item.value);
      it->second.max_count += item.max_count;
    }
    std::vector<KnapsackItem> merged;
    for (auto& [key, item] : cells) merged.push_back(item);
    if (KnapsackDpWork(merged, capacity, grid) > limits.max_grid_work) continue;
    return SolveKnapsackDp(merged, capacity, grid, /*max_choice_bits=*/0).upper_bound;
  }
  return std::numeric_limits<double>::infinity();
}

double PricedCpuNodeValueBound(const std::vector<KnapsackItem>& items, const Resources& capacity,
                               const NodeValueLimits& limits) {
  PricedCpuDp dp(items, capacity, limits.cpu_cells);
  if (dp.empty()) return 0.0;
  const int steps = limits.multiplier_steps;
  auto over_memory = [&](double nu) {
    return GoldenMin([&](double lambda) { return dp.Bound(lambda, nu); }, 0.0, dp.memory_high(),
                     steps);
  };
  if (!dp.slots_may_bind()) return over_memory(0.0);
  return GoldenMin(over_memory, 0.0, dp.slot_high(), steps / 2);
}

double TightNodeValueBound(const std::vector<KnapsackItem>& items, const Resources& capacity,
                           const NodeValueLimits& limits) {
  return std::min(MergedGridNodeValueBound(items, capacity, limits),
                  PricedCpuNodeValueBound(items, capacity, limits));
}

}  // namespace cloudoptim
