#include "engines/config_lp.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "coin/ClpSimplex.hpp"
#include "engines/knapsack_dp.h"
#include "engines/knapsack_grid_bound.h"
#include "engines/lp_units.h"

namespace cloudoptim {
namespace {

// Why column generation. The shape LP lets a node hold 1.5 pods; on small burstable types
// (2 vCPU) that hold one or two of a batch's pods, that fraction is most of the gap between
// the LP and any real packing. The configuration LP buys whole node configurations instead,
// so its only relaxation is how many nodes of each configuration (its integrality gap for
// bin packing is famously small, under one bin in practice). There are far too many
// configurations to list, so we start from one homogeneous configuration per shape and add
// configurations that the current dual prices say would lower the cost: for each type, the
// pods whose duals sum highest on one node (a bounded knapsack in CPU, memory and pod
// slots, solved by depth-first branch and bound). Stopping early still gives a valid bound:
// scaling the duals down by the largest ratio of a column's dual value to its price (known
// from the knapsacks' upper bounds) makes them feasible for the full LP (Farley 1990).

constexpr double kEpsilon = 1e-9;
constexpr int32_t kGridCells = 64;  // per resource, for GridKnapsackBound
using lp_units::kGiB;
constexpr int64_t kLagrangianCells = 4096;   // CPU cells of MemoryLagrangianDp
constexpr int64_t kDpMaxWork = 400'000'000;  // cell updates of one grid DP

using lp_units::kDims;

int64_t Dim(const Resources& r, int d) {
  return d == 0 ? r.cpu_millis : d == 1 ? r.memory_bytes : r.pods;
}

// How many pods of `d` fit in `free`, at most `cap`.
int64_t FitCount(const Resources& d, const Resources& free, int64_t cap) {
  int64_t n = cap;
  for (int r = 0; r < 3; ++r) {
    if (Dim(d, r) > 0) n = std::min(n, Dim(free, r) / Dim(d, r));
    if (Dim(free, r) < 0) return 0;
  }
  return std::max<int64_t>(n, 0);
}

struct Item {
  int32_t shape = 0;
  double value = 0;  // the shape's dual price
  Resources size;
  int64_t max_count = 0;
  double ratio = 0;  // value per unit of normalised size (the search order)
  // Set by the knapsack, for its bounds' inner loops: the size per resource as a double, and
  // the normalised size (at least 1e-12).
  std::array<double, 3> dims{};
  double normalised = 0;
};

// The bounded knapsack of one type: max Σ value_i a_i with Σ size_i a_i ≤ capacity,
// 0 ≤ a_i ≤ max_count_i integer. `upper_bound` is exact when the search finished.
class Knapsack {
 public:
  // `max_pods`: at most this many of the items fit together (MaxPodsOn).
  Knapsack(std::vector<Item> items, const Resources& capacity, int64_t max_nodes,
           const std::array<double, 3>* unit_prices, bool grid_bound, int64_t max_pods)
      : items_(std::move(items)),
        capacity_(capacity),
        max_nodes_(max_nodes),
        grid_bound_(grid_bound),
        max_pods_(max_pods) {
    if (unit_prices != nullptr) {
      hint_ = {(*unit_prices)[0] / 1000.0, (*unit_prices)[1] / kGiB, (*unit_prices)[2]};
    }
    for (int r = 0; r < 3; ++r) {
      weight_[r] = Dim(capacity, r) > 0 ? 1.0 / static_cast<double>(Dim(capacity, r)) : 0.0;
    }
    for (Item& item : items_) {
      for (int r = 0; r < 3; ++r) item.dims[r] = static_cast<double>(Dim(item.size, r));
      item.normalised = std::max(Normalised(item.size), 1e-12);
      item.ratio = item.value / item.normalised;
    }
    std::stable_sort(items_.begin(), items_.end(),
                     [](const Item& a, const Item& b) { return a.ratio > b.ratio; });
    // Suffix maxima of value per unit of each single resource, and suffix sums of value.
    suffix_.assign(items_.size() + 1, {0, 0, 0, 0});
    for (size_t k = items_.size(); k-- > 0;) {
      for (int r = 0; r < 3; ++r) {
        double per = Dim(items_[k].size, r) > 0
                         ? items_[k].value / static_cast<double>(Dim(items_[k].size, r))
                         : std::numeric_limits<double>::infinity();
        suffix_[k][r] = std::max(suffix_[k + 1][r], per);
      }
      suffix_[k][3] =
          suffix_[k + 1][3] + items_[k].value * static_cast<double>(items_[k].max_count);
    }
    counts_.assign(items_.size(), 0);
    best_counts_ = counts_;
    suffix_value_.assign(items_.size() + 1, 0.0);
    for (size_t k = items_.size(); k-- > 0;) {
      suffix_value_[k] = std::max(suffix_value_[k + 1], items_[k].value);
    }
  }

  void Solve() {
    Search(0, capacity_, 0.0, 0);
    solved_ = true;
    exact_ = exact_ || nodes_ <= max_nodes_;
    upper_bound_ = exact_ ? best_ : std::max(best_, std::min(upper_bound_, Root()));
    if (!exact_ && grid_bound_) {
      // The search gave up (hundreds of shapes on a small type): the grid DP's relaxation
      // is far tighter than the LP bounds there, and proves the best fill when it meets it.
      std::vector<KnapsackItem> grid;
      for (const Item& item : items_) grid.push_back({item.size, item.value, item.max_count});
      double at_most = GridKnapsackBound(grid, capacity_, kGridCells);
      upper_bound_ = std::max(best_, std::min(upper_bound_, at_most));
      if (at_most <= best_ + kEpsilon) exact_ = true;
    }
  }

  // The DP on a grid of at most `max_cells` cells (SolveKnapsackDp): a bound that is exact
  // where the requests' divisors allow it, and its best fill when that fits the node.
  // `lagrangian` adds the CPU-only DP with memory priced in where the grid rounds: tighter on
  // large nodes, but dozens of DPs (for θ, not for the columns of every iteration).
  void Tighten(int64_t max_cells, double max_grid_loss, bool lagrangian) {
    const double known = upper_bound();  // the search's or the root bound: the DP may skip
    if (lagrangian) tightened_ = true;   // else the θ step may still add the Lagrangian DP
    const std::vector<KnapsackItem> items = KnapsackItems();
    KnapsackGrid grid = ChooseKnapsackGrid(items, capacity_, max_cells);
    // Where the grid rounds: also CPU alone on a fine grid, memory by its multiplier (tighter
    // on large nodes, where the 2-D grid is coarse and skipped); the better bound counts.
    KnapsackDpResult dp;
    dp.upper_bound = std::numeric_limits<double>::infinity();
    // For the columns of every iteration a tenth of the work, one DP, no slot pricing.
    const int64_t work = lagrangian ? kDpMaxWork : kDpMaxWork / 10;
    if ((grid.exact || GridLoss(grid) <= max_grid_loss) &&
        KnapsackDpWork(items, capacity_, grid) <= work) {
      dp = SolveKnapsackDp(items, capacity_, grid, int64_t{1} << 28, lagrangian);
    }
    KnapsackGrid row;  // the CPU-only DP's table, for its work: 16 multipliers or more
    row.cpu_cells = std::min<int64_t>(kLagrangianCells, capacity_.cpu_millis / 50);
    if (!grid.exact && lagrangian && 16 * KnapsackDpWork(items, capacity_, row) <= kDpMaxWork) {
      KnapsackDpResult priced = MemoryLagrangianDp(items, capacity_, kLagrangianCells);
      if (priced.fits && (!dp.fits || priced.value > dp.value)) {
        dp.counts = priced.counts;
        dp.fits = true;
        dp.value = priced.value;
      }
      dp.upper_bound = std::min(dp.upper_bound, priced.upper_bound);
    }
    if (dp.fits && dp.value > best_) {
      best_ = dp.value;
      best_counts_ = dp.counts;
    }
    upper_bound_ = std::max(best_, std::min(known, dp.upper_bound));
    if (upper_bound_ <= best_ + kEpsilon) {
      exact_ = true;
      upper_bound_ = best_;
    }
  }

  // What rounding down onto `grid` may add to a typical fill, as a share of the node: about
  // half a cell per pod, for as many average pods as fit. Past a few percent the DP bound
  // is no better than the LP bounds (large nodes holding dozens of pods).
  double GridLoss(const KnapsackGrid& grid) const {
    double count = 0, cpu = 0, memory = 0;
    for (const Item& item : items_) {
      count += static_cast<double>(item.max_count);
      cpu += static_cast<double>(item.size.cpu_millis * item.max_count);
      memory += static_cast<double>(item.size.memory_bytes * item.max_count);
    }
    if (count == 0) return 0;
    double pods = static_cast<double>(capacity_.pods);
    if (cpu > 0) pods = std::min(pods, static_cast<double>(capacity_.cpu_millis) * count / cpu);
    if (memory > 0) {
      pods = std::min(pods, static_cast<double>(capacity_.memory_bytes) * count / memory);
    }
    return pods / 2 *
           std::max(static_cast<double>(grid.cpu_millis) /
                        static_cast<double>(std::max<int64_t>(capacity_.cpu_millis, 1)),
                    static_cast<double>(grid.memory_bytes) /
                        static_cast<double>(std::max<int64_t>(capacity_.memory_bytes, 1)));
  }

  // The root bound, computed once.
  double Root() {
    if (!root_) root_ = RootBound();
    return *root_;
  }

  // A valid bound on the knapsack's optimum without searching: the cheap bounds of the
  // search, and the Lagrangian bound (see LagrangianBound) at a few multipliers.
  double RootBound() const {
    if (items_.empty()) return 0.0;
    double bound = Bound(0, capacity_, 0);
    std::array<double, 4> best = {hint_[0], hint_[1], hint_[2], 0.0};
    double best_value = hint_ == std::array<double, 3>{} ? bound : LagrangianBound(best);
    if (best_value >= bound) {  // no hint: start from the surrogate's critical ratio
      double ratio = CriticalRatio();
      best = {weight_[0] * ratio, weight_[1] * ratio, weight_[2] * ratio, 0.0};
      best_value = LagrangianBound(best);
    }
    // Coordinate search: the bound is convex and piecewise linear in the multipliers.
    for (double step : {2.0, 1.25, 1.05}) {
      for (int round = 0; round < 3; ++round) {
        for (int r = 0; r < 4; ++r) {
          for (double f : {step, 1.0 / step}) {
            std::array<double, 4> trial = best;
            // From zero only upwards: a negative multiplier does not give a valid bound.
            if (trial[r] <= 0 && f < 1) continue;
            double from_zero = r < 3 ? weight_[r] * CriticalRatio() : 0.25 * suffix_value_[0];
            trial[r] = trial[r] > 0 ? trial[r] * f : from_zero * (f - 1);
            double value = LagrangianBound(trial);
            if (value < best_value) {
              best_value = value;
              best = trial;
            }
          }
        }
      }
    }
    return std::min(bound, best_value);
  }
  double best() const { return best_; }
  // The tightest bound known: the search's, the DP's, else the root bound.
  double upper_bound() {
    if (!solved_ && !tightened_) return Root();
    return upper_bound_;
  }
  bool exact() const { return exact_; }
  bool solved() const { return solved_; }
  bool tightened() const { return tightened_; }
  int64_t max_pods() const { return max_pods_; }
  std::vector<std::pair<int32_t, int32_t>> BestConfig() const { return Config(best_counts_); }
  // The best fill and the runners-up the search passed through (see keep_fills), best first.
  std::vector<std::vector<std::pair<int32_t, int32_t>>> Configs() const {
    std::vector<std::vector<std::pair<int32_t, int32_t>>> configs = {BestConfig()};
    for (size_t f = fills_.size(); f-- > 0;) {
      if (fills_[f] != best_counts_) configs.push_back(Config(fills_[f]));
    }
    return configs;
  }
  // Keep the last `n` improving fills of the search, not only the best.
  void KeepFills(size_t n) { keep_fills_ = n; }

 private:
  std::vector<std::pair<int32_t, int32_t>> Config(const std::vector<int64_t>& counts) const {
    std::vector<std::pair<int32_t, int32_t>> pods;
    for (size_t k = 0; k < items_.size(); ++k) {
      if (counts[k] > 0) pods.push_back({items_[k].shape, static_cast<int32_t>(counts[k])});
    }
    std::sort(pods.begin(), pods.end());
    return pods;
  }

  double Normalised(const Resources& r) const {
    double sum = 0;
    for (int d = 0; d < 3; ++d) sum += weight_[d] * static_cast<double>(Dim(r, d));
    return sum;
  }

  // Bound on what items k.. can add in `free`: the fractional knapsack on the surrogate
  // constraint (the sum of the normalised resources; items are in its ratio order, so the
  // greedy fill is its LP optimum), each single resource alone, and the value of everything
  // left. All three are valid since any feasible fill satisfies each of those constraints.
  double Bound(size_t k, const Resources& free, int64_t used) const {
    double bound = suffix_[k][3];
    bound = std::min(bound, static_cast<double>(max_pods_ - used) * suffix_value_[k]);
    for (int r = 0; r < 3; ++r) {
      if (std::isfinite(suffix_[k][r])) {
        bound = std::min(bound, static_cast<double>(Dim(free, r)) * suffix_[k][r]);
      }
    }
    double room = Normalised(free), value = 0;
    for (size_t j = k; j < items_.size() && room > 0 && value < bound; ++j) {
      double size = items_[j].normalised;
      double take = std::min(static_cast<double>(items_[j].max_count), room / size);
      value += take * items_[j].value;
      room -= take * size;
    }
    return std::min(bound, value);
  }

  void Search(size_t k, const Resources& free, double value, int64_t used) {
    if (++nodes_ > max_nodes_) return;
    if (value > best_ + kEpsilon) {
      best_ = value;
      best_counts_ = counts_;
      if (keep_fills_ > 1) {
        if (fills_.size() == keep_fills_) fills_.erase(fills_.begin());
        fills_.push_back(counts_);
      }
    }
    if (k == items_.size() || value + Bound(k, free, used) <= best_ + kEpsilon) return;
    const Item& item = items_[k];
    for (int64_t c = FitCount(item.size, free, item.max_count); c >= 0; --c) {
      counts_[k] = c;
      Search(k + 1, free - item.size * c, value + static_cast<double>(c) * item.value, used + c);
      if (nodes_ > max_nodes_) break;
    }
    counts_[k] = 0;
  }

  // The knapsack LP's dual: for multipliers λ ≥ 0 per resource, capacity·λ plus what every
  // item earns above its λ-cost (each up to its count) bounds every fill. Valid for any λ.
  // lambda[3] prices the cardinality constraint (at most max_pods_ pods; see MaxPodsOn).
  double LagrangianBound(const std::array<double, 4>& lambda) const {
    double value = lambda[3] * static_cast<double>(max_pods_);
    for (int r = 0; r < 3; ++r) value += lambda[r] * static_cast<double>(Dim(capacity_, r));
    for (const Item& item : items_) {
      double cost = lambda[3];
      for (int r = 0; r < 3; ++r) cost += lambda[r] * item.dims[r];
      if (item.value > cost) value += (item.value - cost) * static_cast<double>(item.max_count);
    }
    return value;
  }

  // The items as the knapsack DP and its bounds take them.
  std::vector<KnapsackItem> KnapsackItems() const {
    std::vector<KnapsackItem> items;
    for (const Item& item : items_) items.push_back({item.size, item.value, item.max_count});
    return items;
  }

  // The ratio of the last item the fractional surrogate fill takes.
  double CriticalRatio() const {
    double room = Normalised(capacity_);
    for (const Item& item : items_) {
      room -= Normalised(item.size) * static_cast<double>(item.max_count);
      if (room <= 0) return item.ratio;
    }
    return 0.0;
  }

  std::array<double, 3> hint_{};
  std::vector<Item> items_;
  Resources capacity_;
  int64_t max_nodes_;
  bool grid_bound_ = false;
  std::array<double, 3> weight_{};
  std::vector<std::array<double, 4>> suffix_;
  std::vector<int64_t> counts_, best_counts_;
  std::vector<double> suffix_value_;  // the largest value among items k..
  int64_t max_pods_ = 0;
  int64_t nodes_ = 0;
  double best_ = 0, upper_bound_ = std::numeric_limits<double>::infinity();
  std::optional<double> root_;
  size_t keep_fills_ = 1;
  std::vector<std::vector<int64_t>> fills_;
  bool exact_ = false, solved_ = false, tightened_ = false;
};

struct Column {
  int32_t option = 0;
  std::vector<std::pair<int32_t, int32_t>> pods;
  double reduced_cost = 0;
};

class ColumnGeneration {
 public:
  ColumnGeneration(const std::vector<PodShape>& shapes, const std::vector<PriceOption>& options,
                   const ConfigLpLimits& limits)
      : shapes_(shapes), options_(options), limits_(limits) {}

  Result<ConfigLpSolution> Run() {
    const std::clock_t start = std::clock();
    CO_RETURN_IF_ERROR(Initialise());
    if (limits_.initial_duals.size() == shapes_.size()) {
      center_ = Duals{limits_.initial_duals, {0, 0, 0}};
      for (double& pi : center_->pi) pi = std::max(pi, 0.0);
      center_bound_ = -1;
    }
    ConfigLpSolution solution;
    for (int32_t it = 0; it < limits_.max_iterations; ++it) {
      model_.primal();
      if (!model_.isProvenOptimal()) {
        return MakeError(ErrorCode::kInternal, "Clp did not solve the configuration LP (status " +
                                                   std::to_string(model_.status()) + ")");
      }
      solution.iterations = it + 1;
      solution.master_usd = model_.objectiveValue();
      bool all_exact = true;
      double lower = solution.lower_bound_usd;  // the best so far: the DP skips what cannot beat it
      std::vector<Column> improving = Price(&all_exact, &lower);
      solution.lower_bound_usd = std::max(solution.lower_bound_usd, lower);
      if (improving.empty()) {
        solution.converged = all_exact;
        if (all_exact) solution.lower_bound_usd = std::max(solution.lower_bound_usd, lower);
        break;
      }
      bool out_of_time =
          limits_.time_limit_seconds &&
          static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC > *limits_.time_limit_seconds;
      if (out_of_time || it + 1 == limits_.max_iterations) break;
      if (AddColumns(std::move(improving), limits_.max_columns_per_iteration) == 0) break;
    }
    solution.lower_bound_usd = std::min(solution.lower_bound_usd, solution.master_usd);
    const Duals last = MasterDuals();
    solution.master_shape_duals = last.pi;
    for (int r = 0; r < 3; ++r) solution.master_total_duals[r] = last.mu[r];
    if (best_duals_) {
      solution.shape_duals = best_duals_->pi;
      for (int r = 0; r < 3; ++r) solution.total_duals[r] = best_duals_->mu[r];
    }
    const double* x = model_.primalColumnSolution();
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (x[c] > 1e-9 && columns_[c].option >= 0)
        solution.configs.push_back({columns_[c].option, columns_[c].pods, x[c]});
    }
    return solution;
  }

 private:
  int TotalRows() const { return limits_.exact_total ? 3 : 0; }

  // One homogeneous column per shape (its cheapest type per pod), and with exact totals one
  // empty node of the cheapest type per unit of each resource, so the master is feasible.
  Status Initialise() {
    if (options_.empty()) return InvalidArgument("no instance types to pack onto");
    const int rows = static_cast<int>(shapes_.size()) + TotalRows();
    std::vector<double> row_lower(rows, 0.0), row_upper(rows, COIN_DBL_MAX);
    for (size_t s = 0; s < shapes_.size(); ++s) {
      row_lower[s] = static_cast<double>(shapes_[s].count);
    }
    for (int r = 0; r < TotalRows(); ++r) {
      row_lower[shapes_.size() + r] = kDims[r](*limits_.exact_total);
    }
    model_.setLogLevel(0);
    model_.resize(rows, 0);
    for (int r = 0; r < rows; ++r) {
      model_.setRowLower(r, row_lower[r]);
      model_.setRowUpper(r, row_upper[r]);
    }
    std::vector<Column> initial;
    for (size_t s = 0; s < shapes_.size(); ++s) {
      if (shapes_[s].count <= 0) continue;
      int32_t best = -1;
      int64_t best_count = 0;
      double best_per_pod = std::numeric_limits<double>::max();
      for (size_t t = 0; t < options_.size(); ++t) {
        int64_t n = FitCount(shapes_[s].requests, options_[t].allocatable, shapes_[s].count);
        if (n <= 0) continue;
        double per_pod = options_[t].hourly.usd() / static_cast<double>(n);
        if (per_pod < best_per_pod) {
          best_per_pod = per_pod;
          best = static_cast<int32_t>(t);
          best_count = n;
        }
      }
      if (best < 0) {
        return InvalidArgument("a pod of " + shapes_[s].requests.ToString() +
                               " fits no instance type");
      }
      initial.push_back({best, {{static_cast<int32_t>(s), static_cast<int32_t>(best_count)}}, 0});
    }
    for (int r = 0; r < TotalRows(); ++r) {
      int32_t best = -1;
      double best_per_unit = std::numeric_limits<double>::max();
      for (size_t t = 0; t < options_.size(); ++t) {
        double units = kDims[r](options_[t].allocatable);
        if (units > 0 && options_[t].hourly.usd() / units < best_per_unit) {
          best_per_unit = options_[t].hourly.usd() / units;
          best = static_cast<int32_t>(t);
        }
      }
      if (best >= 0) initial.push_back({best, {}, 0});
    }
    AddColumns(std::move(initial), std::numeric_limits<size_t>::max());
    if (limits_.dual_inequalities) AddDualInequalities();
    SortShapesByResource();
    return Ok();
  }

  // Why only the nearest dominating shapes. Every dominance pair would be up to n²/2
  // columns; π_i ≥ π_j for the few shapes nearest above each j (by normalised distance)
  // already implies most of the rest by transitivity, and keeps the master small.
  void AddDualInequalities() {
    constexpr size_t kPerShape = 3;
    Resources scale;
    for (const PodShape& s : shapes_) scale = scale.Max(s.requests);
    auto distance = [&](const Resources& a, const Resources& b) {
      double d = 0;
      for (int r = 0; r < 3; ++r) {
        if (Dim(scale, r) > 0) {
          d += static_cast<double>(Dim(a, r) - Dim(b, r)) / static_cast<double>(Dim(scale, r));
        }
      }
      return d;
    };
    std::vector<CoinBigIndex> starts{0};
    std::vector<int> rows;
    std::vector<double> values;
    for (size_t j = 0; j < shapes_.size(); ++j) {
      if (shapes_[j].count <= 0) continue;
      std::vector<std::pair<double, size_t>> above;
      for (size_t i = 0; i < shapes_.size(); ++i) {
        if (i == j || shapes_[i].count <= 0) continue;
        if (!shapes_[j].requests.FitsIn(shapes_[i].requests)) continue;
        above.push_back({distance(shapes_[i].requests, shapes_[j].requests), i});
      }
      size_t keep = std::min(kPerShape, above.size());
      std::partial_sort(above.begin(), above.begin() + static_cast<std::ptrdiff_t>(keep),
                        above.end());
      for (size_t k = 0; k < keep; ++k) {
        rows.push_back(static_cast<int>(j));
        values.push_back(1.0);
        rows.push_back(static_cast<int>(above[k].second));
        values.push_back(-1.0);
        starts.push_back(static_cast<CoinBigIndex>(rows.size()));
        columns_.push_back({-1, {}, 0});
      }
    }
    const int added = static_cast<int>(starts.size()) - 1;
    if (added == 0) return;
    std::vector<double> lower(added, 0.0), upper(added, COIN_DBL_MAX), cost(added, 0.0);
    model_.addColumns(added, lower.data(), upper.data(), cost.data(), starts.data(), rows.data(),
                      values.data());
  }

  // Adds the columns not already in the master, most negative reduced cost first; returns
  // how many were added.
  size_t AddColumns(std::vector<Column> columns, size_t limit) {
    std::stable_sort(columns.begin(), columns.end(), [](const Column& a, const Column& b) {
      return a.reduced_cost < b.reduced_cost;
    });
    std::vector<CoinBigIndex> starts{0};
    std::vector<int> rows;
    std::vector<double> values, lower, upper, cost;
    size_t added = 0;
    for (Column& c : columns) {
      if (added >= limit) break;
      if (!seen_.insert({c.option, c.pods}).second) continue;
      for (const auto& [shape, count] : c.pods) {
        rows.push_back(shape);
        values.push_back(static_cast<double>(count));
      }
      for (int r = 0; r < TotalRows(); ++r) {
        rows.push_back(static_cast<int>(shapes_.size()) + r);
        values.push_back(kDims[r](options_[c.option].allocatable));
      }
      starts.push_back(static_cast<CoinBigIndex>(rows.size()));
      lower.push_back(0.0);
      upper.push_back(COIN_DBL_MAX);
      cost.push_back(options_[c.option].hourly.usd());
      columns_.push_back(std::move(c));
      ++added;
    }
    if (added > 0) {
      model_.addColumns(static_cast<int>(added), lower.data(), upper.data(), cost.data(),
                        starts.data(), rows.data(), values.data());
    }
    return added;
  }

  struct Duals {
    std::vector<double> pi;    // per shape
    double mu[3] = {0, 0, 0};  // per unit of capacity on the exact-total rows
  };

  Duals MasterDuals() const {
    const double* duals = model_.dualRowSolution();
    Duals d;
    for (size_t s = 0; s < shapes_.size(); ++s) d.pi.push_back(std::max(duals[s], 0.0));
    for (int r = 0; r < TotalRows(); ++r) d.mu[r] = std::max(duals[shapes_.size() + r], 0.0);
    return d;
  }

  static Duals Scaled(Duals d, double factor) {
    for (double& pi : d.pi) pi *= factor;
    for (double& mu : d.mu) mu *= factor;
    return d;
  }

  static Duals Blend(const Duals& a, const Duals& b, double alpha) {
    Duals d = b;
    for (size_t s = 0; s < d.pi.size(); ++s) d.pi[s] = alpha * a.pi[s] + (1 - alpha) * b.pi[s];
    for (int r = 0; r < 3; ++r) d.mu[r] = alpha * a.mu[r] + (1 - alpha) * b.mu[r];
    return d;
  }

  // Why smoothing. The restricted master's duals swing wildly in the first hundreds of
  // iterations (they price each shape by the few columns there are), so pricing at them
  // gives a poor Farley bound and columns that are soon useless. Wentges' smoothing prices
  // at a point between them and the duals that gave the best bound so far (the "center"),
  // which keeps the bound monotone and converges in far fewer iterations; when that point
  // yields no column that improves the master, we price at the master's duals themselves.
  std::vector<Column> Price(bool* all_exact, double* lower_bound) {
    Duals master = MasterDuals();
    std::vector<Column> improving;
    if (center_ && center_bound_ < 0) {  // the initial duals: their bound, and columns there
      improving = PriceAt(*center_, master, all_exact, lower_bound);
      if (!improving.empty()) return improving;
    }
    if (center_) {
      improving =
          PriceAt(Blend(*center_, master, limits_.smoothing), master, all_exact, lower_bound);
      if (!improving.empty()) return improving;
    }
    double plain_bound = 0;
    *all_exact = true;
    improving = PriceAt(master, master, all_exact, &plain_bound);
    *lower_bound = std::max(*lower_bound, plain_bound);
    return improving;
  }

  // Prices every type at `at`: the Farley bound there (and a new center when it is the best
  // so far), and the knapsack solutions that are improving columns for the master's duals.
  // Only the most promising types (by the knapsack's root bound) are searched; the others
  // count as exact when their root bound shows they cannot improve.
  struct Candidate {
    double ratio;
    size_t option;
    std::unique_ptr<Knapsack> knapsack;
    double fixed;
  };

  std::vector<Column> PriceAt(const Duals& at, const Duals& master, bool* all_exact,
                              double* lower_bound) {
    double dual_objective = 0;
    for (size_t s = 0; s < shapes_.size(); ++s) {
      dual_objective += at.pi[s] * static_cast<double>(shapes_[s].count);
    }
    for (int r = 0; r < TotalRows(); ++r) {
      dual_objective += at.mu[r] * kDims[r](*limits_.exact_total);
    }
    std::vector<Candidate> candidates;
    double theta = 0;  // the largest dual value per dollar of any column
    std::vector<char> in_knapsack(shapes_.size(), 0);
    for (size_t t = 0; t < options_.size(); ++t) {
      const PriceOption& o = options_[t];
      std::vector<Item> items;
      for (size_t s = 0; s < shapes_.size(); ++s) {
        in_knapsack[s] = 0;
        if (at.pi[s] <= kEpsilon || shapes_[s].count <= 0) continue;
        if (!shapes_[s].requests.FitsIn(o.allocatable)) continue;
        items.push_back({static_cast<int32_t>(s), at.pi[s], shapes_[s].requests, shapes_[s].count});
        in_knapsack[s] = 1;
      }
      double fixed = 0;  // what the node's capacity earns on the exact-total rows
      for (int r = 0; r < TotalRows(); ++r) fixed += at.mu[r] * kDims[r](o.allocatable);
      const std::array<double, 3>* hint =
          t < limits_.unit_prices.size() ? &limits_.unit_prices[t] : nullptr;
      auto knapsack = std::make_unique<Knapsack>(
          std::move(items), o.allocatable, limits_.max_knapsack_nodes, hint,
          limits_.grid_knapsack_bound, MaxPodsOn(o.allocatable, in_knapsack));
      knapsack->KeepFills(static_cast<size_t>(std::max(limits_.columns_per_type, 1)));
      double ratio = (knapsack->Root() + fixed) / o.hourly.usd();
      if (ratio <= 1 + 1e-9) {
        theta = std::max(theta, ratio);
        continue;
      }
      candidates.push_back({ratio, t, std::move(knapsack), fixed});
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.ratio > b.ratio; });
    std::vector<Column> improving;
    for (size_t k = 0; k < candidates.size() && k < kSearchedTypes; ++k) {
      candidates[k].knapsack->Solve();
      // The search gives up on hundreds of shapes and misses improving fills; the DP finds
      // the best one where it is exact and cheap (small types).
      if (static_cast<int32_t>(k) < limits_.dp_pricing_types && !candidates[k].knapsack->exact()) {
        candidates[k].knapsack->Tighten(limits_.dp_max_cells, limits_.dp_max_grid_loss, false);
      }
      AddIfImproving(candidates[k], master, &improving);
    }
    // The DP only where the searches found nothing to add: a mis-price, where a proven θ
    // moves the center (Wentges), or the last iteration, where it proves convergence.
    if (limits_.dp_bounds && improving.empty()) {
      Tighten(dual_objective, *lower_bound, master, &candidates, &improving);
    }
    for (Candidate& c : candidates) {
      *all_exact = *all_exact && c.knapsack->exact();
      double ratio = (c.knapsack->upper_bound() + c.fixed) / options_[c.option].hourly.usd();
      theta = std::max(theta, ratio);
    }
    double bound = dual_objective / std::max(theta, 1.0);
    if (bound > *lower_bound) *lower_bound = bound;
    if (!best_duals_ || bound > best_duals_bound_) {
      best_duals_ = Scaled(at, 1.0 / std::max(theta, 1.0));
      best_duals_bound_ = bound;
    }
    if (!center_ || center_bound_ < 0 || bound > center_bound_) {
      // Kept scaled by 1/θ: dual-feasible, so a blend with the master's duals is priced
      // against a point whose bound is its objective.
      center_ = limits_.dp_bounds ? Scaled(at, 1.0 / std::max(theta, 1.0)) : at;
      center_bound_ = bound;
    }
    return improving;
  }

  // The best fill of a candidate as a column when it improves the master (reduced cost at
  // the master's duals, whatever duals it was found at).
  void AddIfImproving(Candidate& c, const Duals& master, std::vector<Column>* improving) {
    for (auto& config : c.knapsack->Configs()) {
      const double price = options_[c.option].hourly.usd();
      double reduced = price;
      for (const auto& [shape, count] : config) reduced -= master.pi[shape] * count;
      for (int r = 0; r < TotalRows(); ++r) {
        reduced -= master.mu[r] * kDims[r](options_[c.option].allocatable);
      }
      if (reduced < -1e-7 * std::max(price, 1e-6)) {
        improving->push_back({static_cast<int32_t>(c.option), std::move(config), reduced / price});
      }
    }
  }

  // Why tighten lazily. θ is the largest ratio over all types, so only the type that sets it
  // needs a tight bound; the grid DP costs items × cells, far more than a search, so it runs
  // on the type with the largest bound, then on the next one if that is now the largest, and
  // so on. It stops as soon as the Farley bound at this point cannot beat the best one so far
  // (θ is at least the best fill found of any type), or when the largest bound is exact or
  // already tightened.
  void Tighten(double dual_objective, double best_bound, const Duals& master,
               std::vector<Candidate>* candidates, std::vector<Column>* improving) {
    for (size_t round = 0; round < candidates->size(); ++round) {
      Candidate* top = nullptr;
      double top_ratio = 0, floor_ratio = 1;
      for (Candidate& c : *candidates) {
        const double price = options_[c.option].hourly.usd();
        double ratio = (c.knapsack->upper_bound() + c.fixed) / price;
        floor_ratio = std::max(floor_ratio, (c.knapsack->best() + c.fixed) / price);
        if (ratio > top_ratio) {
          top_ratio = ratio;
          top = &c;
        }
      }
      if (top == nullptr) return;
      if (dual_objective / floor_ratio <= best_bound * (1 + 1e-9)) return;
      if (top->knapsack->exact() || top->knapsack->tightened()) return;
      top->knapsack->Tighten(limits_.dp_max_cells, limits_.dp_max_grid_loss, true);
      AddIfImproving(*top, master, improving);
    }
  }

  // Why a cardinality bound. On small types (2-vCPU burstables holding one to three pods)
  // the LP bounds let a node hold a fraction of one more pod, which is most of their slack.
  // Any fill of m pods uses at least the m smallest requests of each resource, so m is at
  // most the longest prefix of the smallest requests that fits: a constraint Σ a_i ≤ K that
  // every fill satisfies, used by Bound (K − used pods, each worth at most the largest value
  // left) and priced in the Lagrangian bound.
  // The shapes are sorted by each resource once (SortShapesByResource), so no knapsack sorts
  // its items.
  int64_t MaxPodsOn(const Resources& capacity, const std::vector<char>& in_knapsack) const {
    int64_t most = std::numeric_limits<int64_t>::max();
    for (int r = 0; r < 3; ++r) {
      int64_t room = Dim(capacity, r), fits = 0;
      for (int32_t s : shapes_by_[r]) {
        if (!in_knapsack[s]) continue;
        const int64_t size = Dim(shapes_[s].requests, r), count = shapes_[s].count;
        const int64_t take = size > 0 ? std::min(count, room / size) : count;
        fits += take;
        room -= take * size;
        if (take < count) break;
      }
      most = std::min(most, fits);
    }
    return most;
  }

  void SortShapesByResource() {
    for (int r = 0; r < 3; ++r) {
      std::vector<int32_t>& order = shapes_by_[r];
      order.resize(shapes_.size());
      for (size_t s = 0; s < shapes_.size(); ++s) order[s] = static_cast<int32_t>(s);
      std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        return Dim(shapes_[a].requests, r) < Dim(shapes_[b].requests, r);
      });
    }
  }

  static constexpr size_t kSearchedTypes = 24;
  std::array<std::vector<int32_t>, 3> shapes_by_;  // per resource, smallest request first
  std::optional<Duals> center_;
  double center_bound_ = 0;
  std::optional<Duals> best_duals_;  // the duals of the best Farley bound, scaled by 1/θ
  double best_duals_bound_ = 0;

  const std::vector<PodShape>& shapes_;
  const std::vector<PriceOption>& options_;
  const ConfigLpLimits& limits_;
  ClpSimplex model_;
  std::vector<Column> columns_;
  std::set<std::pair<int32_t, std::vector<std::pair<int32_t, int32_t>>>> seen_;
};

}  // namespace

Result<ConfigLpSolution> SolveConfigLp(const std::vector<PodShape>& shapes,
                                       const std::vector<PriceOption>& options,
                                       const ConfigLpLimits& limits) {
  // No pods to pack: the optimum is to buy nothing (Clp is not asked; it fails on an empty
  // master).
  if (!options.empty() &&
      std::none_of(shapes.begin(), shapes.end(), [](const PodShape& s) { return s.count > 0; })) {
    ConfigLpSolution nothing;
    nothing.converged = true;
    nothing.shape_duals.assign(shapes.size(), 0.0);
    nothing.master_shape_duals.assign(shapes.size(), 0.0);
    return nothing;
  }
  return ColumnGeneration(shapes, options, limits).Run();
}

ConfigLpLimits TightBoundLimits(const std::vector<PodShape>& shapes,
                                const std::vector<PriceOption>& kept, const ShapeLpSolution* fluid,
                                double seconds) {
  ConfigLpLimits limits;
  if (fluid != nullptr) {
    limits.unit_prices = fluid->unit_prices;
    for (const PodShape& s : shapes) {
      limits.initial_duals.push_back(DualPriceBound({s.requests}, kept, fluid->unit_prices));
    }
  }
  limits.max_iterations = 1000;
  limits.time_limit_seconds = seconds;
  // Not the grid knapsack bound: measured, it halves the iterations within the budget and
  // did not raise the bound on any benchmark instance (docs/design/packing-bounds.md).
  limits.dual_inequalities = true;
  // Tight pricing (docs/design/config-lp.md, "Tight pricing"): the DP prices the three most
  // promising types every iteration and proves θ where the searches find nothing; four fills
  // per searched type; no smoothing (measured: the master converges fastest at the master's
  // own duals, $37.30 against $37.78 at 0.7 after 20 s on 1,000 generated pods).
  limits.dp_bounds = true;
  limits.dp_pricing_types = 3;
  limits.columns_per_type = 4;
  limits.max_columns_per_iteration = 100;
  limits.smoothing = 0.0;
  return limits;
}

Result<ConfigLpBoundResult> ConfigLpBound(const std::vector<Resources>& pods,
                                          const std::vector<PriceOption>& options,
                                          size_t max_shapes, double time_limit_seconds) {
  Resources total;
  for (const Resources& r : pods) {
    total += r;
    total.pods += r.pods > 0 ? 0 : 1;  // a pod takes a slot even when it does not say so
  }
  std::vector<PodShape> shapes = GroupShapes(pods, max_shapes, nullptr, ShapeRounding::kMin);
  std::vector<PriceOption> kept = NonDominated(options);
  Result<ShapeLpSolution> shape_lp = SolveFluidShapeLp(pods, max_shapes, kept);
  ConfigLpLimits limits =
      TightBoundLimits(shapes, kept, shape_lp ? &*shape_lp : nullptr, time_limit_seconds);
  limits.exact_total = total;
  CO_ASSIGN_OR_RETURN(ConfigLpSolution lp, SolveConfigLp(shapes, kept, limits));
  return ConfigLpBoundResult{Money::FromUsd(lp.lower_bound_usd), Money::FromUsd(lp.master_usd),
                             lp.converged, lp.iterations, shapes.size()};
}

Result<ConfigLpBoundResult> ConfigLpOptimumAtMost(const std::vector<Resources>& pods,
                                                  const std::vector<PriceOption>& options,
                                                  size_t max_shapes, double time_limit_seconds) {
  // Groups of consecutive pods in (slots, CPU, memory) order, never mixing CPU requests: a
  // group rounded up loses only its memory range (pods in 50m steps share CPU requests).
  std::vector<Resources> sorted = pods;
  for (Resources& r : sorted) r.pods = std::max<int64_t>(r.pods, 1);
  std::sort(sorted.begin(), sorted.end(), [](const Resources& a, const Resources& b) {
    return std::tie(a.pods, a.cpu_millis, a.memory_bytes) <
           std::tie(b.pods, b.cpu_millis, b.memory_bytes);
  });
  const size_t per_group = std::max<size_t>(1, (pods.size() + max_shapes - 1) / max_shapes);
  std::vector<PodShape> shapes;
  bool exact = true;  // every group holds equal pods
  for (size_t i = 0; i < sorted.size(); ++i) {
    const bool same = !shapes.empty() && shapes.back().requests.pods == sorted[i].pods &&
                      shapes.back().requests.cpu_millis == sorted[i].cpu_millis &&
                      static_cast<size_t>(shapes.back().count) < per_group;
    if (!same) shapes.push_back({{sorted[i].cpu_millis, 0, 0, sorted[i].pods, 0}, 0});
    exact = exact && (!same || shapes.back().requests.memory_bytes == sorted[i].memory_bytes);
    shapes.back().requests.memory_bytes = sorted[i].memory_bytes;  // the largest so far
    ++shapes.back().count;
  }
  std::vector<PriceOption> kept = NonDominated(options);
  Result<ShapeLpSolution> shape_lp = SolveFluidShapeLp(pods, max_shapes, kept);
  ConfigLpLimits limits =
      TightBoundLimits(shapes, kept, shape_lp ? &*shape_lp : nullptr, time_limit_seconds);
  CO_ASSIGN_OR_RETURN(ConfigLpSolution lp, SolveConfigLp(shapes, kept, limits));
  return ConfigLpBoundResult{Money::FromUsd(exact ? lp.lower_bound_usd : 0.0),
                             Money::FromUsd(lp.master_usd), lp.converged, lp.iterations,
                             shapes.size()};
}

}  // namespace cloudoptim
