#include "engines/extension_lp.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "coin/ClpSimplex.hpp"
#include "engines/knapsack_dp.h"
#include "engines/lp_units.h"
#include "engines/scaled_farley_bound.h"
#include "engines/shape_lp.h"

namespace cloudoptim {
namespace {

// Why per-group rows. The configuration LP over the real pods has a row per pod and does not
// converge on thousands of them; over rounded groups it loses to the rounding what node
// granularity adds. Here the rows are per group of similar pods: its pod count, its total CPU
// and its total memory, each to be covered by the nodes bought. A column is a REAL fill of
// one type (real pods, each counted in its group's three rows), so every packing of the pods
// is a solution: the LP is a relaxation with 3·G rows. Its duals (y, a, b) per group give a
// real pod of group g the value y_g + a_g·cpu + b_g·memory: affine within a group, far
// richer than the fluid bound's one price per resource, yet smooth (the grouped-mean duals
// that failed before gave a whole group one value). The pricing searches real fills at
// those very values, so whatever the master's state, Σv/θ with θ proven over the real pods
// is a valid bound (Farley), and it equals the LP optimum when the pricing is exhausted.

using lp_units::kGiB;
using lp_units::kShapeLpShapes;
constexpr double kImproving = 1e-7;  // relative: a fill worth more than its price by this

using lp_units::Cpu;
using lp_units::Memory;
using lp_units::WithSlot;
// A bound rounded down to the micro-dollar, so rounding never lifts it above a packing.
Money FloorUsd(double usd) {
  return Money::FromMicros(static_cast<int64_t>(std::floor(usd * Money::kMicrosPerUsd)));
}
double CpuSeconds(std::clock_t since) {
  return static_cast<double>(std::clock() - since) / CLOCKS_PER_SEC;
}

// Distinct requests, each in one group.
struct Distinct {
  Resources size;
  int32_t group = 0;
  int64_t count = 0;
  double fluid = 0;  // the pod's fluid value (shape-LP unit prices of its cheapest type)
};

// A group's rows: its pods, their CPU (vCPU), memory (GiB) and fluid value. What one pod
// counts in each; its value is the duals' dot product with this.
constexpr size_t kRows = 4;
std::array<double, kRows> RowCoefficients(const Distinct& d) {
  return {1.0, Cpu(d.size), Memory(d.size), d.fluid};
}

struct Fill {
  int32_t option = 0;
  std::vector<std::pair<int32_t, int64_t>> pods;  // (distinct, count), by distinct
  double value = 0;                               // at the duals it was priced at
};

// The cheapest option that holds `used`; -1 when none does.
int32_t CheapestHolding(const Resources& used, const std::vector<PriceOption>& options) {
  int32_t best = -1;
  for (size_t t = 0; t < options.size(); ++t) {
    if (!used.FitsIn(options[t].allocatable)) continue;
    if (best < 0 || options[t].hourly < options[best].hourly) best = static_cast<int32_t>(t);
  }
  return best;
}

// Why quantile cells. A group's rows let the LP mix its pods (count from the small ones,
// CPU from others), so a group must be narrow where pods are dense; a uniform grid spends
// its cells on empty space. Distinct pods are cut into CPU bands of about equal pod counts,
// each band into memory bands the same way: about `groups` cells of equal size. Returns the
// number of groups.
size_t AssignGroups(size_t groups, std::vector<Distinct>* distinct) {
  std::vector<Distinct>& pods = *distinct;
  int64_t total = 0;
  for (const Distinct& d : pods) total += d.count;
  const size_t cpu_bands = std::max<size_t>(1, static_cast<size_t>(std::sqrt(groups)));
  const size_t memory_bands = std::max<size_t>(1, groups / cpu_bands);
  std::vector<size_t> order(pods.size());
  std::iota(order.begin(), order.end(), 0);
  auto by = [&](auto key) {
    return [&, key](size_t a, size_t b) { return key(pods[a]) < key(pods[b]); };
  };
  std::stable_sort(order.begin(), order.end(), by([](const Distinct& d) {
                     return std::tuple{d.size.cpu_millis, d.size.memory_bytes, d.size.pods};
                   }));
  // Cut `range` of `order` into `bands` runs of about equal pod counts.
  auto cut = [&](size_t begin, size_t end, size_t bands, int64_t pods_in) {
    std::vector<std::pair<size_t, size_t>> runs;
    int64_t seen = 0;
    size_t run_begin = begin;
    for (size_t k = begin; k < end; ++k) {
      seen += pods[order[k]].count;
      const size_t band = static_cast<size_t>(
          static_cast<double>(seen) * static_cast<double>(bands) / static_cast<double>(pods_in));
      if (band > runs.size() || k + 1 == end) {
        runs.push_back({run_begin, k + 1});
        run_begin = k + 1;
      }
    }
    return runs;
  };
  int32_t next = 0;
  for (const auto& [begin, end] : cut(0, order.size(), cpu_bands, total)) {
    int64_t in_band = 0;
    for (size_t k = begin; k < end; ++k) in_band += pods[order[k]].count;
    std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(begin),
                     order.begin() + static_cast<std::ptrdiff_t>(end), by([](const Distinct& d) {
                       return std::tuple{d.size.memory_bytes, d.size.cpu_millis, d.size.pods};
                     }));
    for (const auto& [b, e] : cut(begin, end, memory_bands, in_band)) {
      for (size_t k = b; k < e; ++k) pods[order[k]].group = next;
      ++next;
    }
  }
  return static_cast<size_t>(next);
}

class ExtensionLp {
 public:
  ExtensionLp(const std::vector<Distinct>& distinct, size_t groups,
              const std::vector<PriceOption>& options, const ExtensionLpLimits& limits)
      : distinct_(distinct), groups_(groups), options_(options), limits_(limits) {}

  // The column generation; `values` ends as the last master's value per distinct pod.
  Status Run(ExtensionLpResult* result, std::vector<double>* values) {
    const std::clock_t start = std::clock();
    Initialise();
    for (int32_t it = 0; it < limits_.max_iterations; ++it) {
      model_.primal();
      if (!model_.isProvenOptimal()) {
        return MakeError(ErrorCode::kInternal, "Clp did not solve the extension LP (status " +
                                                   std::to_string(model_.status()) + ")");
      }
      result->iterations = it + 1;
      result->master_usd = model_.objectiveValue();
      if (it == 0) result->first_master_usd = result->master_usd;
      *values = Values();
      if (limits_.time_limit_seconds && CpuSeconds(start) > *limits_.time_limit_seconds) break;
      if (it + 1 == limits_.max_iterations) break;
      double theta = 0;
      std::vector<Fill> improving = Price(*values, &theta);
      if (theta > 0) {
        const double bound = DualValue(*values) / theta;
        if (bound > result->loop_bound_usd) {
          result->loop_bound_usd = bound;
          result->loop_theta = theta;
          best_values_ = *values;
        }
      }
      if (improving.empty() || AddColumns(std::move(improving)) == 0) {
        result->pricing_found_nothing = true;
        break;
      }
    }
    result->columns = fills_.size();
    result->dual_value_usd = DualValue(*values);
    return Ok();
  }

  // The values behind the best bound proven during the loop (empty when none was).
  const std::vector<double>& best_values() const { return best_values_; }

  double DualValue(const std::vector<double>& values) const {
    double sum = 0;
    for (size_t d = 0; d < distinct_.size(); ++d) {
      sum += values[d] * static_cast<double>(distinct_[d].count);
    }
    return sum;
  }

  // Real fills to start from: whole nodes of a plan.
  void AddSeedFills(std::vector<Fill> fills) { seeds_ = std::move(fills); }

 private:
  // Rows: per group, pods, CPU, memory and fluid value to cover (RowCoefficients).
  // Columns: each group packed alone onto its cheapest type (so the master is feasible),
  // then the seed fills.
  void Initialise() {
    const int rows = static_cast<int>(kRows * groups_);
    std::vector<double> lower(rows, 0.0);
    for (const Distinct& d : distinct_) {
      const std::array<double, kRows> a = RowCoefficients(d);
      for (size_t r = 0; r < kRows; ++r) {
        lower[kRows * d.group + r] += static_cast<double>(d.count) * a[r];
      }
    }
    model_.setLogLevel(0);
    model_.resize(rows, 0);
    for (int r = 0; r < rows; ++r) {
      // A hair below the total: the sums of doubles must not make an exact packing infeasible.
      model_.setRowLower(r, lower[r] * (1 - 1e-12));
      model_.setRowUpper(r, COIN_DBL_MAX);
    }
    std::vector<Fill> initial = GroupPackings();
    for (Fill& f : seeds_) initial.push_back(std::move(f));
    AddColumns(std::move(initial));
  }

  // Each group's pods, largest CPU first, next-fit onto every type; the cheapest type's fills.
  std::vector<Fill> GroupPackings() const {
    std::vector<std::vector<int32_t>> members(groups_);
    for (size_t d = 0; d < distinct_.size(); ++d) {
      members[distinct_[d].group].push_back(static_cast<int32_t>(d));
    }
    std::vector<Fill> fills;
    for (std::vector<int32_t>& m : members) {
      std::sort(m.begin(), m.end(), [&](int32_t a, int32_t b) {
        return distinct_[a].size.cpu_millis > distinct_[b].size.cpu_millis;
      });
      std::vector<Fill> best;
      double best_cost = std::numeric_limits<double>::infinity();
      for (size_t t = 0; t < options_.size(); ++t) {
        std::vector<Fill> packed;
        if (!NextFit(m, static_cast<int32_t>(t), &packed)) continue;
        const double cost = static_cast<double>(packed.size()) * options_[t].hourly.usd();
        if (cost < best_cost) best_cost = cost, best = std::move(packed);
      }
      for (Fill& f : best) fills.push_back(std::move(f));
    }
    return fills;
  }

  bool NextFit(const std::vector<int32_t>& members, int32_t option,
               std::vector<Fill>* packed) const {
    const Resources& capacity = options_[option].allocatable;
    Resources used;
    Fill open{option, {}, 0};
    for (int32_t d : members) {
      const Resources& size = distinct_[d].size;
      if (!size.FitsIn(capacity)) return false;
      for (int64_t k = 0; k < distinct_[d].count; ++k) {
        if (!(used + size).FitsIn(capacity)) {
          packed->push_back(std::move(open));
          open = Fill{option, {}, 0};
          used = Resources{};
        }
        used += size;
        if (!open.pods.empty() && open.pods.back().first == d) {
          ++open.pods.back().second;
        } else {
          open.pods.push_back({d, 1});
        }
      }
    }
    if (!open.pods.empty()) packed->push_back(std::move(open));
    return true;
  }

  size_t AddColumns(std::vector<Fill> fills) {
    std::stable_sort(fills.begin(), fills.end(), [&](const Fill& a, const Fill& b) {
      return a.value - options_[a.option].hourly.usd() > b.value - options_[b.option].hourly.usd();
    });
    std::vector<CoinBigIndex> starts{0};
    std::vector<int> rows;
    std::vector<double> coefficients, lower, upper, cost;
    size_t added = 0;
    for (Fill& f : fills) {
      if (!seen_.insert({f.option, f.pods}).second) continue;
      std::map<int32_t, std::array<double, kRows>> per_group;
      for (const auto& [d, count] : f.pods) {
        std::array<double, kRows>& g = per_group[distinct_[d].group];
        const std::array<double, kRows> a = RowCoefficients(distinct_[d]);
        for (size_t r = 0; r < kRows; ++r) g[r] += static_cast<double>(count) * a[r];
      }
      for (const auto& [group, sums] : per_group) {
        for (size_t r = 0; r < kRows; ++r) {
          if (sums[r] <= 0) continue;
          rows.push_back(static_cast<int>(kRows * group + r));
          coefficients.push_back(sums[r]);
        }
      }
      starts.push_back(static_cast<CoinBigIndex>(rows.size()));
      lower.push_back(0.0);
      upper.push_back(COIN_DBL_MAX);
      cost.push_back(options_[f.option].hourly.usd());
      fills_.push_back(std::move(f));
      ++added;
    }
    if (added > 0) {
      model_.addColumns(static_cast<int>(added), lower.data(), upper.data(), cost.data(),
                        starts.data(), rows.data(), coefficients.data());
    }
    return added;
  }

  // Each distinct pod's value at the master's duals (≥ 0: the rows are ≥ in a minimisation).
  std::vector<double> Values() const {
    const double* duals = model_.dualRowSolution();
    std::vector<double> values(distinct_.size());
    for (size_t d = 0; d < distinct_.size(); ++d) {
      const size_t g = kRows * static_cast<size_t>(distinct_[d].group);
      const std::array<double, kRows> a = RowCoefficients(distinct_[d]);
      values[d] = 0;
      for (size_t r = 0; r < kRows; ++r) values[d] += std::max(duals[g + r], 0.0) * a[r];
    }
    return values;
  }

  std::vector<KnapsackItem> Items(const std::vector<double>& values) const {
    std::vector<KnapsackItem> items;
    items.reserve(distinct_.size());
    for (size_t d = 0; d < distinct_.size(); ++d) {
      items.push_back({distinct_[d].size, values[d], distinct_[d].count});
    }
    return items;
  }

  // Why a greedy for every type and DPs for a few. The DPs find the best fills but cost
  // 10-300 ms each on thousands of pods; the greedy (best value per share of the node first)
  // is microseconds and finds improving fills on most types early on. The types the
  // surrogate bound ranks most promising get the DP (2-D grid, or CPU-only with memory
  // priced in where the grid would be coarse), whose repaired fill is a real column. When
  // that finds nothing, every type that could improve gets the DP (a full sweep): then
  // every type's value is bounded, which also gives a proven θ at these values for free.
  std::vector<Fill> Price(const std::vector<double>& values, double* theta) const {
    const std::vector<KnapsackItem> items = Items(values);
    std::vector<Fill> found;
    std::vector<std::pair<double, size_t>> promise;  // (−surrogate ratio, type)
    std::vector<double> ratio(options_.size(), 0.0);
    for (size_t t = 0; t < options_.size(); ++t) {
      const PriceOption& o = options_[t];
      const double price = o.hourly.usd();
      Fill greedy = Greedy(items, static_cast<int32_t>(t));
      if (greedy.value > price * (1 + kImproving)) found.push_back(std::move(greedy));
      ratio[t] = SurrogateRatio(items, static_cast<int32_t>(t));
      if (ratio[t] > 1 + kImproving) promise.push_back({-ratio[t], t});
    }
    std::sort(promise.begin(), promise.end());
    bool sweep = false;
    for (size_t k = 0; k < promise.size(); ++k) {
      if (k >= static_cast<size_t>(limits_.dp_types)) {
        if (!found.empty() && !sweep) break;
        sweep = true;
      }
      const int32_t t = static_cast<int32_t>(promise[k].second);
      double bound = 0;
      std::optional<Fill> fill = DpFill(items, t, &bound);
      ratio[t] = std::min(ratio[t], bound / options_[t].hourly.usd());
      if (fill && fill->value > options_[t].hourly.usd() * (1 + kImproving)) {
        found.push_back(std::move(*fill));
      }
    }
    // Every type was bounded by its DP or its surrogate: a proven θ at these values.
    *theta = 0;
    if (sweep || promise.empty()) {
      for (double r : ratio) *theta = std::max(*theta, r);
    }
    std::stable_sort(found.begin(), found.end(), [&](const Fill& a, const Fill& b) {
      return a.value / options_[a.option].hourly.usd() > b.value / options_[b.option].hourly.usd();
    });
    if (found.size() > static_cast<size_t>(limits_.max_columns_per_iteration)) {
      found.resize(static_cast<size_t>(limits_.max_columns_per_iteration));
    }
    return found;
  }

  // An upper bound on one node's value / price: fractional knapsacks on the normalised sum of
  // CPU and memory, and on each alone.
  double SurrogateRatio(const std::vector<KnapsackItem>& items, int32_t option) const {
    const PriceOption& o = options_[option];
    const double cpu = 1.0 / static_cast<double>(std::max<int64_t>(o.allocatable.cpu_millis, 1));
    const double memory =
        1.0 / static_cast<double>(std::max<int64_t>(o.allocatable.memory_bytes, 1));
    double bound = std::numeric_limits<double>::infinity();
    for (const std::array<double, 3>& w :
         {std::array<double, 3>{cpu, memory, 0.0}, std::array<double, 3>{cpu, 0.0, 0.0},
          std::array<double, 3>{0.0, memory, 0.0}}) {
      bound = std::min(bound, SurrogateNodeValueBound(items, o.allocatable, w));
    }
    return bound / o.hourly.usd();
  }

  // Greedy fills, best value per weighted share of the node first, for a few weightings of
  // memory against CPU (the one that matches the pods' mix is near-optimal on nodes of
  // dozens of pods, where the DPs round or price memory coarsely); the best one.
  Fill Greedy(const std::vector<KnapsackItem>& items, int32_t option) const {
    Fill best{option, {}, 0};
    for (double memory_weight : {0.0, 0.1, 0.3, 1.0, 3.0, 10.0}) {
      Fill fill = GreedyWeighted(items, option, memory_weight);
      if (fill.value > best.value) best = std::move(fill);
    }
    return best;
  }

  Fill GreedyWeighted(const std::vector<KnapsackItem>& items, int32_t option,
                      double memory_weight) const {
    const Resources& capacity = options_[option].allocatable;
    auto share = [&](const Resources& r) {
      return static_cast<double>(r.cpu_millis) /
                 static_cast<double>(std::max<int64_t>(capacity.cpu_millis, 1)) +
             memory_weight * static_cast<double>(r.memory_bytes) /
                 static_cast<double>(std::max<int64_t>(capacity.memory_bytes, 1)) +
             static_cast<double>(r.pods) / static_cast<double>(std::max<int64_t>(capacity.pods, 1));
    };
    std::vector<std::pair<double, int32_t>> order;
    for (size_t d = 0; d < items.size(); ++d) {
      if (items[d].value <= 0 || !items[d].size.FitsIn(capacity)) continue;
      order.push_back({-items[d].value / share(items[d].size), static_cast<int32_t>(d)});
    }
    std::sort(order.begin(), order.end());
    Fill fill{option, {}, 0};
    Resources used;
    for (const auto& [key, d] : order) {
      int64_t taken = 0;
      while (taken < items[d].max_count && (used + items[d].size).FitsIn(capacity)) {
        used += items[d].size;
        ++taken;
      }
      if (taken > 0) {
        fill.pods.push_back({d, taken});
        fill.value += items[d].value * static_cast<double>(taken);
      }
    }
    std::sort(fill.pods.begin(), fill.pods.end());
    return fill;
  }

  // The best fill the DPs find for `option` (nullopt when none fits the real node), and in
  // `bound` an upper bound on every fill's value.
  std::optional<Fill> DpFill(const std::vector<KnapsackItem>& items, int32_t option,
                             double* bound) const {
    const Resources& capacity = options_[option].allocatable;
    const KnapsackGrid grid = ChooseKnapsackGrid(items, capacity, limits_.dp_cells);
    // Small nodes: the 2-D grid is fine-grained enough; large ones hold dozens of pods and
    // are better served by CPU alone with memory priced in (also where the grid's fill
    // does not survive its repair).
    KnapsackDpResult dp;
    dp.upper_bound = std::numeric_limits<double>::infinity();
    if (grid.memory_cells >= 64 && KnapsackDpWork(items, capacity, grid) <= limits_.dp_max_work) {
      dp = SolveKnapsackDp(items, capacity, grid, int64_t{1} << 28, /*price_slots=*/false);
    }
    if (!dp.fits) {
      KnapsackDpResult lagrangian = MemoryLagrangianDp(items, capacity, 1024);
      lagrangian.upper_bound = std::min(lagrangian.upper_bound, dp.upper_bound);
      dp = std::move(lagrangian);
    }
    *bound = dp.upper_bound;
    if (!dp.fits || dp.counts.size() != items.size()) return std::nullopt;
    Fill fill{option, {}, 0};
    for (size_t d = 0; d < items.size(); ++d) {
      if (dp.counts[d] <= 0) continue;
      fill.pods.push_back({static_cast<int32_t>(d), dp.counts[d]});
      fill.value += items[d].value * static_cast<double>(dp.counts[d]);
    }
    return fill;
  }

  const std::vector<Distinct>& distinct_;
  size_t groups_;
  const std::vector<PriceOption>& options_;
  const ExtensionLpLimits& limits_;
  ClpSimplex model_;
  std::vector<Fill> fills_;
  std::vector<Fill> seeds_;
  std::vector<double> best_values_;
  std::set<std::pair<int32_t, std::vector<std::pair<int32_t, int64_t>>>> seen_;
};

// Distinct requests of `pods` (with their fluid values), and each pod's index among them.
std::vector<Distinct> MakeDistinct(const std::vector<Resources>& pods,
                                   const std::vector<double>& charge,
                                   std::vector<int32_t>* distinct_of) {
  std::vector<Distinct> distinct;
  distinct_of->assign(pods.size(), 0);
  std::map<std::tuple<int64_t, int64_t, int64_t>, int32_t> index;
  for (size_t i = 0; i < pods.size(); ++i) {
    const Resources r = WithSlot(pods[i]);
    auto [it, added] = index.try_emplace(std::tuple{r.cpu_millis, r.memory_bytes, r.pods},
                                         static_cast<int32_t>(distinct.size()));
    if (added) distinct.push_back({r, 0, 0, charge[i]});
    ++distinct[it->second].count;
    (*distinct_of)[i] = it->second;
  }
  return distinct;
}

// The seed fills that are real fills (pod indices in range, each pod once, some type holds
// them), each on the cheapest type that does. The others are dropped: they could lower the
// master below the LP (the bound itself never depends on the columns).
std::vector<Fill> SeedColumns(const std::vector<std::vector<size_t>>& seed_fills,
                              const std::vector<Resources>& pods,
                              const std::vector<int32_t>& distinct_of,
                              const std::vector<PriceOption>& options) {
  std::vector<Fill> seeds;
  for (const std::vector<size_t>& node : seed_fills) {
    std::map<int32_t, int64_t> counts;
    std::set<size_t> seen;
    Resources used;
    bool valid = true;
    for (size_t i : node) {
      valid = valid && i < pods.size() && seen.insert(i).second;
      if (!valid) break;
      ++counts[distinct_of[i]];
      used += WithSlot(pods[i]);
    }
    const int32_t option = valid ? CheapestHolding(used, options) : -1;
    if (option >= 0) seeds.push_back({option, {counts.begin(), counts.end()}, 0});
  }
  return seeds;
}

}  // namespace

Result<ExtensionLpResult> ExtensionLpBound(const std::vector<Resources>& pods,
                                           const std::vector<PriceOption>& options,
                                           const ExtensionLpLimits& limits) {
  const std::clock_t start = std::clock();
  ExtensionLpResult result;
  if (options.empty()) return InvalidArgument("no instance types to pack onto");
  if (pods.empty()) return result;
  const std::vector<PriceOption> kept = NonDominated(options);
  for (const Resources& r : pods) {
    if (CheapestHolding(WithSlot(r), kept) < 0) {
      return InvalidArgument("a pod of " + r.ToString() + " fits no instance type");
    }
  }
  // The fluid values: each pod at its cheapest type's shape-LP unit prices (a bound alone).
  CO_ASSIGN_OR_RETURN(ShapeLpSolution fluid, SolveFluidShapeLp(pods, kShapeLpShapes, kept));
  const std::vector<std::array<double, 3>> weights = PerUnitWeights(fluid);
  std::vector<double> charge(pods.size());
  double fluid_sum = 0;
  for (size_t i = 0; i < pods.size(); ++i) {
    charge[i] = DualPriceBound({WithSlot(pods[i])}, kept, fluid.unit_prices);
    fluid_sum += charge[i];
  }
  result.fluid = FloorUsd(fluid_sum);
  result.bound = result.fluid;

  std::vector<int32_t> distinct_of;
  std::vector<Distinct> distinct = MakeDistinct(pods, charge, &distinct_of);
  result.groups = AssignGroups(limits.groups, &distinct);
  ExtensionLp lp(distinct, result.groups, kept, limits);
  lp.AddSeedFills(SeedColumns(limits.seed_fills, pods, distinct_of, kept));
  std::vector<double> values;
  CO_RETURN_IF_ERROR(lp.Run(&result, &values));

  // Farley: for the last master's values (and blends of them with the fluid ones) and the
  // best values of the loop, θ proven over the real distinct pods, then Σv/θ.
  std::vector<std::pair<const std::vector<double>*, double>> candidates;
  for (double alpha : limits.blends) candidates.push_back({&values, alpha});
  if (!lp.best_values().empty()) candidates.push_back({&lp.best_values(), 1.0});
  for (const auto& [candidate, alpha] : candidates) {
    std::vector<double> per_pod(pods.size());
    double sum = 0;
    for (size_t i = 0; i < pods.size(); ++i) {
      per_pod[i] = std::max(0.0, alpha * (*candidate)[distinct_of[i]] + (1 - alpha) * charge[i]);
      sum += per_pod[i];
    }
    const FarleyTheta theta =
        ComputeFarleyTheta(DistinctPods(pods, per_pod), kept, weights, limits.node);
    if (theta.theta <= 0) continue;
    const Money bound = FloorUsd(sum / theta.theta);
    if (result.theta == 0 || bound > result.extension) {
      result.extension = bound;
      result.theta = theta.theta;
      result.theta_option = kept[theta.option].name;
      result.alpha = alpha;
    }
  }
  if (result.loop_bound_usd > result.extension.usd()) {
    result.extension = FloorUsd(result.loop_bound_usd);
    result.theta = result.loop_theta;
    result.theta_option.clear();
    result.alpha = 1.0;
  }
  result.bound = std::max(result.bound, result.extension);
  result.seconds = CpuSeconds(start);
  return result;
}

}  // namespace cloudoptim
