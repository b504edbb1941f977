#include "engines/shape_lp.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>

#include "coin/ClpSimplex.hpp"
#include "engines/lp_units.h"

namespace cloudoptim {
namespace {

using lp_units::kGiB;
constexpr int kMaxBigPodsPerNode = 3;  // cuts for k = 1..3 pods above 1/(k+1) of a node
constexpr int kTernarySteps = 24;      // OptionMayLowerShapeLp's search: (2/3)^24 of the range

// Resources in solver units: vCPU, GiB, pod slots (keeps coefficients well scaled).
using lp_units::Cpu;
using lp_units::kDims;
using lp_units::Memory;
using lp_units::Slots;

// "At most k pods per node of this type that each take more than 1/(k+1) of its CPU (dim 0)
// or memory (dim 1)": the row index and what it counts.
struct Cut {
  int dim = 0;
  int k = 1;
  int row = 0;
  bool Counts(const Resources& pod, const Resources& capacity) const {
    return CutPrice{dim, k, 0}.Counts(pod, capacity);
  }
};

// The cuts worth adding for one type: each must count at least one shape, and a cut that
// counts exactly the shapes of the previous k is implied by it.
std::vector<Cut> CutsFor(const Resources& capacity, const std::vector<PodShape>& shapes,
                         int* next_row) {
  std::vector<Cut> cuts;
  for (int dim = 0; dim < 2; ++dim) {
    size_t previous = 0;
    for (int k = 1; k <= kMaxBigPodsPerNode; ++k) {
      Cut cut{dim, k, 0};
      size_t counted = 0;
      for (const PodShape& s : shapes) {
        if (s.requests.FitsIn(capacity) && cut.Counts(s.requests, capacity)) ++counted;
      }
      if (counted > previous) {
        cut.row = (*next_row)++;
        cuts.push_back(cut);
      }
      previous = counted;
    }
  }
  return cuts;
}

// The greedy basis of kGreedyPrimal (see shape_lp.h) as Clp statuses on `model`. The LP's
// columns are x_t (one per option) then `y_columns` (shape, option) in order; rows are one
// per shape, three per option, then the cuts. Basic: each shape's cheapest y, each used
// option's x (its most binding row, capacity or cut, then holds at its bound) and every other
// row's slack; one basic variable per row, and the matrix is triangular (y_s from row s,
// x_t from its binding row, the other slacks from theirs), so the basis is never singular.
void SetGreedyBasis(const std::vector<PodShape>& shapes, const std::vector<PriceOption>& options,
                    const std::vector<std::vector<Cut>>& cuts,
                    const std::vector<std::pair<int32_t, int32_t>>& y_columns, int rows,
                    ClpSimplex& model) {
  const int types = static_cast<int>(options.size());
  const int shape_rows = static_cast<int>(shapes.size());
  std::vector<int> cheapest(shape_rows, -1);  // column index into y_columns
  std::vector<double> cheapest_usd(shape_rows, std::numeric_limits<double>::infinity());
  for (size_t c = 0; c < y_columns.size(); ++c) {
    const auto [s, t] = y_columns[c];
    double share = 0;  // the largest share of the node one pod takes (a 0 capacity holds 0)
    for (int r = 0; r < 3; ++r) {
      double capacity = kDims[r](options[t].allocatable);
      if (capacity > 0) share = std::max(share, kDims[r](shapes[s].requests) / capacity);
    }
    double usd = share * options[t].hourly.usd();
    if (cheapest[s] < 0 || usd < cheapest_usd[s]) {
      cheapest_usd[s] = usd;
      cheapest[s] = static_cast<int>(c);
    }
  }
  for (int r = 0; r < rows; ++r) model.setRowStatus(r, ClpSimplex::basic);
  for (int c = 0; c < types + static_cast<int>(y_columns.size()); ++c) {
    model.setColumnStatus(c, ClpSimplex::atLowerBound);
  }
  // Per option, the nodes each of its rows asks for: load / capacity, cut count / k.
  std::vector<std::vector<double>> nodes(types);
  for (int t = 0; t < types; ++t) nodes[t].assign(3 + cuts[t].size(), 0.0);
  for (int s = 0; s < shape_rows; ++s) {
    const int t = y_columns[cheapest[s]].second;
    const Resources& d = shapes[s].requests;
    const Resources& capacity = options[t].allocatable;
    const double pods = static_cast<double>(shapes[s].count);
    for (int r = 0; r < 3; ++r) {
      if (kDims[r](capacity) > 0) nodes[t][r] += pods * kDims[r](d) / kDims[r](capacity);
    }
    for (size_t k = 0; k < cuts[t].size(); ++k) {
      if (cuts[t][k].Counts(d, capacity)) nodes[t][3 + k] += pods / cuts[t][k].k;
    }
    model.setColumnStatus(types + cheapest[s], ClpSimplex::basic);
    model.setRowStatus(s, ClpSimplex::atLowerBound);  // the equality's slack leaves
  }
  for (int t = 0; t < types; ++t) {
    auto binding = std::max_element(nodes[t].begin(), nodes[t].end());
    if (*binding <= 0) continue;  // unused: x_t stays at 0, its slacks basic
    const size_t r = static_cast<size_t>(binding - nodes[t].begin());
    model.setColumnStatus(t, ClpSimplex::basic);
    model.setRowStatus(r < 3 ? shape_rows + 3 * t + static_cast<int>(r) : cuts[t][r - 3].row,
                       ClpSimplex::atUpperBound);
  }
}

}  // namespace

bool CutPrice::Counts(const Resources& pod, const Resources& capacity) const {
  return kDims[dim](pod) * (k + 1) > kDims[dim](capacity) + 1e-9;
}

std::vector<PodShape> GroupShapes(const std::vector<Resources>& pods, size_t max_shapes,
                                  std::vector<int32_t>* shape_of, ShapeRounding rounding) {
  using Key = std::tuple<int64_t, int64_t, int64_t>;
  int64_t cpu_grid = 10, memory_grid = int64_t{16} << 20;
  std::vector<Key> keys(pods.size()), distinct;
  while (true) {
    // Sorted distinct keys (the order a std::map would give), without a tree per grid step.
    for (size_t i = 0; i < pods.size(); ++i) {
      const Resources& r = pods[i];
      keys[i] = Key{r.cpu_millis / cpu_grid * cpu_grid, r.memory_bytes / memory_grid * memory_grid,
                    std::max<int64_t>(r.pods, 1)};
    }
    distinct = keys;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (distinct.size() <= std::max<size_t>(max_shapes, 1) || cpu_grid > (int64_t{1} << 40)) {
      std::vector<PodShape> shapes;
      for (const Key& k : distinct) {
        shapes.push_back({{std::get<0>(k), std::get<1>(k), 0, std::get<2>(k), 0}, 0});
      }
      std::vector<int32_t> index(pods.size());
      for (size_t i = 0; i < pods.size(); ++i) {
        index[i] = static_cast<int32_t>(
            std::lower_bound(distinct.begin(), distinct.end(), keys[i]) - distinct.begin());
        ++shapes[index[i]].count;
      }
      std::vector<Resources> sums(shapes.size());
      std::vector<Resources> mins(shapes.size(),
                                  Resources{std::numeric_limits<int64_t>::max(),
                                            std::numeric_limits<int64_t>::max(), 0, 0, 0});
      if (shape_of != nullptr) shape_of->clear();
      for (size_t i = 0; i < pods.size(); ++i) {
        const Resources& r = pods[i];
        int32_t s = index[i];
        if (shape_of != nullptr) shape_of->push_back(s);
        sums[s] += r;
        mins[s].cpu_millis = std::min(mins[s].cpu_millis, r.cpu_millis);
        mins[s].memory_bytes = std::min(mins[s].memory_bytes, r.memory_bytes);
      }
      if (rounding == ShapeRounding::kMin) {
        for (size_t s = 0; s < shapes.size(); ++s) {
          shapes[s].requests.cpu_millis = mins[s].cpu_millis;
          shapes[s].requests.memory_bytes = mins[s].memory_bytes;
        }
      }
      if (rounding == ShapeRounding::kMean) {
        for (size_t s = 0; s < shapes.size(); ++s) {
          int64_t n = shapes[s].count;
          shapes[s].requests.cpu_millis = (sums[s].cpu_millis + n - 1) / n;
          shapes[s].requests.memory_bytes = (sums[s].memory_bytes + n - 1) / n;
        }
      }
      return shapes;
    }
    cpu_grid *= 2;
    memory_grid *= 2;
  }
}

Result<ShapeLpSolution> SolveShapeLp(const std::vector<PodShape>& shapes,
                                     const std::vector<PriceOption>& options, ShapeLpCuts with_cuts,
                                     const std::optional<Resources>& exact_total,
                                     ShapeLpAlgorithm algorithm) {
  if (options.empty()) return InvalidArgument("no instance types to pack onto");
  const int types = static_cast<int>(options.size());
  const int shape_rows = static_cast<int>(shapes.size());
  // Rows: one per shape (Σ_t y_st = n_s), three per type (demand on t <= capacity of x_t),
  // then the big-pod cuts of every type.
  int next_row = shape_rows + 3 * types;
  const int total_rows = exact_total ? next_row : -1;  // then three rows Σ_t c_tr x_t ≥ total_r
  if (exact_total) next_row += 3;
  std::vector<std::vector<Cut>> cuts(types);
  if (with_cuts == ShapeLpCuts::kBigPods) {
    for (int t = 0; t < types; ++t) cuts[t] = CutsFor(options[t].allocatable, shapes, &next_row);
  }
  // Column-major arrays: x_t first, then y_st for every shape and type that holds it.
  std::vector<CoinBigIndex> starts{0};
  std::vector<int> rows;
  std::vector<double> values, lower, upper, cost;
  for (int t = 0; t < types; ++t) {
    for (int r = 0; r < 3; ++r) {
      rows.push_back(shape_rows + 3 * t + r);
      values.push_back(-kDims[r](options[t].allocatable));
    }
    for (const Cut& cut : cuts[t]) {
      rows.push_back(cut.row);
      values.push_back(-static_cast<double>(cut.k));
    }
    for (int r = 0; exact_total && r < 3; ++r) {
      rows.push_back(total_rows + r);
      values.push_back(kDims[r](options[t].allocatable));
    }
    starts.push_back(static_cast<CoinBigIndex>(rows.size()));
    cost.push_back(options[t].hourly.usd());
  }
  std::vector<std::pair<int32_t, int32_t>> y_columns;  // (shape, option)
  std::vector<double> row_lower, row_upper;
  for (int s = 0; s < shape_rows; ++s) {
    const Resources& d = shapes[s].requests;
    for (int t = 0; t < types; ++t) {
      const Resources& capacity = options[t].allocatable;
      if (!d.FitsIn(capacity)) continue;
      rows.push_back(s);
      values.push_back(1.0);
      for (int r = 0; r < 3; ++r) {
        rows.push_back(shape_rows + 3 * t + r);
        values.push_back(kDims[r](d));
      }
      for (const Cut& cut : cuts[t]) {
        if (!cut.Counts(d, capacity)) continue;
        rows.push_back(cut.row);
        values.push_back(1.0);
      }
      starts.push_back(static_cast<CoinBigIndex>(rows.size()));
      cost.push_back(0.0);
      y_columns.push_back({s, t});
    }
    if (y_columns.empty() || y_columns.back().first != s) {
      return InvalidArgument("a pod of " + d.ToString() + " fits no instance type");
    }
    row_lower.push_back(static_cast<double>(shapes[s].count));
    row_upper.push_back(static_cast<double>(shapes[s].count));
  }
  row_lower.resize(next_row, -COIN_DBL_MAX);
  row_upper.resize(next_row, 0.0);
  for (int r = 0; exact_total && r < 3; ++r) {
    row_lower[total_rows + r] = kDims[r](*exact_total);
    row_upper[total_rows + r] = COIN_DBL_MAX;
  }
  lower.assign(cost.size(), 0.0);
  upper.assign(cost.size(), COIN_DBL_MAX);
  ClpSimplex model;
  model.setLogLevel(0);
  model.loadProblem(static_cast<int>(cost.size()), next_row, starts.data(), rows.data(),
                    values.data(), lower.data(), upper.data(), cost.data(), row_lower.data(),
                    row_upper.data());
  if (algorithm == ShapeLpAlgorithm::kCrashPrimal) {
    model.crash(1000.0, 2);  // a basis that already places most pods, for the primal simplex
    model.primal();
  } else if (algorithm == ShapeLpAlgorithm::kGreedyPrimal) {
    SetGreedyBasis(shapes, options, cuts, y_columns, next_row, model);
    // No scaling: the units (vCPU, GiB, slots) keep the coefficients within ~10^3 of each
    // other, and Clp's scaling pass cost 5-9% of a 50-100-pod call.
    model.scaling(0);
    model.primal();
  } else {
    model.dual();
  }
  if (!model.isProvenOptimal()) {
    return MakeError(ErrorCode::kInternal, "Clp did not solve the shape LP (status " +
                                               std::to_string(model.status()) + ")");
  }
  ShapeLpSolution solution;
  solution.objective_usd = model.objectiveValue();
  const double* duals = model.dualRowSolution();
  for (int t = 0; t < types; ++t) {
    std::array<double, 3> w{};
    double value = 0;
    for (int r = 0; r < 3; ++r) {
      w[r] = std::max(-duals[shape_rows + 3 * t + r], 0.0);
      value += w[r] * kDims[r](options[t].allocatable);
    }
    std::vector<CutPrice> cut_prices;
    for (const Cut& cut : cuts[t]) {
      cut_prices.push_back({cut.dim, cut.k, std::max(-duals[cut.row], 0.0)});
      value += cut.k * cut_prices.back().usd;
    }
    double price = options[t].hourly.usd();
    if (value > price && value > 0) {
      for (double& v : w) v *= price / value;
      for (CutPrice& c : cut_prices) c.usd *= price / value;
    }
    solution.unit_prices.push_back(w);
    solution.cut_prices.push_back(std::move(cut_prices));
  }
  solution.shape_prices.assign(duals, duals + shape_rows);
  const double* x = model.primalColumnSolution();
  solution.nodes.assign(x, x + types);
  solution.placements.resize(shapes.size());
  for (size_t c = 0; c < y_columns.size(); ++c) {
    double pods = x[types + c];
    if (pods > 1e-7) solution.placements[y_columns[c].first].push_back({y_columns[c].second, pods});
  }
  return solution;
}

bool OptionMayLowerShapeLp(const std::vector<PodShape>& shapes,
                           const std::vector<double>& shape_prices, const PriceOption& option) {
  // For weights w ≥ 0 with w·1 = 1, every node of the option satisfies Σ_s (w · a_s) y_s ≤ 1,
  // where a_s is a pod's share of the node per resource, so its pods are worth at most
  // max_s price_s / (w · a_s). Worth above the node's price needs every w to allow it.
  const Resources& capacity = option.allocatable;
  if (capacity.cpu_millis <= 0 || capacity.memory_bytes <= 0 || capacity.pods <= 0) return true;
  const double price = option.hourly.usd() * (1 + 1e-9) + 1e-12;
  std::vector<std::array<double, 4>> shares;  // cpu, memory, slot share and shape price
  for (size_t s = 0; s < shapes.size() && s < shape_prices.size(); ++s) {
    Resources d = shapes[s].requests;
    d.pods = std::max<int64_t>(d.pods, 1);
    if (shape_prices[s] <= 0 || !d.FitsIn(capacity)) continue;
    shares.push_back({Cpu(d) / Cpu(capacity), Memory(d) / Memory(capacity),
                      Slots(d) / Slots(capacity), shape_prices[s]});
  }
  if (shares.empty()) return false;
  // The bound max_s price_s / (w · a_s) is convex in w (a maximum of convex functions), so
  // a ternary search over the CPU/memory split finds its least value on each line tried.
  auto worth = [&](double w_cpu, double w_memory, double w_slots) {
    double most = 0;
    for (const auto& a : shares) {
      double size = w_cpu * a[0] + w_memory * a[1] + w_slots * a[2];
      if (size <= 0) return std::numeric_limits<double>::infinity();
      most = std::max(most, a[3] / size);
    }
    return most;
  };
  for (double w_slots : {0.0, 0.25, 0.5}) {
    double low = 0, high = 1 - w_slots;
    if (worth(low, high, w_slots) <= price || worth(high, low, w_slots) <= price) return false;
    for (int step = 0; step < kTernarySteps; ++step) {
      double a = low + (high - low) / 3, b = high - (high - low) / 3;
      double wa = worth(a, 1 - w_slots - a, w_slots), wb = worth(b, 1 - w_slots - b, w_slots);
      if (wa <= price || wb <= price) return false;
      if (wa < wb) {
        high = b;
      } else {
        low = a;
      }
    }
  }
  return true;
}

bool OptionLowersShapeLp(const std::vector<PodShape>& shapes,
                         const std::vector<double>& shape_prices, const PriceOption& option) {
  const Resources& capacity = option.allocatable;
  std::vector<PodShape> priced;  // the shapes the node could hold that are worth something
  std::vector<double> worth;
  for (size_t s = 0; s < shapes.size() && s < shape_prices.size(); ++s) {
    PodShape shape = shapes[s];
    shape.requests.pods = std::max<int64_t>(shape.requests.pods, 1);
    if (shape_prices[s] <= 0 || !shape.requests.FitsIn(capacity)) continue;
    priced.push_back(shape);
    worth.push_back(shape_prices[s]);
  }
  if (priced.empty()) return false;
  // max Σ worth_s y_s  s.t.  Σ_s d_sr y_s ≤ c_r (three rows), each cut Σ y_s ≤ k, y ≥ 0.
  int next_row = 3;
  std::vector<Cut> cuts = CutsFor(capacity, priced, &next_row);
  std::vector<CoinBigIndex> starts{0};
  std::vector<int> rows;
  std::vector<double> values, cost;
  for (size_t s = 0; s < priced.size(); ++s) {
    for (int r = 0; r < 3; ++r) {
      rows.push_back(r);
      values.push_back(kDims[r](priced[s].requests));
    }
    for (const Cut& cut : cuts) {
      if (!cut.Counts(priced[s].requests, capacity)) continue;
      rows.push_back(cut.row);
      values.push_back(1.0);
    }
    starts.push_back(static_cast<CoinBigIndex>(rows.size()));
    cost.push_back(-worth[s]);  // Clp minimises
  }
  std::vector<double> row_lower(next_row, -COIN_DBL_MAX), row_upper(next_row);
  for (int r = 0; r < 3; ++r) row_upper[r] = kDims[r](capacity);
  for (const Cut& cut : cuts) row_upper[cut.row] = cut.k;
  std::vector<double> lower(cost.size(), 0.0), upper(cost.size(), COIN_DBL_MAX);
  ClpSimplex model;
  model.setLogLevel(0);
  model.loadProblem(static_cast<int>(cost.size()), next_row, starts.data(), rows.data(),
                    values.data(), lower.data(), upper.data(), cost.data(), row_lower.data(),
                    row_upper.data());
  model.primal();
  if (!model.isProvenOptimal()) return true;  // unsure: the caller adds the option
  const double price = option.hourly.usd();
  return -model.objectiveValue() > price * (1 + 1e-9) + 1e-12;
}

double DualPriceBound(const std::vector<Resources>& pods, const std::vector<PriceOption>& options,
                      const std::vector<std::array<double, 3>>& unit_prices) {
  return DualPriceBound(pods, options, unit_prices, {});
}

double DualPriceBound(const std::vector<Resources>& pods, const std::vector<PriceOption>& options,
                      const std::vector<std::array<double, 3>>& unit_prices,
                      const std::vector<std::vector<CutPrice>>& cut_prices) {
  double bound = 0;
  for (const Resources& pod : pods) {
    Resources d = pod;
    d.pods = std::max<int64_t>(d.pods, 1);
    double cheapest = std::numeric_limits<double>::infinity();
    for (size_t t = 0; t < options.size() && t < unit_prices.size(); ++t) {
      if (!d.FitsIn(options[t].allocatable)) continue;
      double value = 0;
      for (int r = 0; r < 3; ++r) value += unit_prices[t][r] * kDims[r](d);
      if (t < cut_prices.size()) {
        for (const CutPrice& c : cut_prices[t]) {
          if (c.Counts(d, options[t].allocatable)) value += c.usd;
        }
      }
      cheapest = std::min(cheapest, value);
    }
    if (std::isfinite(cheapest)) bound += cheapest;
  }
  return bound;
}

Result<ShapeLpSolution> SolveFluidShapeLp(const std::vector<Resources>& pods, size_t max_shapes,
                                          const std::vector<PriceOption>& options) {
  return SolveShapeLp(GroupShapes(pods, max_shapes, nullptr, ShapeRounding::kMean), options,
                      ShapeLpCuts::kNone, std::nullopt, ShapeLpAlgorithm::kCrashPrimal);
}

std::vector<std::array<double, 3>> PerUnitWeights(const ShapeLpSolution& lp) {
  constexpr double kBytesPerGiB = 1024.0 * 1024.0 * 1024.0;
  std::vector<std::array<double, 3>> weights;
  for (const auto& w : lp.unit_prices)
    weights.push_back({w[0] / 1000.0, w[1] / kBytesPerGiB, w[2]});
  return weights;
}

}  // namespace cloudoptim
