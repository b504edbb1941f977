#include "engines/knapsack_dp.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "engines/lp_units.h"

namespace cloudoptim {
namespace {

// Why rounding down is safe. With cells of size g, a fill with Σ a_i·s_i ≤ C also has
// Σ a_i·⌊s_i/g⌋ ≤ ⌊Σ a_i·s_i/g⌋ ≤ ⌊C/g⌋: every real fill is a fill of the grid, so the
// grid's optimum is at least the real one. When g divides every s_i the two are the same
// problem. The DP over (CPU cells, memory cells) is the textbook 0/1 knapsack over binary
// chunks of each item's count (1, 2, 4, ..., rest), so an item costs log(count) passes.
//
// Why a Lagrangian for the pod slots. A third table dimension would multiply the work by the
// slot count; instead, for λ ≥ 0, every fill of at most S slots has
// Σ v_i·a_i ≤ λ·S + Σ (v_i − λ·slots_i)·a_i ≤ λ·S + DP(v − λ·slots), a valid bound for
// every λ. The slots bind only on a few types (small burstables, huge nodes holding every
// pod); there a bisection on λ, steered by how many slots the DP's best fill uses, finds a
// multiplier where that fill is slot-feasible or the bound stops falling.

struct Chunk {
  size_t item = 0;
  int64_t take = 0;
  int64_t cpu = 0, memory = 0;  // cells
  double value = 0;
};

// Slots an item takes (SlotCount): its request's pod count (the configuration LP's shapes say
// 1; a request of 0 takes none, as in the branch and bound).
using lp_units::SlotCount;
// Value per slot, for the slot multiplier's range (items that take none are not priced).
double PerSlot(const KnapsackItem& item) {
  return SlotCount(item.size) > 0 ? item.value / static_cast<double>(SlotCount(item.size)) : 0.0;
}

int64_t Gcd(const std::vector<KnapsackItem>& items, int64_t Resources::*dim) {
  int64_t g = 0;
  for (const KnapsackItem& item : items) g = std::gcd(g, item.size.*dim);
  return g;
}

// The most pods any fill can hold by CPU or by memory alone.
int64_t MostPods(const std::vector<KnapsackItem>& items, const Resources& capacity) {
  return std::min(MostItemsByResource(items, capacity.cpu_millis, &Resources::cpu_millis),
                  MostItemsByResource(items, capacity.memory_bytes, &Resources::memory_bytes));
}

class GridDp {
 public:
  GridDp(const std::vector<KnapsackItem>& items, const Resources& capacity,
         const KnapsackGrid& grid, int64_t max_choice_bits)
      : items_(items), capacity_(capacity), grid_(grid), max_choice_bits_(max_choice_bits) {}

  // The grid optimum with values v_i − λ·slots_i, and its fill in `counts` when recovered.
  double Solve(double lambda, std::vector<int64_t>* counts) {
    const int64_t width = grid_.memory_cells + 1;
    const int64_t cells = grid_.Cells();
    std::vector<Chunk> chunks;
    double free_value = 0;
    counts->assign(items_.size(), 0);
    for (size_t i = 0; i < items_.size(); ++i) {
      const KnapsackItem& item = items_[i];
      const double value = item.value - lambda * static_cast<double>(SlotCount(item.size));
      if (value <= 0 || item.max_count <= 0 || !item.size.FitsIn(capacity_)) continue;
      const int64_t cpu = item.size.cpu_millis / grid_.cpu_millis;
      const int64_t memory = item.size.memory_bytes / grid_.memory_bytes;
      int64_t fits = item.max_count;
      if (SlotCount(item.size) > 0) fits = std::min(fits, capacity_.pods / SlotCount(item.size));
      if (cpu > 0) fits = std::min(fits, grid_.cpu_cells / cpu);
      if (memory > 0) fits = std::min(fits, grid_.memory_cells / memory);
      if (cpu == 0 && memory == 0) {  // takes no cells: every copy fits the grid
        free_value += value * static_cast<double>(fits);
        (*counts)[i] = fits;
        continue;
      }
      for (int64_t chunk = 1; fits > 0; chunk *= 2) {
        const int64_t take = std::min(chunk, fits);
        fits -= take;
        chunks.push_back({i, take, take * cpu, take * memory, value * static_cast<double>(take)});
      }
    }
    const bool keep = static_cast<int64_t>(chunks.size()) * cells <= max_choice_bits_;
    std::vector<uint64_t> bits;
    if (keep)
      bits.assign(static_cast<size_t>((static_cast<int64_t>(chunks.size()) * cells + 63) / 64), 0);
    table_.assign(static_cast<size_t>(cells), 0.0);
    for (size_t k = 0; k < chunks.size(); ++k) {
      const Chunk& ch = chunks[k];
      const int64_t base = static_cast<int64_t>(k) * cells;
      for (int64_t c = grid_.cpu_cells; c >= ch.cpu; --c) {
        double* to = table_.data() + c * width;
        const double* from = table_.data() + (c - ch.cpu) * width - ch.memory;
        for (int64_t m = grid_.memory_cells; m >= ch.memory; --m) {
          const double with = from[m] + ch.value;
          if (with > to[m]) {
            to[m] = with;
            if (keep) {
              const int64_t bit = base + c * width + m;
              bits[static_cast<size_t>(bit >> 6)] |= uint64_t{1} << (bit & 63);
            }
          }
        }
      }
    }
    if (!keep) {
      counts->clear();
    } else {
      int64_t c = grid_.cpu_cells, m = grid_.memory_cells;
      for (size_t k = chunks.size(); k-- > 0;) {
        const int64_t bit = static_cast<int64_t>(k) * cells + c * width + m;
        if ((bits[static_cast<size_t>(bit >> 6)] >> (bit & 63)) & 1) {
          (*counts)[chunks[k].item] += chunks[k].take;
          c -= chunks[k].cpu;
          m -= chunks[k].memory;
        }
      }
    }
    return table_.back() + free_value;
  }

 private:
  const std::vector<KnapsackItem>& items_;
  const Resources& capacity_;
  const KnapsackGrid& grid_;
  int64_t max_choice_bits_;
  std::vector<double> table_;
};

// Resources and value of a fill.
Resources Used(const std::vector<KnapsackItem>& items, const std::vector<int64_t>& counts,
               double* value) {
  Resources used;
  *value = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    used.cpu_millis += counts[i] * items[i].size.cpu_millis;
    used.memory_bytes += counts[i] * items[i].size.memory_bytes;
    used.pods += counts[i] * SlotCount(items[i].size);
    *value += static_cast<double>(counts[i]) * items[i].value;
  }
  return used;
}

bool FitsReal(const Resources& used, const Resources& capacity) {
  return used.cpu_millis <= capacity.cpu_millis && used.memory_bytes <= capacity.memory_bytes &&
         used.pods <= capacity.pods;
}

// Why repair. The relaxed DP's best fill may overrun the node by a few rounded-down MiB (or,
// from the Lagrangian, by whatever memory its multiplier let through); as a column it is
// then useless. Dropping the pods that earn least per share of the node they take until it
// fits, then adding the best earners that still fit, gives a real fill close to it.
void Repair(const std::vector<KnapsackItem>& items, const Resources& capacity,
            KnapsackDpResult* result) {
  std::vector<int64_t>& counts = result->counts;
  double value = 0;
  Resources used = Used(items, counts, &value);
  auto share = [&](const Resources& r) {
    double s = static_cast<double>(SlotCount(r)) /
               static_cast<double>(std::max<int64_t>(capacity.pods, 1));
    s += static_cast<double>(r.cpu_millis) /
         static_cast<double>(std::max<int64_t>(capacity.cpu_millis, 1));
    s += static_cast<double>(r.memory_bytes) /
         static_cast<double>(std::max<int64_t>(capacity.memory_bytes, 1));
    return std::max(s, 1e-12);
  };
  std::vector<size_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return items[a].value / share(items[a].size) < items[b].value / share(items[b].size);
  });
  for (size_t i : order) {  // worst earners out first
    while (counts[i] > 0 && !FitsReal(used, capacity)) {
      --counts[i];
      used = Used(items, counts, &value);
    }
  }
  for (size_t k = order.size(); k-- > 0;) {  // best earners in
    const size_t i = order[k];
    if (items[i].value <= 0) continue;
    while (counts[i] < items[i].max_count) {
      ++counts[i];
      if (FitsReal(Used(items, counts, &value), capacity)) continue;
      --counts[i];
      break;
    }
  }
  used = Used(items, counts, &value);
  result->fits = FitsReal(used, capacity);
  result->value = result->fits ? value : 0;
}

}  // namespace

int64_t MostItemsByResource(const std::vector<KnapsackItem>& items, int64_t capacity,
                            int64_t Resources::*resource) {
  std::vector<std::pair<int64_t, int64_t>> sizes;  // (size, count), smallest first
  for (const KnapsackItem& item : items) sizes.push_back({item.size.*resource, item.max_count});
  std::sort(sizes.begin(), sizes.end());
  int64_t room = capacity, fits = 0;
  for (const auto& [size, count] : sizes) {
    int64_t take = size > 0 ? std::min(count, room / size) : count;
    fits += take;
    room -= take * size;
    if (take < count) break;
  }
  return fits;
}

KnapsackGrid ChooseKnapsackGrid(const std::vector<KnapsackItem>& items, const Resources& capacity,
                                int64_t max_cells) {
  KnapsackGrid grid;
  const int64_t cpu_capacity = std::max<int64_t>(capacity.cpu_millis, 1);
  const int64_t memory_capacity = std::max<int64_t>(capacity.memory_bytes, 1);
  // A resource no item requests gets one cell: it can never bind.
  const int64_t cpu_gcd = std::max<int64_t>(Gcd(items, &Resources::cpu_millis), 1);
  const int64_t memory_gcd = std::max<int64_t>(Gcd(items, &Resources::memory_bytes), 1);
  int64_t cpu_cell = Gcd(items, &Resources::cpu_millis) == 0 ? cpu_capacity : cpu_gcd;
  int64_t memory_cell = Gcd(items, &Resources::memory_bytes) == 0 ? memory_capacity : memory_gcd;
  const double exact_cpu = static_cast<double>(cpu_capacity / cpu_cell);
  const double exact_memory = static_cast<double>(memory_capacity / memory_cell);
  const double budget = static_cast<double>(std::max<int64_t>(max_cells, 4));
  grid.exact = (exact_cpu + 1) * (exact_memory + 1) <= budget;
  if (!grid.exact) {
    // Share the budget: a resource that is exact in fewer than √budget cells keeps them.
    const double side = std::sqrt(budget);
    double cpu_cells = std::min(exact_cpu, std::max(side, budget / (exact_memory + 1)));
    double memory_cells = std::max(1.0, budget / (cpu_cells + 1) - 1);
    if (memory_cells > exact_memory) memory_cells = exact_memory;
    // A resource keeps its exact cell when it gets all its exact cells.
    if (cpu_cells < exact_cpu) {
      cpu_cell = std::max(
          cpu_cell, static_cast<int64_t>(std::ceil(static_cast<double>(cpu_capacity) / cpu_cells)));
    }
    if (memory_cells < exact_memory) {
      memory_cell = std::max(
          memory_cell,
          static_cast<int64_t>(std::ceil(static_cast<double>(memory_capacity) / memory_cells)));
    }
  }
  grid.cpu_millis = cpu_cell;
  grid.memory_bytes = memory_cell;
  grid.cpu_cells = std::max<int64_t>(capacity.cpu_millis, 0) / cpu_cell;
  grid.memory_cells = std::max<int64_t>(capacity.memory_bytes, 0) / memory_cell;
  return grid;
}

int64_t KnapsackDpWork(const std::vector<KnapsackItem>& items, const Resources& capacity,
                       const KnapsackGrid& grid) {
  int64_t chunks = 0;
  for (const KnapsackItem& item : items) {
    if (item.value <= 0 || !item.size.FitsIn(capacity)) continue;
    for (int64_t n = std::max<int64_t>(item.max_count, 1); n > 0; n /= 2) ++chunks;
  }
  return chunks * grid.Cells();
}

KnapsackDpResult SolveKnapsackDp(const std::vector<KnapsackItem>& items, const Resources& capacity,
                                 const KnapsackGrid& grid, int64_t max_choice_bits,
                                 bool price_slots) {
  GridDp dp(items, capacity, grid, max_choice_bits);
  KnapsackDpResult result;
  std::vector<int64_t> counts;
  result.upper_bound = dp.Solve(0.0, &counts);
  result.counts = counts;
  double value = 0;
  const int64_t most = MostPods(items, capacity);
  int64_t max_slots = 0;
  double high = 0;  // from λ = the largest value per slot on, no item is worth taking
  for (const KnapsackItem& item : items) {
    max_slots = std::max(max_slots, SlotCount(item.size));
    high = std::max(high, PerSlot(item));
  }
  const bool may_bind = most * max_slots > capacity.pods;
  const bool slot_feasible = !counts.empty() && Used(items, counts, &value).pods <= capacity.pods;
  if (price_slots && may_bind && !slot_feasible) {
    auto bound_at = [&](double lambda) {
      double bound = dp.Solve(lambda, &counts) + lambda * static_cast<double>(capacity.pods);
      if (bound < result.upper_bound) {
        result.upper_bound = bound;
        result.counts = counts;
      }
      return bound;
    };
    double low = 0;
    for (int step = 0; step < 12; ++step) {
      if (counts.empty()) {  // no fill to steer by: golden section (the bound is convex in λ)
        const double a = high - 0.618 * (high - low), b = low + 0.618 * (high - low);
        if (bound_at(a) <= bound_at(b)) {
          high = b;
        } else {
          low = a;
        }
        continue;
      }
      const double lambda = (low + high) / 2;
      bound_at(lambda);
      if (Used(items, counts, &value).pods > capacity.pods) {
        low = lambda;
      } else {
        high = lambda;
      }
    }
  }
  if (!result.counts.empty()) Repair(items, capacity, &result);
  return result;
}

KnapsackDpResult MemoryLagrangianDp(const std::vector<KnapsackItem>& items,
                                    const Resources& capacity, int64_t max_cells) {
  // One row of CPU cells; memory gets a single cell larger than the node, so only its
  // multiplier accounts for it, and the slots theirs when they could bind.
  KnapsackGrid grid;
  grid.cpu_millis = std::max<int64_t>(Gcd(items, &Resources::cpu_millis), 1);
  if (capacity.cpu_millis / grid.cpu_millis + 1 > max_cells) {
    grid.cpu_millis = std::max<int64_t>(1, (capacity.cpu_millis + max_cells - 2) / (max_cells - 1));
  }
  grid.cpu_cells = std::max<int64_t>(capacity.cpu_millis, 0) / grid.cpu_millis;
  grid.memory_bytes = std::max<int64_t>(capacity.memory_bytes, 1) + 1;
  grid.memory_cells = 0;
  Resources unlimited = capacity;
  unlimited.memory_bytes = std::numeric_limits<int64_t>::max() / 4;
  unlimited.pods = std::numeric_limits<int64_t>::max() / 4;
  const int64_t most = MostPods(items, capacity);
  int64_t max_slots = 0;
  double memory_high = 0, slot_high = 0;  // past these multipliers no item is worth taking
  for (const KnapsackItem& item : items) {
    max_slots = std::max(max_slots, SlotCount(item.size));
    slot_high = std::max(slot_high, PerSlot(item));
    if (item.size.memory_bytes > 0) {
      memory_high = std::max(memory_high, item.value / static_cast<double>(item.size.memory_bytes));
    }
  }
  KnapsackDpResult result;
  result.upper_bound = std::numeric_limits<double>::infinity();
  std::vector<KnapsackItem> priced = items;
  std::vector<int64_t> counts;
  double value = 0;
  // The bound at slot multiplier `mu`, minimised over the memory multiplier by bisection;
  // returns the slots the best fill there uses.
  auto over_memory = [&](double mu) {
    double low = 0, high = memory_high;
    int64_t slots = 0;
    for (int step = 0; step < 16; ++step) {
      const double lambda = step == 0 ? 0.0 : (low + high) / 2;
      for (size_t i = 0; i < items.size(); ++i) {
        priced[i].value = items[i].value -
                          lambda * static_cast<double>(items[i].size.memory_bytes) -
                          mu * static_cast<double>(SlotCount(items[i].size));
        // The real request still has to fit the node to be taken at all.
        priced[i].max_count = items[i].size.FitsIn(capacity) ? items[i].max_count : 0;
      }
      GridDp dp(priced, unlimited, grid, int64_t{1} << 26);
      const double bound = dp.Solve(0.0, &counts) +
                           lambda * static_cast<double>(capacity.memory_bytes) +
                           mu * static_cast<double>(capacity.pods);
      if (bound < result.upper_bound) {
        result.upper_bound = bound;
        result.counts = counts;
      }
      if (counts.empty()) break;
      Resources used = Used(items, counts, &value);
      slots = used.pods;
      if (used.memory_bytes > capacity.memory_bytes) {
        low = lambda;
      } else {
        if (step == 0) break;  // the fill without memory's price fits it: nothing to gain
        high = lambda;
      }
    }
    return slots;
  };
  int64_t slots = over_memory(0.0);
  if (most * max_slots > capacity.pods && slots > capacity.pods) {
    double low = 0, high = slot_high;
    for (int step = 0; step < 10; ++step) {
      const double mu = (low + high) / 2;
      if (over_memory(mu) > capacity.pods) {
        low = mu;
      } else {
        high = mu;
      }
    }
  }
  if (!result.counts.empty()) Repair(items, capacity, &result);
  return result;
}

}  // namespace cloudoptim
