#include "engines/scaled_farley_bound.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <queue>
#include <tuple>

#include "engines/config_lp.h"
#include "engines/lp_units.h"
#include "engines/shape_lp.h"

namespace cloudoptim {
namespace {

// Why duals from a small LP. The configuration LP over the real pods does not converge on
// the ~1,000+ distinct shapes of a large cluster, and over rounded-down groups it loses to
// the rounding what node granularity would add. But Farley's bound takes *any* values: the
// small LP only has to suggest them. Solved on a few hundred mean-request groups it
// converges (or nearly), and its duals say what node granularity makes each kind of pod
// worth beyond its share of CPU and memory. Every real pod gets its group's dual plus the
// shape LP's unit prices times how far it is from the group's mean (so a pod smaller than
// its group's mean is worth less), and θ is proven over the real pods. Validity never
// depends on the small LP: a poor suggestion only gives a larger θ.

using lp_units::kGiB;
using lp_units::kShapeLpShapes;
using lp_units::WithSlot;

double Sum(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum;
}

// Σ values / θ over `pods`, with θ proven over their distinct requests.
double BoundFor(const std::vector<Resources>& pods, const std::vector<double>& values,
                const std::vector<PriceOption>& options,
                const std::vector<std::array<double, 3>>& weights, const NodeValueLimits& limits,
                double* theta) {
  FarleyTheta t = ComputeFarleyTheta(DistinctPods(pods, values), options, weights, limits);
  *theta = t.theta;
  return t.theta > 0 ? Sum(values) / t.theta : 0.0;
}

}  // namespace

std::vector<KnapsackItem> DistinctPods(const std::vector<Resources>& pods,
                                       const std::vector<double>& values) {
  std::map<std::tuple<int64_t, int64_t, int64_t>, KnapsackItem> distinct;
  for (size_t i = 0; i < pods.size() && i < values.size(); ++i) {
    const Resources r = WithSlot(pods[i]);
    auto [it, added] = distinct.try_emplace(
        std::tuple{r.cpu_millis, r.memory_bytes, r.pods},
        KnapsackItem{{r.cpu_millis, r.memory_bytes, 0, r.pods, 0}, values[i], 0});
    it->second.value = std::max(it->second.value, values[i]);
    ++it->second.max_count;
  }
  std::vector<KnapsackItem> items;
  items.reserve(distinct.size());
  for (auto& [key, item] : distinct) items.push_back(item);
  return items;
}

FarleyTheta ComputeFarleyTheta(const std::vector<KnapsackItem>& items,
                               const std::vector<PriceOption>& options,
                               const std::vector<std::array<double, 3>>& weights,
                               const NodeValueLimits& limits) {
  using Entry = std::tuple<double, bool, size_t>;  // (ratio, tightened, option)
  std::priority_queue<Entry> queue;
  for (size_t t = 0; t < options.size(); ++t) {
    const PriceOption& o = options[t];
    const double price = o.hourly.usd();
    if (price <= 0) continue;  // a free node would make every bound 0; never in a catalogue
    std::vector<std::array<double, 3>> tries = {
        {1.0, 0.0, 0.0},
        {0.0, 1.0, 0.0},
        {1.0 / static_cast<double>(std::max<int64_t>(o.allocatable.cpu_millis, 1)),
         1.0 / static_cast<double>(std::max<int64_t>(o.allocatable.memory_bytes, 1)), 0.0}};
    if (t < weights.size()) tries.push_back(weights[t]);
    double cheap = std::numeric_limits<double>::infinity();
    for (const auto& w : tries) {
      cheap = std::min(cheap, SurrogateNodeValueBound(items, o.allocatable, w));
    }
    queue.push({cheap / price, false, t});
  }
  FarleyTheta result;
  while (!queue.empty()) {
    auto [ratio, tight, t] = queue.top();
    queue.pop();
    if (tight) {
      result.theta = ratio;
      result.option = static_cast<int32_t>(t);
      return result;
    }
    ++result.tightened;
    const double bound = TightNodeValueBound(items, options[t].allocatable, limits);
    queue.push({std::min(ratio, bound / options[t].hourly.usd()), true, t});
  }
  return result;
}

Result<ScaledFarleyResult> ScaledFarleyBound(const std::vector<Resources>& pods,
                                             const std::vector<PriceOption>& options,
                                             const ScaledFarleyLimits& limits) {
  ScaledFarleyResult result;
  if (pods.empty()) return result;
  const std::vector<PriceOption> kept = NonDominated(options);
  CO_ASSIGN_OR_RETURN(ShapeLpSolution fluid, SolveFluidShapeLp(pods, kShapeLpShapes, kept));
  const std::vector<std::array<double, 3>> weights = PerUnitWeights(fluid);
  // Each pod at its cheapest type's unit prices: the exact-pod shape LP's bound, here with
  // its θ proven over whole pods (≤ 1 since a node's capacity is worth at most its price).
  std::vector<double> charge;
  charge.reserve(pods.size());
  for (const Resources& r : pods) {
    charge.push_back(DualPriceBound({WithSlot(r)}, kept, fluid.unit_prices));
  }
  result.fluid =
      Money::FromUsd(BoundFor(pods, charge, kept, weights, limits.node, &result.fluid_theta));
  result.bound = result.fluid;

  std::vector<int32_t> group_of;
  std::vector<PodShape> groups = GroupShapes(pods, limits.groups, &group_of, limits.rounding);
  result.groups = groups.size();
  ConfigLpLimits lp_limits = TightBoundLimits(groups, kept, &fluid, limits.config_lp_seconds);
  Resources total;
  for (const Resources& r : pods) total += WithSlot(r);
  if (limits.rounding != ShapeRounding::kMean) lp_limits.exact_total = total;
  CO_ASSIGN_OR_RETURN(ConfigLpSolution lp, SolveConfigLp(groups, kept, lp_limits));
  result.group_lp = Money::FromUsd(lp.lower_bound_usd);
  result.group_master = Money::FromUsd(lp.master_usd);
  result.group_lp_converged = lp.converged;
  result.iterations = lp.iterations;
  if (lp.shape_duals.size() != groups.size()) return result;
  std::vector<double> group_charge;
  for (const PodShape& g : groups) {
    group_charge.push_back(DualPriceBound({g.requests}, kept, fluid.unit_prices));
  }
  // Candidate group values: the duals of the small LP's best proven bound, the last master's
  // (closer to its optimum when it has not converged, but not dual-feasible there), and
  // blends of the master's with the starting prices.
  std::vector<std::vector<double>> candidates;
  std::vector<std::array<double, 3>> per_unit;  // the exact-total rows' prices, per candidate
  if (lp.shape_duals.size() == groups.size()) {
    candidates.push_back(lp.shape_duals);
    per_unit.push_back(lp.total_duals);
  }
  if (lp.master_shape_duals.size() == groups.size()) {
    for (double alpha : limits.master_shares) {
      std::vector<double> blend(groups.size());
      for (size_t g = 0; g < groups.size(); ++g) {
        blend[g] = alpha * lp.master_shape_duals[g] + (1 - alpha) * group_charge[g];
      }
      candidates.push_back(std::move(blend));
      per_unit.push_back(lp.master_total_duals);
    }
  }
  for (size_t c = 0; c < candidates.size(); ++c) {
    const std::vector<double>& duals = candidates[c];
    const std::array<double, 3>& mu = per_unit[c];
    std::vector<double> values(pods.size());
    for (size_t i = 0; i < pods.size(); ++i) {
      const int32_t g = group_of[i];
      const Resources r = WithSlot(pods[i]);
      // A node's pods use at most its capacity, so charging the total rows' prices to each
      // pod's own request never asks more of a node than the LP's μ·capacity did.
      const double own = mu[0] * static_cast<double>(r.cpu_millis) / 1000.0 +
                         mu[1] * static_cast<double>(r.memory_bytes) / kGiB +
                         mu[2] * static_cast<double>(r.pods);
      values[i] =
          std::max(0.0, duals[g] + own + limits.within_group_slope * (charge[i] - group_charge[g]));
    }
    double theta = 0;
    const double bound = BoundFor(pods, values, kept, weights, limits.node, &theta);
    result.candidates.push_back({bound, theta});
    if (bound > result.grouped.usd()) {
      result.grouped = Money::FromUsd(bound);
      result.grouped_theta = theta;
    }
  }
  result.bound = std::max(result.bound, result.grouped);
  return result;
}

}  // namespace cloudoptim
