#include "engines/cost_lower_bound.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "coin/CbcModel.hpp"
#include "coin/ClpSimplex.hpp"
#include "coin/CoinPackedMatrix.hpp"
#include "coin/CoinPackedVector.hpp"
#include "coin/OsiClpSolverInterface.hpp"
#include "engines/lp_units.h"
#include "engines/shape_lp.h"

namespace cloudoptim {
namespace {

using lp_units::kGiB;
// The bound LPs group pods into at most this many shapes, so they stay small for 100,000 pods.
constexpr size_t kMaxBoundShapes = 400;

// Resources in solver units: vCPU, GiB, pod slots (keeps coefficients well scaled).
using lp_units::Cpu;
using lp_units::kDims;
using lp_units::Memory;
using lp_units::Slots;

}  // namespace

std::vector<PriceOption> OnDemandOptions(const LaunchCatalog& launch) {
  std::vector<PriceOption> options;
  for (const LaunchType& t : launch.types()) {
    options.push_back({t.type->name, t.allocatable, t.on_demand_hourly});
  }
  return options;
}

std::vector<PriceOption> NonDominated(std::vector<PriceOption> options) {
  std::sort(options.begin(), options.end(),
            [](const PriceOption& a, const PriceOption& b) { return a.hourly < b.hourly; });
  std::vector<PriceOption> kept;
  for (const PriceOption& o : options) {
    bool dominated = false;
    for (const PriceOption& k : kept) {  // every kept option is no dearer
      if (o.allocatable.cpu_millis <= k.allocatable.cpu_millis &&
          o.allocatable.memory_bytes <= k.allocatable.memory_bytes &&
          o.allocatable.pods <= k.allocatable.pods) {
        dominated = true;
        break;
      }
    }
    if (!dominated) kept.push_back(o);
  }
  return kept;
}

Money PerResourceBound(const Resources& demand, const std::vector<PriceOption>& options) {
  double best_cpu = std::numeric_limits<double>::max();
  double best_memory = best_cpu, best_slot = best_cpu;
  for (const PriceOption& o : options) {
    double usd = o.hourly.usd();
    if (Cpu(o.allocatable) > 0) best_cpu = std::min(best_cpu, usd / Cpu(o.allocatable));
    if (Memory(o.allocatable) > 0) {
      best_memory = std::min(best_memory, usd / Memory(o.allocatable));
    }
    if (Slots(o.allocatable) > 0) best_slot = std::min(best_slot, usd / Slots(o.allocatable));
  }
  if (options.empty()) return Money();
  double bound =
      std::max({Cpu(demand) * best_cpu, Memory(demand) * best_memory, Slots(demand) * best_slot});
  return Money::FromUsd(bound);
}

Result<Money> LpRelaxationBound(const Resources& demand, const std::vector<PriceOption>& options) {
  if (options.empty()) return InvalidArgument("no instance types to bound the cost with");
  const int columns = static_cast<int>(options.size());
  CoinPackedMatrix matrix(false, 0, 0);  // row-ordered
  matrix.setDimensions(0, columns);
  std::vector<double> row_lower, row_upper;
  for (auto dim : kDims) {
    CoinPackedVector row;
    for (int t = 0; t < columns; ++t) row.insert(t, dim(options[t].allocatable));
    matrix.appendRow(row);
    row_lower.push_back(dim(demand));
    row_upper.push_back(COIN_DBL_MAX);
  }
  std::vector<double> lower(columns, 0.0), upper(columns, COIN_DBL_MAX), cost(columns);
  for (int t = 0; t < columns; ++t) cost[t] = options[t].hourly.usd();
  ClpSimplex model;
  model.setLogLevel(0);
  model.loadProblem(matrix, lower.data(), upper.data(), cost.data(), row_lower.data(),
                    row_upper.data());
  model.dual();
  if (!model.isProvenOptimal()) {
    return MakeError(ErrorCode::kInternal, "Clp did not solve the LP bound (status " +
                                               std::to_string(model.status()) + ")");
  }
  return Money::FromUsd(model.objectiveValue());
}

Result<Money> ShapeLpBound(const std::vector<Resources>& pods,
                           const std::vector<PriceOption>& options, ShapeLpCuts cuts) {
  Resources total;
  for (const Resources& r : pods) {
    total += r;
    total.pods += r.pods > 0 ? 0 : 1;  // a pod takes a slot even when it does not say so
  }
  CO_ASSIGN_OR_RETURN(ShapeLpSolution lp, SolveShapeLp(GroupShapes(pods, kMaxBoundShapes),
                                                       NonDominated(options), cuts, total));
  return Money::FromUsd(lp.objective_usd);
}

Result<Money> ShapeLpDualBound(const std::vector<Resources>& pods,
                               const std::vector<PriceOption>& options, ShapeLpCuts cuts) {
  std::vector<PriceOption> kept = NonDominated(options);
  CO_ASSIGN_OR_RETURN(
      ShapeLpSolution lp,
      SolveShapeLp(GroupShapes(pods, kMaxBoundShapes, nullptr, ShapeRounding::kMean), kept, cuts));
  return Money::FromUsd(DualPriceBound(pods, kept, lp.unit_prices, lp.cut_prices));
}

Result<ExactPacking> ExactOptimum(const std::vector<Resources>& pods,
                                  const std::vector<PriceOption>& options,
                                  double time_limit_seconds) {
  if (options.empty()) return InvalidArgument("no instance types to pack onto");
  const int n = static_cast<int>(pods.size());
  const int types = static_cast<int>(options.size());
  const int slots = n;
  // Columns: z[k][t] (slot k is type t) then a[i][k] (pod i on slot k), all binary.
  auto z = [&](int k, int t) { return k * types + t; };
  auto a = [&](int i, int k) { return slots * types + i * slots + k; };
  const int columns = slots * types + n * slots;
  CoinPackedMatrix matrix(false, 0, 0);
  matrix.setDimensions(0, columns);
  std::vector<double> row_lower, row_upper;
  auto add_row = [&](const CoinPackedVector& row, double lo, double hi) {
    matrix.appendRow(row);
    row_lower.push_back(lo);
    row_upper.push_back(hi);
  };
  for (int i = 0; i < n; ++i) {  // each pod on exactly one slot
    CoinPackedVector row;
    for (int k = 0; k < slots; ++k) row.insert(a(i, k), 1.0);
    add_row(row, 1.0, 1.0);
  }
  for (int k = 0; k < slots; ++k) {
    CoinPackedVector one_type;
    for (int t = 0; t < types; ++t) one_type.insert(z(k, t), 1.0);
    add_row(one_type, -COIN_DBL_MAX, 1.0);
    for (auto dim : kDims) {  // requests on slot k <= capacity of its type
      CoinPackedVector row;
      for (int i = 0; i < n; ++i) row.insert(a(i, k), dim(pods[i]));
      for (int t = 0; t < types; ++t) row.insert(z(k, t), -dim(options[t].allocatable));
      add_row(row, -COIN_DBL_MAX, 0.0);
    }
    if (k + 1 < slots) {  // symmetry: slot k costs at least as much as slot k+1
      CoinPackedVector row;
      for (int t = 0; t < types; ++t) {
        row.insert(z(k, t), options[t].hourly.usd());
        row.insert(z(k + 1, t), -options[t].hourly.usd());
      }
      add_row(row, 0.0, COIN_DBL_MAX);
    }
  }
  std::vector<double> lower(columns, 0.0), upper(columns, 1.0), cost(columns, 0.0);
  for (int k = 0; k < slots; ++k) {
    for (int t = 0; t < types; ++t) cost[z(k, t)] = options[t].hourly.usd();
  }
  OsiClpSolverInterface solver;
  solver.messageHandler()->setLogLevel(0);
  solver.loadProblem(matrix, lower.data(), upper.data(), cost.data(), row_lower.data(),
                     row_upper.data());
  for (int c = 0; c < columns; ++c) solver.setInteger(c);
  CbcModel model(solver);
  model.setLogLevel(0);
  model.messageHandler()->setLogLevel(0);
  model.setMaximumSeconds(time_limit_seconds);
  model.branchAndBound();
  const double* solution = model.bestSolution();
  if (solution == nullptr) {
    return MakeError(ErrorCode::kDeadlineExceeded,
                     "CBC found no packing within " + std::to_string(time_limit_seconds) + " s");
  }
  ExactPacking result;
  result.proven_optimal = model.isProvenOptimal();
  result.hourly = Money::FromUsd(model.getObjValue());
  result.best_bound = Money::FromUsd(model.getBestPossibleObjValue());
  for (int k = 0; k < slots; ++k) {
    for (int t = 0; t < types; ++t) {
      if (solution[z(k, t)] > 0.5) result.node_types.push_back(options[t].name);
    }
  }
  return result;
}

}  // namespace cloudoptim
