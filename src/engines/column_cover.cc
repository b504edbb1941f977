#include "engines/column_cover.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>

#include "coin/CoinPackedMatrix.hpp"
#include "coin/OsiClpSolverInterface.hpp"

namespace cloudoptim {
namespace {

// Why a set cover. Ruin and recreate and the local moves change a few nodes at a time, so the
// plan they end with is one path through the nodes they built: many good nodes (full, cheap
// for their pods) they accepted on the way never end up in one plan together. The classic way
// to close the last part of the gap in bin packing and vehicle routing (the set-partitioning
// matheuristics, e.g. Subramanian, Uchoa and Ochi 2013) keeps those nodes as columns and picks
// the cheapest set of them that covers every pod: min Σ price_j x_j subject to
// Σ_j pods_sj x_j ≥ count_s for each pod shape s (pods with equal requests are
// interchangeable, so rows are shapes). A pod covered twice is kept on one node only, and each
// node then costs its cheapest holder, never more. The integer program is solved by LP
// diving: solve the LP, fix the columns it nearly opens, solve again. CBC's branch and bound
// measured far slower here for no better covers (docs/design/column-cover.md). Work is
// bounded by counts, never by time, so the same input gives the same packing on any machine.

// The rounding fixes every column the LP opens at least this much of.
constexpr double kFixShare = 0.7;

// A column: the cheapest type holding it and how many pods of each shape, sorted by shape.
struct CoverColumn {
  std::vector<std::pair<int32_t, int32_t>> shapes;
  int32_t type = 0;
};

bool ByShapes(const CoverColumn& a, const CoverColumn& b) { return a.shapes < b.shapes; }

struct Shapes {
  std::vector<Resources> requests;         // per shape (at least one pod slot)
  std::vector<std::vector<int32_t>> pods;  // per shape, the pods with those requests
  std::vector<int32_t> of;                 // per pod, its shape
};

Shapes GroupShapes(const std::vector<Resources>& requests) {
  Shapes shapes;
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t>, int32_t> index;
  for (size_t i = 0; i < requests.size(); ++i) {
    Resources r = requests[i];
    r.pods = std::max<int64_t>(r.pods, 1);
    auto key =
        std::make_tuple(r.cpu_millis, r.memory_bytes, r.ephemeral_storage_bytes, r.pods, r.gpus);
    auto [it, added] = index.emplace(key, static_cast<int32_t>(shapes.requests.size()));
    if (added) {
      shapes.requests.push_back(r);
      shapes.pods.emplace_back();
    }
    shapes.pods[it->second].push_back(static_cast<int32_t>(i));
    shapes.of.push_back(it->second);
  }
  return shapes;
}

// The first (cheapest) type that holds `load`, or -1.
int32_t Holder(const Resources& load, const std::vector<RepackType>& types) {
  for (size_t t = 0; t < types.size(); ++t) {
    if (load.FitsIn(types[t].allocatable)) return static_cast<int32_t>(t);
  }
  return -1;
}

// The column of a node given by its pods; nullopt when a pod is out of range or nothing
// holds them.
std::optional<CoverColumn> NodeColumn(const std::vector<int32_t>& pods, const Shapes& shapes,
                                      const std::vector<RepackType>& types) {
  std::map<int32_t, int32_t> counts;
  Resources load;
  for (int32_t i : pods) {
    if (i < 0 || static_cast<size_t>(i) >= shapes.of.size()) return std::nullopt;
    ++counts[shapes.of[i]];
    load += shapes.requests[shapes.of[i]];
  }
  CoverColumn column;
  column.shapes.assign(counts.begin(), counts.end());
  column.type = Holder(load, types);
  if (column.shapes.empty() || column.type < 0) return std::nullopt;
  return column;
}

// The cover LP: Σ_j shapes_sj x_j ≥ count_s, 0 ≤ x_j ≤ copies that could help.
OsiClpSolverInterface CoverLp(const std::vector<CoverColumn>& columns, const Shapes& shapes,
                              const std::vector<RepackType>& types) {
  const int rows = static_cast<int>(shapes.requests.size());
  const int n = static_cast<int>(columns.size());
  CoinPackedMatrix matrix(true, 0, 0);
  matrix.setDimensions(rows, 0);
  std::vector<double> lower(n, 0.0), upper(n, 0.0), cost(n, 0.0);
  for (int j = 0; j < n; ++j) {
    std::vector<int> index;
    std::vector<double> value;
    double most = 1.0;  // enough copies to cover one of its shapes
    for (auto [s, count] : columns[j].shapes) {
      index.push_back(s);
      value.push_back(count);
      most = std::max(most, std::ceil(static_cast<double>(shapes.pods[s].size()) / count));
    }
    matrix.appendCol(static_cast<int>(index.size()), index.data(), value.data());
    upper[j] = most;
    cost[j] = types[columns[j].type].hourly.usd();
  }
  std::vector<double> row_lower(rows), row_upper(rows, COIN_DBL_MAX);
  for (int s = 0; s < rows; ++s) row_lower[s] = static_cast<double>(shapes.pods[s].size());
  OsiClpSolverInterface lp;
  lp.messageHandler()->setLogLevel(0);
  lp.loadProblem(matrix, lower.data(), upper.data(), cost.data(), row_lower.data(),
                 row_upper.data());
  // Presolve measured 1.3-1.5x faster on pools of 5,000-6,000 columns over 4,000 pods.
  lp.setHintParam(OsiDoPresolveInInitial, true, OsiHintDo);
  return lp;
}

// LP diving: fix every column the LP opens at least kFixShare of a copy beyond a whole one
// (or, when none is, the one it opens most) to that value rounded up, solve again, until the
// LP's solution is integral. When a round's fixings take the LP to the cutoff they are undone
// and the column opened most is rounded down instead (one step of backtracking: rounding up
// alone is blind to a column that only fits fractionally). Every round fixes a bound, so it
// ends; nullopt when both ways reach the cutoff, or after `limits.max_backtracks` rounds
// down (a dive that needs many is rarely saved by more, and each costs an LP solve), or when
// the rounds run out.
std::optional<std::vector<int64_t>> Dive(OsiClpSolverInterface& lp, double cutoff_usd,
                                         const ColumnCoverLimits& limits) {
  const int n = lp.getNumCols();
  lp.initialSolve();
  int32_t backtracks = 0;
  int64_t iterations = lp.getIterationCount();
  for (int32_t round = 0; round < limits.max_rounds; ++round) {
    if (iterations > limits.dive_iterations_per_shape * lp.getNumRows()) return std::nullopt;

    if (!lp.isProvenOptimal() || lp.getObjValue() >= cutoff_usd) return std::nullopt;
    const std::vector<double> x(lp.getColSolution(), lp.getColSolution() + n);
    int largest = -1;
    double largest_part = 0;
    std::vector<int> fixed;
    for (int j = 0; j < n; ++j) {
      const double part = x[j] - std::floor(x[j] + 1e-9);
      if (part < 1e-6) continue;
      if (part >= kFixShare) fixed.push_back(j);
      if (part > largest_part) {
        largest_part = part;
        largest = j;
      }
    }
    if (largest < 0) {  // integral
      std::vector<int64_t> copies(n);
      for (int j = 0; j < n; ++j) copies[j] = std::llround(x[j]);
      return copies;
    }
    if (fixed.empty()) fixed.push_back(largest);
    std::vector<double> was;
    for (int j : fixed) {
      was.push_back(lp.getColLower()[j]);
      lp.setColLower(j, std::ceil(x[j] - 1e-9));
    }
    lp.resolve();
    iterations += lp.getIterationCount();
    if (lp.isProvenOptimal() && lp.getObjValue() < cutoff_usd) continue;
    if (++backtracks > limits.max_backtracks) return std::nullopt;
    for (size_t k = 0; k < fixed.size(); ++k) lp.setColLower(fixed[k], was[k]);
    lp.setColUpper(largest, std::floor(x[largest] + 1e-9));
    lp.resolve();
    iterations += lp.getIterationCount();
  }
  return std::nullopt;
}

// Price and round. The LP over every column bounds what any cover of them costs: at or above
// the cutoff, nothing cheaper exists. Otherwise the rounding works on the columns whose
// reduced cost is below the LP's gap to the cutoff (no other column is in a cover below the
// cutoff), at most `limits.max_columns` of the smallest. Returns how many copies of each
// column to open and the LP's optimum, or nullopt.
std::optional<std::vector<int64_t>> SolveCover(const std::vector<CoverColumn>& columns,
                                               const Shapes& shapes,
                                               const std::vector<RepackType>& types,
                                               double cutoff_usd, const ColumnCoverLimits& limits,
                                               double& lp_usd) {
  OsiClpSolverInterface lp = CoverLp(columns, shapes, types);
  lp.setIntParam(OsiMaxNumIteration,
                 static_cast<int>(
                     std::min<int64_t>(limits.lp_iterations_per_shape * lp.getNumRows(), 1 << 30)));
  lp.initialSolve();
  if (!lp.isProvenOptimal()) return std::nullopt;
  lp_usd = lp.getObjValue();
  const double gap = cutoff_usd - lp_usd;
  if (gap <= 0) return std::nullopt;
  const double* reduced = lp.getReducedCost();
  std::vector<std::pair<double, int>> keyed;
  for (size_t j = 0; j < columns.size(); ++j) {
    if (reduced[j] < gap) keyed.push_back({reduced[j], static_cast<int>(j)});
  }
  std::stable_sort(keyed.begin(), keyed.end());
  if (keyed.size() > static_cast<size_t>(std::max(limits.max_columns, 1))) {
    keyed.resize(static_cast<size_t>(std::max(limits.max_columns, 1)));
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  std::vector<CoverColumn> kept;
  for (auto [key, j] : keyed) kept.push_back(columns[j]);
  OsiClpSolverInterface restricted = CoverLp(kept, shapes, types);
  std::optional<std::vector<int64_t>> dive = Dive(restricted, cutoff_usd, limits);
  if (!dive) return std::nullopt;
  std::vector<int64_t> copies(columns.size(), 0);
  for (size_t k = 0; k < keyed.size(); ++k) copies[keyed[k].second] = (*dive)[k];
  return copies;
}

// Opens the chosen columns, each taking its shapes' pods while any are left (a pod covered
// twice stays on the first node), at their cheapest holders; nullopt if a pod is left over.
std::optional<Repacking> Repair(const std::vector<CoverColumn>& columns,
                                const std::vector<int64_t>& copies, const Shapes& shapes,
                                const std::vector<RepackType>& types) {
  std::vector<size_t> next(shapes.pods.size(), 0);
  Repacking repacking;
  for (size_t j = 0; j < columns.size(); ++j) {
    for (int64_t copy = 0; copy < copies[j]; ++copy) {
      RepackedNode node;
      Resources load;
      for (auto [s, count] : columns[j].shapes) {
        for (int32_t k = 0; k < count && next[s] < shapes.pods[s].size(); ++k) {
          node.pods.push_back(shapes.pods[s][next[s]++]);
          load += shapes.requests[s];
        }
      }
      if (node.pods.empty()) continue;
      node.type = Holder(load, types);
      repacking.hourly += types[node.type].hourly;
      repacking.nodes.push_back(std::move(node));
    }
  }
  for (size_t s = 0; s < shapes.pods.size(); ++s) {
    if (next[s] != shapes.pods[s].size()) return std::nullopt;
  }
  return repacking;
}

}  // namespace

std::optional<ColumnCoverResult> CheaperCover(const std::vector<Resources>& requests,
                                              const std::vector<RepackType>& types,
                                              const std::vector<std::vector<int32_t>>& nodes,
                                              const std::vector<std::vector<int32_t>>& pool,
                                              const ColumnCoverLimits& limits) {
  if (types.empty() || nodes.empty()) return std::nullopt;
  const Shapes shapes = GroupShapes(requests);
  for (const Resources& r : shapes.requests) {
    if (Holder(r, types) < 0) return std::nullopt;
  }
  ColumnCoverResult result;
  std::vector<CoverColumn> columns;
  std::vector<int32_t> times_given(requests.size(), 0);
  for (const std::vector<int32_t>& node : nodes) {
    std::optional<CoverColumn> column = NodeColumn(node, shapes, types);
    if (!column) return std::nullopt;
    for (int32_t i : node) ++times_given[i];
    result.before += types[column->type].hourly;
    columns.push_back(std::move(*column));
  }
  if (std::any_of(times_given.begin(), times_given.end(), [](int32_t t) { return t != 1; })) {
    return std::nullopt;
  }
  for (const std::vector<int32_t>& node : pool) {
    if (std::optional<CoverColumn> column = NodeColumn(node, shapes, types)) {
      columns.push_back(std::move(*column));
    }
  }
  std::sort(columns.begin(), columns.end(), ByShapes);
  columns.erase(
      std::unique(columns.begin(), columns.end(),
                  [](const CoverColumn& a, const CoverColumn& b) { return a.shapes == b.shapes; }),
      columns.end());
  result.columns = static_cast<int64_t>(columns.size());
  // Strictly cheaper by at least half a micro-dollar (prices are whole micro-dollars).
  const double cutoff_usd = result.before.usd() - 5e-7;
  std::optional<std::vector<int64_t>> copies =
      SolveCover(columns, shapes, types, cutoff_usd, limits, result.lp_usd);
  if (!copies) return std::nullopt;
  std::optional<Repacking> repacking = Repair(columns, *copies, shapes, types);
  if (!repacking || repacking->hourly >= result.before) return std::nullopt;
  result.repacking = std::move(*repacking);
  return result;
}

}  // namespace cloudoptim
