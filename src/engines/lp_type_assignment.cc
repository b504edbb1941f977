#include "engines/lp_type_assignment.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "engines/shape_lp.h"

namespace cloudoptim {

std::vector<size_t> NonDominatedIndices(const std::vector<PriceOption>& options) {
  std::vector<size_t> order(options.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return options[a].hourly < options[b].hourly; });
  // Whether an option is dominated does not depend on the order the kept ones are tried in;
  // the last dominating one is tried first, since a catalogue's dominated types are mostly
  // dominated by the same few cheap, large ones (this is called once per packing attempt).
  std::vector<size_t> kept;
  size_t last_dominating = 0;
  for (size_t o : order) {
    const Resources& mine = options[o].allocatable;
    auto dominates = [&](size_t k) {
      return mine.cpu_millis <= options[k].allocatable.cpu_millis &&
             mine.memory_bytes <= options[k].allocatable.memory_bytes &&
             mine.pods <= options[k].allocatable.pods;
    };
    if (last_dominating < kept.size() && dominates(kept[last_dominating])) continue;
    auto it = std::find_if(kept.begin(), kept.end(), dominates);
    if (it == kept.end()) {
      kept.push_back(o);
    } else {
      last_dominating = static_cast<size_t>(it - kept.begin());
    }
  }
  return kept;
}

std::vector<size_t> NonDominatedIndices(const std::vector<PriceOption>& options,
                                        const std::vector<size_t>& among) {
  std::vector<PriceOption> listed;
  listed.reserve(among.size());
  for (size_t o : among) listed.push_back(options[o]);
  std::vector<size_t> kept = NonDominatedIndices(listed);
  for (size_t& k : kept) k = among[k];
  return kept;
}

namespace {

constexpr size_t kOptionsPerShape = 12;
constexpr size_t kOptionsForBatch = 12;
// The shortlist the LP is first solved over (see SolveShapeLpOverShortlist).
constexpr size_t kShortlistPerShape = 1;
constexpr size_t kShortlistForBatch = 4;
// Larger batches solve the LP over all candidates (see AssignTypesByShapeLp).
constexpr size_t kMaxPodsForShortlist = 5000;
// Batches of 75-100 pods solve the shortlist LP from the greedy basis
// (ShapeLpAlgorithm::kGreedyPrimal) and price left-out candidates exactly
// (OptionLowersShapeLp) before solving again; larger ones keep the dual simplex and the quick
// test alone. Why: at 50-100 pods the LP was half of a call. From the greedy basis the primal
// simplex takes ~65-105 iterations instead of ~200-320, and exact pricing skips a second
// solve (1-2.5 ms) that two in five batches made for a candidate that could not lower the
// optimum (session 6 measured 11 of 15). Both change the LP's vertex (not its optimum), and
// vertices move plans by a few tenths of a percent either way: over 40 seeds the two alone
// made plans up to 0.5% dearer on two of four sets (plain/mixed, 50/100 pods), which the
// small-batch search floor (kMinSearchPods, bin_packer_internal.h) more than pays back: with
// it every set is cheaper than before on seeds 1-40 and 41-80, and over 120 seeds three sets
// are 0.19-0.29% cheaper, plain 50 pods even (+0.02%; bench/RESULTS.md, session 7,
// h/lpstart). Up to 100 pods only: at 150-200 pods the greedy start's vertices cost
// 0.01-0.4% more over 20-40 seeds, and the LP is a smaller part of the call there. And from
// 75 pods only: below, the dual simplex is short already and the vertex weighs more — plain
// 50-pod plans were 0.67% dearer on seeds 81-120, and on the Alibaba trace a 26-pod snapshot
// at the default effort 5.9% dearer ($13.490 → $14.280/h; session 7, coordinator).
constexpr size_t kMinPodsForGreedyStart = 75;
constexpr size_t kMaxPodsForGreedyStart = 100;

// Whole pod counts per option for one shape: the LP's fractions floored, the pods left over
// given to the largest fractional parts (largest-remainder rounding keeps the sum exact).
std::vector<std::pair<int32_t, int64_t>> RoundPlacements(
    const std::vector<std::pair<int32_t, double>>& placements, int64_t count) {
  std::vector<std::pair<int32_t, int64_t>> whole;
  std::vector<std::pair<double, size_t>> remainders;
  int64_t assigned = 0;
  for (const auto& [option, pods] : placements) {
    int64_t floor = std::min<int64_t>(static_cast<int64_t>(std::floor(pods + 1e-6)), count);
    whole.push_back({option, floor});
    remainders.push_back({pods - static_cast<double>(floor), whole.size() - 1});
    assigned += floor;
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; assigned < count && !remainders.empty(); ++k, ++assigned) {
    ++whole[remainders[k % remainders.size()].second].second;
  }
  while (assigned > count) {  // only after numerical noise: take back from the largest
    auto largest = std::max_element(whole.begin(), whole.end(), [](const auto& a, const auto& b) {
      return a.second < b.second;
    });
    --largest->second;
    --assigned;
  }
  std::stable_sort(whole.begin(), whole.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return whole;
}

// The options worth offering the LP: for every shape the few cheapest per pod, and the few
// cheapest for the whole batch (types that suit the mix rather than any one shape). A full
// catalogue has hundreds of non-dominated types; the LP would use a handful of them anyway,
// and Clp's time grows with every column.
std::vector<size_t> CandidateOptions(const std::vector<PodShape>& shapes,
                                     const std::vector<PriceOption>& options,
                                     const std::vector<size_t>& kept,
                                     size_t per_shape = kOptionsPerShape,
                                     size_t for_batch = kOptionsForBatch) {
  std::vector<char> chosen(options.size(), 0);
  std::vector<std::pair<double, size_t>> ranked;
  // What a node of an option costs per pod of `d` (or per unit of `d` when d is a total):
  // price × the largest share of the node one pod takes. Each kept option's price and
  // capacity are converted once, since this runs shapes × options times.
  struct Row {
    const Resources* allocatable;
    double usd, cpu, memory, pods;
  };
  std::vector<Row> rows;
  rows.reserve(kept.size());
  for (size_t k : kept) {
    const Resources& a = options[k].allocatable;
    rows.push_back({&a, options[k].hourly.usd(), static_cast<double>(a.cpu_millis),
                    static_cast<double>(a.memory_bytes), static_cast<double>(a.pods)});
  }
  auto share = [](int64_t part, double whole_as_double, int64_t whole) {
    return whole > 0 ? static_cast<double>(part) / whole_as_double : 0.0;
  };
  auto cost_per = [&](const Resources& d, const Row& row) {
    const Resources& a = *row.allocatable;
    return row.usd * std::max(std::max(share(d.cpu_millis, row.cpu, a.cpu_millis),
                                       share(d.memory_bytes, row.memory, a.memory_bytes)),
                              share(d.pods, row.pods, a.pods));
  };
  auto keep_cheapest = [&](size_t how_many, auto cost_of) {
    // Only which ones are the n cheapest matters; (cost, index) pairs are all distinct, so the
    // n smallest are one set. They are kept sorted while scanning: with n (1-12) far below
    // the options scanned (~100-200 per shape) most are turned away by one comparison with
    // the n-th, where nth_element over all of them was ~15% of a 100-pod call (session 7).
    if (how_many == 0) return;
    ranked.clear();
    for (size_t r = 0; r < kept.size(); ++r) {
      double cost = cost_of(rows[r]);
      if (cost < 0) continue;
      std::pair<double, size_t> option{cost, kept[r]};
      if (ranked.size() == how_many && !(option < ranked.back())) continue;
      ranked.insert(std::upper_bound(ranked.begin(), ranked.end(), option), option);
      if (ranked.size() > how_many) ranked.pop_back();
    }
    for (const auto& [cost, option] : ranked) chosen[option] = 1;
  };
  Resources total;
  for (const PodShape& s : shapes) {
    keep_cheapest(per_shape, [&](const Row& row) {
      return s.requests.FitsIn(*row.allocatable) ? cost_per(s.requests, row) : -1.0;
    });
    total += s.requests * s.count;
  }
  keep_cheapest(for_batch, [&](const Row& row) { return cost_per(total, row); });
  std::vector<size_t> candidates;
  for (size_t k : kept) {
    if (chosen[k]) candidates.push_back(k);
  }
  return candidates;
}

}  // namespace

Result<ShapeLpSolution> SolveShapeLpOverShortlist(const std::vector<PodShape>& shapes,
                                                  const std::vector<PriceOption>& options,
                                                  const std::vector<size_t>& candidates,
                                                  ShapeLpAlgorithm algorithm,
                                                  std::vector<size_t>* solved_over,
                                                  bool price_exactly) {
  // The candidates hold every option the shortlist would pick from all non-dominated ones.
  std::vector<size_t> shortlist =
      CandidateOptions(shapes, options, candidates, kShortlistPerShape, kShortlistForBatch);
  std::vector<char> listed(options.size(), 0);
  for (size_t o : shortlist) listed[o] = 1;
  while (true) {
    // In the candidates' order (cheapest first), as the LP over all of them would see them.
    solved_over->clear();
    std::vector<PriceOption> lp_options;
    for (size_t o : candidates) {
      if (!listed[o]) continue;
      solved_over->push_back(o);
      lp_options.push_back(options[o]);
    }
    Result<ShapeLpSolution> lp =
        SolveShapeLp(shapes, lp_options, ShapeLpCuts::kBigPods, std::nullopt, algorithm);
    if (!lp) return lp;
    bool added = false;
    for (size_t o : candidates) {
      if (listed[o] || !OptionMayLowerShapeLp(shapes, lp->shape_prices, options[o]) ||
          (price_exactly && !OptionLowersShapeLp(shapes, lp->shape_prices, options[o]))) {
        continue;
      }
      listed[o] = 1;
      added = true;
    }
    if (!added) return lp;
  }
}

std::vector<size_t> CandidateOptionIndices(const std::vector<PodShape>& shapes,
                                           const std::vector<PriceOption>& options) {
  return CandidateOptions(shapes, options, NonDominatedIndices(options));
}

ShapeLpTypes AssignTypesByShapeLp(const std::vector<Resources>& pods,
                                  const std::vector<PriceOption>& options, size_t max_shapes,
                                  const std::vector<size_t>* undominated_among) {
  ShapeLpTypes result;
  std::vector<int32_t>& type_of = result.type_of;
  type_of.assign(pods.size(), -1);
  std::vector<int32_t> shape_of;
  std::vector<PodShape> shapes = GroupShapes(pods, max_shapes, &shape_of, ShapeRounding::kMean);
  std::vector<size_t> candidates =
      CandidateOptions(shapes, options,
                       undominated_among ? NonDominatedIndices(options, *undominated_among)
                                         : NonDominatedIndices(options));
  // Why a shortlist, and why the dual simplex. The LP is degenerate: many vertices share its
  // optimum, and which one Clp returns moves a plan by a few percent either way. Over all
  // candidates (about 50 types, up to 120 shapes) its solve cost 17-30 ms, a fixed cost that
  // dominated batches of 100-1,000 pods; it used a handful of types. Over the shortlist (about
  // 12 types) the same optimum takes 1-3 ms. The dual simplex from the slack basis was kept
  // for its vertices: on 40 seeds of 50 and 100 pods (plain and the Karpenter mix), 12 of 500
  // and 1,000 and 7 of 5,000, the shortlist LP's plans cost in total 0.8% less to 0.1% more
  // than the full LP's (bench/RESULTS.md, h/small), while a crash basis with the primal
  // simplex (faster on the full LP, 31-999 plain pods) gave 0.4-0.6% dearer plans on three
  // of those four 40-seed sets (0.3% cheaper on plain 50-pod batches). On
  // 20,000 pods the shortlist's vertices packed 0.4-0.8% dearer (3 seeds), and there the full
  // LP's ~15 ms are a small part of the call, so larger batches keep it.
  std::vector<size_t> kept;
  auto solve = [&]() -> Result<ShapeLpSolution> {
    if (pods.size() <= kMaxPodsForShortlist) {
      const bool small =
          pods.size() >= kMinPodsForGreedyStart && pods.size() <= kMaxPodsForGreedyStart;
      return SolveShapeLpOverShortlist(
          shapes, options, candidates,
          small ? ShapeLpAlgorithm::kGreedyPrimal : ShapeLpAlgorithm::kDual, &kept, small);
    }
    kept = candidates;
    std::vector<PriceOption> lp_options;
    for (size_t k : kept) lp_options.push_back(options[k]);
    return SolveShapeLp(shapes, lp_options, ShapeLpCuts::kBigPods);
  };
  Result<ShapeLpSolution> lp = solve();
  if (!lp) return result;
  result.objective_usd = lp->objective_usd;
  // Pods of each shape, largest first, handed out to the shape's types in turn.
  std::vector<std::vector<size_t>> members(shapes.size());
  for (size_t i = 0; i < pods.size(); ++i) members[shape_of[i]].push_back(i);
  for (size_t s = 0; s < shapes.size(); ++s) {
    std::vector<size_t>& mine = members[s];
    std::stable_sort(mine.begin(), mine.end(), [&](size_t a, size_t b) {
      return std::tie(pods[a].cpu_millis, pods[a].memory_bytes) >
             std::tie(pods[b].cpu_millis, pods[b].memory_bytes);
    });
    size_t next = 0;
    for (const auto& [option, count] :
         RoundPlacements(lp->placements[s], static_cast<int64_t>(mine.size()))) {
      for (int64_t c = 0; c < count && next < mine.size(); ++c) {
        type_of[mine[next++]] = static_cast<int32_t>(kept[option]);
      }
    }
  }
  return result;
}

}  // namespace cloudoptim
