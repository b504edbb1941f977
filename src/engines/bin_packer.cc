#include "engines/bin_packer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "engines/bin_index.h"
#include "engines/config_lp_guide.h"
#include "engines/exact_partition.h"
#include "engines/lp_type_assignment.h"
#include "engines/node_elimination.h"
#include "engines/repack_search.h"
#include "engines/ruin_recreate.h"
#include "scheduling/node_constraints.h"

namespace cloudoptim {
namespace {

// Why this heuristic. First-fit-decreasing (FFD), which most autoscalers use, puts each pod
// into the first node with room; in several dimensions (CPU, memory, pod slots) it strands
// capacity: a node full on CPU keeps idle memory that a later memory-heavy pod could have
// used. We instead (1) choose the type of every new node by cost efficiency for the whole
// batch (price times the fractional number of such nodes the batch's CPU, memory and pod
// demand would need), so nodes come from the family whose shape fits the demand best; (2)
// place each pod, largest first (size normalised by the batch's total demand), into the node
// whose normalised free capacity after placement has the smallest Euclidean norm: the
// norm-based greedy of Panigrahy et al. ("Heuristics for Vector Bin Packing", 2011), which
// fills nodes evenly across dimensions; (3) try to empty the least-filled nodes into the
// others; (4) shrink every node to the cheapest type that still holds its pods. A per-pod
// type choice cannot see that CPU-heavy and memory-heavy pods together fill a general-purpose
// type better than each fills its own; the shape LP (Clp) can, so a second, LP-guided packer
// takes each pod's type from the LP's solution and packs type by type (PlaceByLpType). Both
// end with the emptying pass and pairwise merges (MergePairs). As a portfolio we also run FFD
// with the same type choice and keep the cheapest plan, so the result is never worse than the
// baseline. Every placement is checked by the scheduling simulator, so topology spread,
// affinity and volume zones hold in the plan. (The file is past 700 lines because these
// passes share one packer's state: bins, index, simulator and caches.)

constexpr int kMaxRankedTypesTried = 64;
constexpr double kEmptyingUtilization = 0.5;
constexpr int kMaxEmptyingAttempts = 64;
constexpr int kBestFitCandidates = 8;
constexpr int kBestFitVisits = 48;
constexpr double kShapeTolerance = 1.10;
// The LP-guided packer's shape LP groups pods into at most this many shapes: enough to tell
// CPU-heavy from memory-heavy pods apart, few enough that Clp answers in milliseconds.
constexpr size_t kMaxLpShapes = 120;
constexpr double kStrandedPods = 0.5;
constexpr int64_t kRankingCpuCell = 50;
constexpr int64_t kRankingMemoryCell = int64_t{64} << 20;
constexpr size_t kMaxPodsForSecondSizing = 2000;
// The configuration LP's work limits in the packer (deterministic, so plans are reproducible).
constexpr int32_t kConfigLpIterations = 30;
constexpr int64_t kConfigLpKnapsackNodes = 2000;
constexpr double kMergeUtilization = 0.75;
constexpr size_t kMaxMergeCandidates = 24;
// The improvement pass (RepackPass): passes over the nodes at most (the search budget,
// PackingOptions::search_steps_per_pod, usually ends it first), pods per neighbourhood,
// partners per node.
constexpr int kMaxRepackPasses = 16;
// From this search effort on, the two most promising attempts are searched, not one.
constexpr int64_t kSearchTwoAttemptsStepsPerPod = 1000;
// Zones of at most this many pods are first solved exactly, within this many DP states.
constexpr size_t kMaxExactPods = 24;
constexpr int64_t kMaxExactStates = int64_t{1} << 16;
// ... and at least this much DP work, whatever the search effort (about a millisecond).
constexpr int64_t kMinExactTransitions = 200000;
// The search budget is at least that of a batch of this many pods.
constexpr int64_t kMinSearchPods = 250;
constexpr size_t kMaxRepackPods = 32;
constexpr size_t kRepackWastePartners = 3;
constexpr size_t kRepackLeanPartners = 3;
constexpr size_t kRepackTriplePartners = 4;
// Node elimination spends at most this share of the budget left when its pass begins.
constexpr double kEliminationShare = 0.4;
// Ruin and recreate spends at most this share of the budget the local moves leave, with a
// fixed seed per zone (plans must not depend on anything but the input).
constexpr double kRuinRecreateShare = 0.8;
constexpr uint64_t kRuinRecreateSeed = 0x5eed;
// At the thorough effort the local moves first get at most the search budget less this share.
constexpr double kRuinRecreateReserve = 0.5;

struct Ranked {
  const LaunchType* type = nullptr;
  CapacityType capacity = CapacityType::kOnDemand;
  double score = 0;  // estimated cost of the whole batch (or of one pod's shape) on this type
  double nodes = 0;  // fractional number of such nodes the whole batch needs
  Money hourly;      // price of one node
};

struct Bin {
  NodeId id = -1;
  const LaunchType* target = nullptr;
  std::string zone;
  CapacityType capacity = CapacityType::kOnDemand;
  std::vector<size_t> pods;
  bool emptied = false;
  int64_t version = 0;  // changes whenever the improvement pass replaces the node
};

double Share(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

// How the LP-guided packer sizes a group's nodes (see SizeLpGroups): counting whole nodes
// suits small groups, counting fractional nodes with stranded capacity suits large ones; the
// packer tries both.
enum class LpSizing { kWholeNodes, kStrandedCapacity };

// The types a batch ranks and indexes before packing: the same for every portfolio attempt
// (same pods, same catalogue). Ranking 1,235 types and finding the non-dominated ones was a
// tenth of a 100-pod call per attempt, so the first attempt fills it and the others copy it.
struct TypeTables {
  std::map<std::string, int32_t> zone_index;
  std::vector<const LaunchType*> on_demand_order, spot_order;  // cheapest first
  Resources demand;                                            // the batch's total request
  std::vector<Ranked> ranking;
  std::vector<size_t> efficient;  // ranking entries no other entry dominates, in rank order
  std::vector<Resources> efficient_allocatable;  // per efficient entry
  std::vector<double> efficient_usd;             // per efficient entry
};

// What the portfolio's attempts share: the type tables, and the shape LP's answer for the
// LP-guided attempts.
struct SharedPacking {
  std::optional<TypeTables> types;
  std::vector<int32_t> lp_types;  // empty until an LP-guided attempt has solved the LP
};

class Packer {
 public:
  Packer(ClusterState& state, const LaunchCatalog& launch, const std::vector<const Pod*>& pods,
         const PackingOptions& options, PackingStrategy strategy,
         LpSizing sizing = LpSizing::kWholeNodes, SharedPacking* shared = nullptr)
      : state_(state),
        launch_(launch),
        pods_(pods),
        options_(options),
        strategy_(strategy),
        sizing_(sizing),
        shared_(shared) {}

  PackingPlan Run() {
    Pack();
    return Finish();
  }

  // Places every pod (new nodes as needed) and tidies up; Finish() then closes the nodes.
  void Pack() {
    existing_count_ = static_cast<NodeId>(state_.NodeCount());
    const bool shared_types = shared_ != nullptr && shared_->types.has_value();
    if (shared_types) {
      types_ = *shared_->types;
    } else {
      IndexTypes();
    }
    for (const Pod* pod : pods_) prepared_.push_back(state_.Prepare(*pod));
    for (const std::string& zone : launch_.zones()) {
      state_.AddPotentialDomain(labels::kZone, zone);
    }
    if (options_.new_hostname_domain) {
      state_.AddPotentialDomain(labels::kHostname, options_.node_name_prefix + "next");
    }
    if (!shared_types) {
      RankTypes();
      if (shared_ != nullptr) shared_->types = types_;
    }
    if (strategy_ == PackingStrategy::kLpGuided) {
      PlaceByLpType();
    } else if (strategy_ == PackingStrategy::kConfigLpGuided) {
      PlaceByConfigs();
    } else {
      for (size_t i : DecreasingOrder()) Place(i);
    }
    if (strategy_ != PackingStrategy::kFirstFitDecreasing) {
      EmptyLeastFilledBins();
      MergePairs();
    }
  }

  // What Finish() would cost, to choose which attempt to improve: unschedulable pods, the
  // price of every node shrunk to its cheapest holder, the number of nodes.
  std::tuple<size_t, Money, size_t> Estimate() {
    Money hourly;
    size_t nodes = 0;
    for (const Bin& bin : bins_) {
      if (bin.emptied) continue;
      hourly += ClosingPrice(bin);
      ++nodes;
    }
    return {unschedulable_.size(), hourly, nodes};
  }

  // The improvement pass (see "Why repack" below).
  void Improve() {
    // Small batches get a floor: their neighbourhoods are whole zones, and a few milliseconds
    // buy the exact answer there.
    budget_ = options_.search_steps_per_pod *
              std::max<int64_t>(static_cast<int64_t>(prepared_.size()), kMinSearchPods);
    for (size_t e : types_.efficient) {  // a dominated type never has the cheapest rate
      const Ranked& r = types_.ranking[e];
      const Resources& a = r.type->allocatable;
      auto per = [&](int64_t amount) { return amount > 0 ? r.hourly.usd() / double(amount) : 0.0; };
      unit_prices_[r.capacity == CapacityType::kSpot ? 1 : 0].push_back(
          {per(a.cpu_millis), per(a.memory_bytes), per(a.pods)});
    }
    scores_.assign(bins_.size(), BinScore{});
    for (size_t b = 0; b < bins_.size(); ++b) Rescore(b);
    SolveSmallZonesExactly();
    // The local moves stop at a local optimum, or spend the whole budget on a large batch;
    // ruin and recreate finds more per step on large batches and keeps finding cheaper plans
    // after the local moves stop, so a thorough search keeps part of the budget for it. Then
    // the local moves polish what it changed.
    int64_t reserve = 0;
    if (options_.ruin_and_recreate &&
        options_.search_steps_per_pod >= kSearchTwoAttemptsStepsPerPod) {
      reserve = static_cast<int64_t>(kRuinRecreateReserve * static_cast<double>(budget_));
    }
    budget_ -= reserve;
    LocalMoves();
    budget_ += reserve;
    if (options_.ruin_and_recreate && budget_ > 0 && RuinRecreatePass()) LocalMoves();
  }

 private:
  void IndexTypes() {
    // Zones are numbered in the order types first offer them; once every zone of the
    // catalogue has a number, the other types need not be looked at.
    for (const LaunchType& t : launch_.types()) {
      if (types_.zone_index.size() >= launch_.zones().size()) break;
      for (const LaunchZone& z : t.zones) {
        types_.zone_index.try_emplace(z.zone, static_cast<int32_t>(types_.zone_index.size()));
      }
    }
    for (const LaunchType& t : launch_.types()) {
      types_.on_demand_order.push_back(&t);  // the catalogue is sorted by on-demand price
      if (SpotPrice(t)) types_.spot_order.push_back(&t);
    }
    std::stable_sort(
        types_.spot_order.begin(), types_.spot_order.end(),
        [](const LaunchType* a, const LaunchType* b) { return *SpotPrice(*a) < *SpotPrice(*b); });
  }

  static std::optional<Money> SpotPrice(const LaunchType& t) {
    std::optional<Money> spot;
    for (const LaunchZone& z : t.zones) {
      if (z.safe_spot_hourly && (!spot || *z.safe_spot_hourly < *spot)) spot = z.safe_spot_hourly;
    }
    return spot;
  }

  void RankTypes() {
    for (const PreparedPod& p : prepared_) types_.demand += p.requests;
    for (const LaunchType& t : launch_.types()) {
      double nodes = std::max({Share(types_.demand.cpu_millis, t.allocatable.cpu_millis),
                               Share(types_.demand.memory_bytes, t.allocatable.memory_bytes),
                               Share(types_.demand.pods, t.allocatable.pods)});
      nodes = std::max(nodes, 1e-9);
      types_.ranking.push_back({&t, CapacityType::kOnDemand, nodes * t.on_demand_hourly.usd(),
                                nodes, t.on_demand_hourly});
      std::optional<Money> spot = SpotPrice(t);
      if (spot)
        types_.ranking.push_back({&t, CapacityType::kSpot, nodes * spot->usd(), nodes, *spot});
    }
    // By score, ties in catalogue order (a stable sort), sorting (score, position) pairs.
    std::vector<std::pair<double, size_t>> order;
    order.reserve(types_.ranking.size());
    for (size_t k = 0; k < types_.ranking.size(); ++k)
      order.push_back({types_.ranking[k].score, k});
    std::sort(order.begin(), order.end());
    std::vector<Ranked> sorted;
    sorted.reserve(order.size());
    for (const auto& [score, k] : order) sorted.push_back(types_.ranking[k]);
    types_.ranking = std::move(sorted);
    // A type another type of the same capacity type dominates (as much of every resource, no
    // dearer) never holds a pod more cheaply, so per-shape rankings only look at the others.
    // Only the catalogue's undominated types can be (a type it drops is dominated by one that
    // comes first in rank order too: no dearer, and no larger a share of the demand), so
    // only they are compared.
    for (CapacityType capacity : {CapacityType::kOnDemand, CapacityType::kSpot}) {
      std::vector<char> undominated(launch_.types().size(), 0);
      for (size_t t : launch_.Undominated(capacity)) undominated[t] = 1;
      std::vector<PriceOption> options;
      std::vector<size_t> index;
      for (size_t k = 0; k < types_.ranking.size(); ++k) {
        const Ranked& r = types_.ranking[k];
        if (r.capacity != capacity || !undominated[r.type - launch_.types().data()]) continue;
        options.push_back({"", r.type->allocatable, r.hourly});
        index.push_back(k);
      }
      for (size_t kept : NonDominatedIndices(options)) types_.efficient.push_back(index[kept]);
    }
    std::sort(types_.efficient.begin(), types_.efficient.end());
    for (size_t e : types_.efficient) {  // contiguous copies for RankingFor's scan
      types_.efficient_allocatable.push_back(types_.ranking[e].type->allocatable);
      types_.efficient_usd.push_back(types_.ranking[e].hourly.usd());
    }
  }

  // The LP-guided packing: the shape LP says which type each pod should run on (pods of
  // complementary shapes share a type when that is cheaper, which a per-pod choice misses);
  // pods are then packed type by type, largest first, each type's pods only into nodes of
  // that type. A pod its type cannot take (constraints, rounding) opens a node as in the
  // cost-aware packer.
  void PlaceByLpType() {
    // The LP depends only on the pods and the catalogue: attempts that differ in sizing share it.
    if (shared_ != nullptr && !shared_->lp_types.empty()) {
      lp_type_ = shared_->lp_types;
    } else {
      std::vector<PriceOption> options;
      for (const Ranked& r : types_.ranking) options.push_back({"", r.type->allocatable, r.hourly});
      std::vector<Resources> requests;
      for (const PreparedPod& p : prepared_) requests.push_back(p.requests);
      // types_.efficient: no type of the same capacity type dominates them, so they hold
      // every type no type at all dominates.
      lp_type_ = AssignTypesByShapeLp(requests, options, kMaxLpShapes, &types_.efficient);
      if (shared_ != nullptr) shared_->lp_types = lp_type_;
    }
    SizeLpGroups();
    std::vector<size_t> order = DecreasingOrder();
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return lp_type_[a] < lp_type_[b]; });
    int32_t group = -2;
    for (size_t i : order) {
      if (lp_type_[i] != group) {  // only this type's nodes take this type's pods
        group = lp_type_[i];
        index_ = BinIndex();
      }
      Place(i);
    }
    index_ = BinIndex();
    for (size_t b = 0; b < bins_.size(); ++b) Reindex(b);
  }

  // The configuration-LP-guided packing: nodes as the LP's floored configurations plan them
  // (each pod still checked by the simulator), then the residue pod by pod as in the
  // cost-aware packer, which may also fill the planned nodes' leftover room.
  void PlaceByConfigs() {
    std::vector<PriceOption> options;
    for (const Ranked& r : types_.ranking) options.push_back({"", r.type->allocatable, r.hourly});
    std::vector<Resources> requests;
    for (const PreparedPod& p : prepared_) requests.push_back(p.requests);
    ConfigLpLimits limits;
    limits.max_iterations = kConfigLpIterations;
    limits.max_knapsack_nodes = kConfigLpKnapsackNodes;
    std::vector<char> placed(prepared_.size(), 0);
    for (const GuidedNode& node : GuideByConfigLp(requests, options, kMaxLpShapes, limits)) {
      std::optional<size_t> bin;
      for (size_t i : node.pods) {
        if (!bin) {
          FitFailure failure = FitFailure::kNone;
          if (TryOpen(i, {types_.ranking[node.option]}, &failure)) {
            bin = bins_.size() - 1;
            placed[i] = 1;
          }
          continue;
        }
        if (state_.Fits(prepared_[i], bins_[*bin].id) == FitFailure::kNone) {
          state_.Bind(prepared_[i], bins_[*bin].id);
          bins_[*bin].pods.push_back(i);
          placed[i] = 1;
        }
      }
      if (bin) Reindex(*bin);
    }
    for (size_t i : DecreasingOrder()) {
      if (!placed[i]) Place(i);
    }
  }

  // The LP is indifferent between sizes of one family (m6i.large and m6i.32xlarge cost the
  // same per vCPU and GiB), so it may send ten pods to a fraction of the largest size; opening
  // that node and shrinking it afterwards lands on the next size up from the pods' total. We
  // therefore size each LP group again: the type that costs least for the group's total
  // demand, ties to the larger type (fewer nodes, less fragmentation). kWholeNodes counts
  // ⌈demand / capacity⌉ nodes on the scarcest resource (right for groups of a few nodes);
  // kStrandedCapacity counts demand / (capacity − half an average pod): a packed node strands
  // part of a pod, which matters on small nodes, and the last, partly filled node is not
  // counted whole because closing shrinks it anyway. Every pod must fit on the type.
  void SizeLpGroups() {
    struct Demand {
      Resources total, largest;
      int64_t pods = 0;
    };
    std::map<int32_t, Demand> groups;
    for (size_t i = 0; i < prepared_.size(); ++i) {
      if (lp_type_[i] < 0) continue;
      Resources r = prepared_[i].requests;
      r.pods = std::max<int64_t>(r.pods, 1);
      Demand& d = groups[lp_type_[i]];
      d.total += r;
      d.largest = d.largest.Max(r);
      ++d.pods;
    }
    std::map<int32_t, int32_t> sized;
    for (const auto& [group, demand] : groups) {
      const Resources& total = demand.total;
      const Resources& largest = demand.largest;
      auto nodes_for = [&](int64_t need, int64_t capacity) {
        double stranded = sizing_ == LpSizing::kStrandedCapacity ? kStrandedPods : 0.0;
        double usable = static_cast<double>(capacity) -
                        stranded * static_cast<double>(need) / static_cast<double>(demand.pods);
        usable = std::max(usable, 0.1 * static_cast<double>(capacity));
        return capacity > 0 ? static_cast<double>(need) / usable : 0.0;
      };
      int32_t best = group;
      double best_cost = std::numeric_limits<double>::max();
      for (size_t u = 0; u < types_.ranking.size(); ++u) {
        const Ranked& r = types_.ranking[u];
        if (r.capacity != types_.ranking[group].capacity || !largest.FitsIn(r.type->allocatable)) {
          continue;
        }
        const Resources& a = r.type->allocatable;
        double nodes =
            std::max({nodes_for(total.cpu_millis, a.cpu_millis),
                      nodes_for(total.memory_bytes, a.memory_bytes), Share(total.pods, a.pods)});
        if (sizing_ == LpSizing::kWholeNodes) nodes = std::ceil(nodes - 1e-9);
        double cost = nodes * r.hourly.usd();
        bool better = cost < best_cost * (1 - 1e-9) ||
                      (cost <= best_cost * (1 + 1e-9) &&
                       a.cpu_millis > types_.ranking[best].type->allocatable.cpu_millis);
        if (better) {
          best = static_cast<int32_t>(u);
          best_cost = cost;
        }
      }
      sized[group] = best;
    }
    for (int32_t& t : lp_type_) {
      if (t >= 0) t = sized[t];
    }
  }

  std::vector<size_t> DecreasingOrder() const {
    std::vector<double> size(prepared_.size());
    for (size_t i = 0; i < prepared_.size(); ++i) {
      const Resources& r = prepared_[i].requests;
      size[i] = Share(r.cpu_millis, types_.demand.cpu_millis) +
                Share(r.memory_bytes, types_.demand.memory_bytes);
    }
    std::vector<size_t> order(prepared_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return size[a] > size[b]; });
    return order;
  }

  // Normalised free capacity left after placing `r` on `id`; smaller is a tighter fit.
  double SlackNorm(NodeId id, const Resources& r) const {
    Resources alloc = state_.Allocatable(id);
    Resources after = state_.Free(id) - r;
    double cpu = Share(after.cpu_millis, alloc.cpu_millis);
    double mem = Share(after.memory_bytes, alloc.memory_bytes);
    double pods = Share(after.pods, alloc.pods);
    return cpu * cpu + mem * mem + 0.25 * pods * pods;
  }

  // First fit: the lowest-numbered bin that takes the pod. Best fit: among the bins with the
  // least free CPU that could take it, the one with the smallest normalised slack norm; we
  // stop after kBestFitCandidates feasible bins, which are the tightest on CPU already.
  std::optional<size_t> ChooseBin(const PreparedPod& p, NodeId skip = -1) {
    auto fits = [&](int32_t b) {
      const Bin& bin = bins_[b];
      return !bin.emptied && bin.id != skip && state_.Fits(p, bin.id) == FitFailure::kNone;
    };
    if (strategy_ == PackingStrategy::kFirstFitDecreasing) {
      int32_t b = index_.FirstFit(p.requests, fits);
      return b < 0 ? std::nullopt : std::optional<size_t>(b);
    }
    std::optional<size_t> best;
    double best_score = std::numeric_limits<double>::max();
    int feasible = 0, visited = 0;
    // Cost-aware matching: a pod joins only nodes whose type holds its shape nearly as
    // cheaply as the best type for it, so CPU-heavy and memory-heavy pods do not end up
    // sharing one big node whose type suits neither.
    const bool lp_guided = strategy_ == PackingStrategy::kLpGuided;
    const Ranked* best_type = lp_guided ? nullptr : BestTypeFor(p);
    double best_pod_cost = best_type == nullptr ? 0 : best_type->score;
    auto suits = [&](int32_t b) {
      return best_type == nullptr ||
             PodCost(p, *bins_[b].target, bins_[b].capacity) <= kShapeTolerance * best_pod_cost;
    };
    index_.ForEachByFreeCpu(p.requests, [&](int32_t b) {
      ++visited;
      if (p.requests.FitsIn(state_.Free(bins_[b].id)) && suits(b) && fits(b)) {
        double score = SlackNorm(bins_[b].id, p.requests);
        if (score < best_score) {
          best_score = score;
          best = b;
        }
        ++feasible;
      }
      return feasible < kBestFitCandidates && visited < kBestFitVisits;
    });
    if (!best && visited >= kBestFitVisits) {  // tight on CPU but not on memory: any bin
      int32_t b = index_.FirstFit(p.requests, [&](int32_t b) { return suits(b) && fits(b); });
      if (b >= 0) best = b;
    }
    return best;
  }

  // What one pod of this shape costs on a type filled with such pods.
  double PodCost(const PreparedPod& p, const LaunchType& t, CapacityType capacity) const {
    const Resources& d = p.requests;
    const Resources& a = t.allocatable;
    double share = std::max({Share(d.cpu_millis, a.cpu_millis),
                             Share(d.memory_bytes, a.memory_bytes), Share(d.pods, a.pods)});
    Money hourly = capacity == CapacityType::kSpot ? SpotPrice(t).value_or(t.on_demand_hourly)
                                                   : t.on_demand_hourly;
    return hourly.usd() * share;
  }

  void Reindex(size_t b) {
    if (bins_[b].emptied) {
      index_.Remove(static_cast<int32_t>(b));
    } else {
      index_.Set(static_cast<int32_t>(b), state_.Free(bins_[b].id));
    }
  }

  std::optional<NodeId> ChooseExisting(const PreparedPod& p) const {
    std::optional<NodeId> best;
    double best_score = std::numeric_limits<double>::max();
    for (NodeId id = 0; id < existing_count_; ++id) {
      if (!p.requests.FitsIn(state_.Free(id)) || state_.Fits(p, id) != FitFailure::kNone) {
        continue;
      }
      double score = SlackNorm(id, p.requests);
      if (score < best_score) {
        best_score = score;
        best = id;
      }
    }
    return best;
  }

  void Place(size_t i) {
    const PreparedPod& p = prepared_[i];
    if (options_.use_existing_nodes) {
      if (std::optional<NodeId> id = ChooseExisting(p)) {
        state_.Bind(p, *id);
        on_existing_.push_back({i, *id});
        return;
      }
    }
    if (std::optional<size_t> b = ChooseBin(p)) {
      state_.Bind(p, bins_[*b].id);
      bins_[*b].pods.push_back(i);
      Reindex(*b);
      return;
    }
    OpenBin(i);
  }

  int32_t ZoneIndex(const std::string& zone) const {
    auto it = types_.zone_index.find(zone);
    return it == types_.zone_index.end() ? -1 : it->second;
  }

  size_t OptionIndex(const LaunchType& t, int32_t zone, CapacityType capacity) const {
    size_t type = static_cast<size_t>(&t - launch_.types().data());
    return (type * types_.zone_index.size() + static_cast<size_t>(zone)) * 2 +
           (capacity == CapacityType::kSpot ? 1 : 0);
  }

  // Whether a new node of this type, zone and capacity passes the pod's node selector,
  // affinity and tolerations (new nodes carry no taints). Cached per placement class.
  bool Compatible(const PreparedPod& p, const LaunchType& t, const std::string& zone,
                  CapacityType capacity) {
    int32_t z = ZoneIndex(zone);
    if (z < 0) return false;
    // Nothing to match (most pods): no template node to build.
    if (p.pod->node_selector.empty() && p.pod->affinity.required_node_terms.empty()) return true;
    size_t option = OptionIndex(t, z, capacity);
    if (compatible_.size() <= static_cast<size_t>(p.placement_class)) {
      compatible_.resize(p.placement_class + 1);
    }
    std::vector<int8_t>& cache = compatible_[p.placement_class];
    if (cache.empty()) cache.assign(launch_.types().size() * types_.zone_index.size() * 2, -1);
    if (cache[option] < 0) {
      Node node = launch_.TemplateNode(t, zone, capacity, "template");
      cache[option] = MatchesNodeSelectorAndAffinity(p.pod->node_selector,
                                                     p.pod->affinity.required_node_terms, node)
                          ? 1
                          : 0;
    }
    return cache[option] == 1;
  }

  std::vector<std::string> ZonesByLoad(const Ranked& r) const {
    // Each zone's count is looked up once, then the zones stably sorted by it.
    std::vector<std::pair<int, const std::string*>> counted;
    for (const LaunchZone& z : r.type->zones) {
      if (r.capacity == CapacityType::kSpot && !z.safe_spot_hourly) continue;
      auto it = bins_per_zone_.find(z.zone);
      counted.push_back({it == bins_per_zone_.end() ? 0 : it->second, &z.zone});
    }
    std::stable_sort(counted.begin(), counted.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> zones;
    zones.reserve(counted.size());
    for (const auto& [count, zone] : counted) zones.push_back(*zone);
    return zones;
  }

  NodeId Probe(const Ranked& r, const std::string& zone) {
    auto key = std::make_tuple(r.type, zone, r.capacity);
    auto it = spares_.find(key);
    if (it != spares_.end()) {
      NodeId id = it->second;
      spares_.erase(it);
      state_.SetNodeRemoved(id, false);
      return id;
    }
    std::string name = options_.node_name_prefix + std::to_string(next_name_++);
    return state_.AddNode(launch_.TemplateNode(*r.type, zone, r.capacity, name));
  }

  // The cost-aware strategy ranks types for the pod that opens a node by how cheaply they
  // hold pods of its shape (price × the largest share of the type one such pod takes: the
  // type's cost per pod when filled with them), so CPU-heavy pods open compute types and
  // memory-heavy pods open memory types, as the LP bound's optimum does. Among near-equal
  // scores the larger type wins, since bigger nodes strand less capacity. The baseline uses
  // one ranking for the whole batch.
  //
  // Most pods only need the first type of their ranking (its cost per pod is what a node must
  // come near to take the pod, and a new node of it nearly always takes the pod), so that
  // type is found on its own, in one scan: the type with the most CPU among those within 2%
  // of the least cost per pod (then the cheaper, then the first in rank order). The whole
  // ranking (RankingFor, a sort of up to 128 types) is built only for a pod that this type
  // could not take. Pods within 50m CPU and 64 MiB of each other share both (the first
  // one's): ranking every distinct request anew is what made random-sized batches slow, and
  // the order of types barely moves within such a cell.
  static std::pair<int64_t, int64_t> RankingCell(const Resources& d) {
    return {d.cpu_millis / kRankingCpuCell, d.memory_bytes / kRankingMemoryCell};
  }

  // Nullptr when no type holds the pod.
  const Ranked* BestTypeFor(const PreparedPod& p) {
    auto key = RankingCell(p.requests);
    auto cached = best_types_.find(key);
    if (cached != best_types_.end()) return cached->second ? &*cached->second : nullptr;
    std::vector<std::pair<double, size_t>>& scored = ScoreTypes(p.requests);
    std::optional<Ranked>& best = best_types_[key];
    if (scored.empty()) return nullptr;
    double least = scored.front().first;
    for (const auto& [score, e] : scored) least = std::min(least, score);
    const std::pair<double, size_t>* chosen = nullptr;
    int64_t chosen_cpu = 0;
    for (const auto& entry : scored) {
      if (entry.first - least > 0.02 * least) continue;
      int64_t cpu = types_.ranking[entry.second].type->allocatable.cpu_millis;
      if (chosen == nullptr || cpu > chosen_cpu ||
          (cpu == chosen_cpu && entry.first < chosen->first)) {
        chosen = &entry;
        chosen_cpu = cpu;
      }
    }
    const Ranked& r = types_.ranking[chosen->second];
    best = Ranked{r.type, r.capacity, chosen->first, r.nodes, r.hourly};
    return &*best;
  }

  // The efficient types that hold a pod of `d`, with their cost per pod (in scored_).
  std::vector<std::pair<double, size_t>>& ScoreTypes(const Resources& d) {
    std::vector<std::pair<double, size_t>>& scored = scored_;
    scored.clear();
    for (size_t k = 0; k < types_.efficient.size(); ++k) {
      const Resources& a = types_.efficient_allocatable[k];
      if (!d.FitsIn(a)) continue;
      double share = std::max({Share(d.cpu_millis, a.cpu_millis),
                               Share(d.memory_bytes, a.memory_bytes), Share(d.pods, a.pods)});
      scored.push_back({types_.efficient_usd[k] * std::max(share, 1e-9), types_.efficient[k]});
    }
    return scored;
  }

  // The whole ranking, BestTypeFor's type first. Types too small for a pod are skipped on use.
  const std::vector<Ranked>& RankingFor(const PreparedPod& p) {
    if (strategy_ == PackingStrategy::kFirstFitDecreasing) return types_.ranking;
    auto key = RankingCell(p.requests);
    auto cached = shape_rankings_.find(key);
    if (cached != shape_rankings_.end()) return cached->second;
    const Ranked* best = BestTypeFor(p);
    // Scores are sorted as (score, types_.ranking index) pairs and only the kept ones become Ranked
    // entries: the same comparisons as sorting the entries themselves, so the same order.
    std::vector<std::pair<double, size_t>>& scored = ScoreTypes(p.requests);
    size_t keep = std::min<size_t>(scored.size(), 2 * kMaxRankedTypesTried);
    std::partial_sort(scored.begin(), scored.begin() + keep, scored.end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
    scored.resize(keep);
    // Near-ties (within 2%): prefer more CPU, i.e. bigger nodes.
    std::stable_sort(scored.begin(), scored.end(), [&](const auto& a, const auto& b) {
      if (std::abs(a.first - b.first) > 0.02 * std::min(a.first, b.first)) {
        return a.first < b.first;
      }
      return types_.ranking[a.second].type->allocatable.cpu_millis >
             types_.ranking[b.second].type->allocatable.cpu_millis;
    });
    std::vector<Ranked> ranked;
    ranked.reserve(scored.size() + 1);
    if (best != nullptr) ranked.push_back(*best);
    for (const auto& [score, e] : scored) {
      const Ranked& r = types_.ranking[e];
      if (best != nullptr && r.type == best->type && r.capacity == best->capacity) continue;
      ranked.push_back({r.type, r.capacity, score, r.nodes, r.hourly});
    }
    return shape_rankings_.emplace(key, std::move(ranked)).first->second;
  }

  bool TryOpen(size_t i, const std::vector<Ranked>& ranking, FitFailure* first_failure) {
    const PreparedPod& p = prepared_[i];
    // Spread and affinity failures depend on the zone, not the type: a zone that failed so
    // is not tried again with another type.
    std::set<std::string> zones_failed;
    int tried = 0;
    for (const Ranked& r : ranking) {
      if (!p.requests.FitsIn(r.type->allocatable)) continue;
      bool any_zone = false;
      for (const std::string& zone : ZonesByLoad(r)) {
        if (zones_failed.contains(zone) || !Compatible(p, *r.type, zone, r.capacity)) continue;
        any_zone = true;
        NodeId probe = Probe(r, zone);
        FitFailure f = state_.Fits(p, probe);
        if (f == FitFailure::kNone) {
          state_.Bind(p, probe);
          bins_.push_back(Bin{probe, r.type, zone, r.capacity, {i}});
          ++bins_per_zone_[zone];
          Reindex(bins_.size() - 1);
          return true;
        }
        if (*first_failure == FitFailure::kNone) *first_failure = f;
        if (f >= FitFailure::kTopologySpreadMissingLabel) zones_failed.insert(zone);
        state_.SetNodeRemoved(probe, true);
        spares_[std::make_tuple(r.type, zone, r.capacity)] = probe;
      }
      if (zones_failed.size() >= types_.zone_index.size()) break;
      if (any_zone && ++tried >= kMaxRankedTypesTried) break;
    }
    return false;
  }

  void OpenBin(size_t i) {
    const PreparedPod& p = prepared_[i];
    FitFailure first_failure = FitFailure::kNone;
    if (!lp_type_.empty() && lp_type_[i] >= 0 &&
        TryOpen(i, {types_.ranking[lp_type_[i]]}, &first_failure)) {
      return;
    }
    if (strategy_ != PackingStrategy::kFirstFitDecreasing) {
      const Ranked* best = BestTypeFor(p);
      if (best != nullptr && TryOpen(i, {*best}, &first_failure)) return;
    }
    const std::vector<Ranked>& ranking = RankingFor(p);
    if (TryOpen(i, ranking, &first_failure)) return;
    // The shape ranking keeps only the best types; constrained pods may need another one.
    if (&ranking != &types_.ranking && TryOpen(i, types_.ranking, &first_failure)) return;
    if (first_failure == FitFailure::kNone) {
      first_failure =
          types_.ranking.empty() ? FitFailure::kNodeSelectorMismatch : FitFailure::kInsufficientCpu;
      for (const Ranked& r : types_.ranking) {
        if (p.requests.FitsIn(r.type->allocatable)) {
          first_failure = FitFailure::kNodeSelectorMismatch;
          break;
        }
      }
    }
    unschedulable_.push_back({i, first_failure});
  }

  double Utilization(const Bin& bin) const {
    Resources used = state_.Requested(bin.id);
    Resources alloc = state_.Allocatable(bin.id);
    return std::max(Share(used.cpu_millis, alloc.cpu_millis),
                    Share(used.memory_bytes, alloc.memory_bytes));
  }

  // Tries to move every pod of a little-used node onto the other new nodes.
  void EmptyLeastFilledBins() {
    std::vector<size_t> candidates;
    for (size_t b = 0; b < bins_.size(); ++b) {
      if (Utilization(bins_[b]) < kEmptyingUtilization) candidates.push_back(b);
    }
    std::stable_sort(candidates.begin(), candidates.end(), [&](size_t a, size_t b) {
      return Utilization(bins_[a]) < Utilization(bins_[b]);
    });
    if (candidates.size() > static_cast<size_t>(kMaxEmptyingAttempts)) {
      candidates.resize(kMaxEmptyingAttempts);
    }
    for (size_t b : candidates) TryEmpty(b);
  }

  void TryEmpty(size_t b) {
    Bin& bin = bins_[b];
    for (size_t i : bin.pods) state_.Unbind(prepared_[i], bin.id);
    state_.SetNodeRemoved(bin.id, true);
    index_.Remove(static_cast<int32_t>(b));
    std::vector<std::pair<size_t, size_t>> moved;  // pod, bin
    bool all_moved = true;
    for (size_t i : bin.pods) {
      std::optional<size_t> to = ChooseBin(prepared_[i], bin.id);
      if (!to) {
        all_moved = false;
        break;
      }
      state_.Bind(prepared_[i], bins_[*to].id);
      Reindex(*to);
      moved.push_back({i, *to});
    }
    if (all_moved) {
      for (const auto& [i, to] : moved) bins_[to].pods.push_back(i);
      bin.pods.clear();
      bin.emptied = true;
      return;
    }
    for (const auto& [i, to] : moved) {
      state_.Unbind(prepared_[i], bins_[to].id);
      Reindex(to);
    }
    state_.SetNodeRemoved(bin.id, false);
    for (size_t i : bin.pods) state_.Bind(prepared_[i], bin.id);
    Reindex(b);
  }

  // Why merge pairs. Packing type by type leaves the last node of each type, and the nodes of
  // rarely used types, partly empty; emptying moves whole nodes' pods only into room that
  // already exists. Two partly-empty nodes often fit together on one node of a type that
  // costs less than the two cheapest types that hold them separately (the small instances
  // against CBC's optimum show that this is where a greedy packing loses most). We try the
  // least-utilised nodes pairwise, cheapest merge first by construction of the scan, and
  // re-simulate every pod on the merged node, so constraints still hold.
  void MergePairs() {
    std::vector<size_t> candidates;
    for (size_t b = 0; b < bins_.size(); ++b) {
      if (!bins_[b].emptied && Utilization(bins_[b]) < kMergeUtilization) candidates.push_back(b);
    }
    std::stable_sort(candidates.begin(), candidates.end(), [&](size_t a, size_t b) {
      return Utilization(bins_[a]) < Utilization(bins_[b]);
    });
    if (candidates.size() > kMaxMergeCandidates) candidates.resize(kMaxMergeCandidates);
    for (size_t x = 0; x < candidates.size(); ++x) {
      for (size_t y = x + 1; y < candidates.size(); ++y) {
        if (bins_[candidates[x]].emptied) break;
        if (!bins_[candidates[y]].emptied) TryMerge(candidates[x], candidates[y]);
      }
    }
  }

  // The cheapest type that holds `need` with every pod of `bins` compatible, in `zone`.
  const LaunchType* CheapestHolder(const Resources& need, const std::vector<const Bin*>& bins,
                                   const std::string& zone, CapacityType capacity) {
    const std::vector<const LaunchType*>& order =
        capacity == CapacityType::kSpot ? types_.spot_order : types_.on_demand_order;
    for (const LaunchType* t : order) {
      if (!need.FitsIn(t->allocatable) || t->Hourly(capacity, zone).IsZero()) continue;
      bool all = std::all_of(bins.begin(), bins.end(),
                             [&](const Bin* bin) { return AllCompatible(*bin, *t, capacity); });
      if (all) return t;
    }
    return nullptr;
  }

  Money ClosingPrice(const Bin& bin) {
    const LaunchType* t = CheapestHolder(state_.Requested(bin.id), {&bin}, bin.zone, bin.capacity);
    return (t != nullptr ? t : bin.target)->Hourly(bin.capacity, bin.zone);
  }

  // Replaces bins a and b by one node of the cheapest type that holds both, when that is
  // cheaper and every pod passes the simulator there; otherwise leaves both as they were.
  bool TryMerge(size_t a, size_t b) {
    Bin& into = bins_[a];
    Bin& from = bins_[b];
    if (into.zone != from.zone || into.capacity != from.capacity) return false;
    Resources need = state_.Requested(into.id) + state_.Requested(from.id);
    const LaunchType* t = CheapestHolder(need, {&into, &from}, into.zone, into.capacity);
    if (t == nullptr ||
        t->Hourly(into.capacity, into.zone) >= ClosingPrice(into) + ClosingPrice(from)) {
      return false;
    }
    std::vector<size_t> pods = into.pods;
    pods.insert(pods.end(), from.pods.begin(), from.pods.end());
    SetBinRemoved(into, true);
    SetBinRemoved(from, true);
    std::optional<NodeId> merged = NodeHolding(*t, into.zone, into.capacity, pods);
    if (!merged) {
      SetBinRemoved(into, false);
      SetBinRemoved(from, false);
      return false;
    }
    into.id = *merged;
    into.target = t;
    into.pods = std::move(pods);
    from.pods.clear();
    from.emptied = true;
    index_.Remove(static_cast<int32_t>(b));
    Reindex(a);
    return true;
  }

  // Why repack. The packing above decides each pod once, and emptying and pairwise merging
  // only take nodes away; the cheapest plans (the configuration LP's, and CBC's optima on small
  // instances) differ from ours in the mix of types, a few nodes at a time. So this pass takes
  // the nodes that cost most over what their pods are worth (price against the pods' cost at
  // the cheapest rate for their shape) and solves a small neighbourhood of each exactly
  // (CheaperRepacking): the node alone on up to three nodes, with one partner on up to two, with
  // two partners on up to three (a zone of one or two nodes as a whole). Partners are the other
  // most wasteful nodes and the nodes whose pods lean the other way (CPU against memory), since
  // those pair up on a general-purpose type. A move replaces nodes only when every pod passes the
  // simulator on the new ones (and spot nodes keep enough flexible types), so constraints still
  // hold. The work is bounded per pod, so the plan does not depend on the machine's speed. The live
  // bins per (zone, capacity type): the search only moves pods within one.
  std::map<std::pair<std::string, CapacityType>, std::vector<size_t>> BinsByZone() const {
    std::map<std::pair<std::string, CapacityType>, std::vector<size_t>> zones;
    for (size_t b = 0; b < bins_.size(); ++b) {
      if (!bins_[b].emptied) zones[{bins_[b].zone, bins_[b].capacity}].push_back(b);
    }
    return zones;
  }

  // Each pass: node elimination (a share of the budget: it finds few moves, cheaply), then
  // pairs (they find most moves for little work), triples with what is left.
  void LocalMoves() {
    for (int pass = 0; pass < kMaxRepackPasses && budget_ > 0; ++pass) {
      bool improved = EliminationPass();
      if (budget_ > 0) improved |= RepackPass(2);
      if (budget_ > 0) improved |= RepackPass(3);
      if (!improved) break;
    }
  }

  // Each zone's bins whose pods have no inter-pod constraints (one such pod failing on a
  // recreated node would void the whole move), for zones with at least two.
  std::vector<std::vector<size_t>> MovableBinsByZone() const {
    std::vector<std::vector<size_t>> zones;
    for (auto& [zone, group] : BinsByZone()) {
      std::vector<size_t> movable;
      for (size_t b : group) {
        bool free = std::all_of(bins_[b].pods.begin(), bins_[b].pods.end(), [&](size_t i) {
          const PreparedPod& p = prepared_[i];
          return p.spread.empty() && p.affinity.empty() && p.anti_affinity.empty() &&
                 p.carried_terms.empty();
        });
        if (free) movable.push_back(b);
      }
      if (movable.size() >= 2) zones.push_back(std::move(movable));
    }
    return zones;
  }

  // Ruin and recreate (ruin_recreate.h) over each zone's movable bins, with the zone's share
  // (by pods) of kRuinRecreateShare of the budget left. Its nodes are applied as a repacking,
  // every pod checked by the simulator, and only when cheaper at closing prices.
  bool RuinRecreatePass() {
    const std::vector<std::vector<size_t>> zones = MovableBinsByZone();
    size_t total_pods = 0;
    for (const std::vector<size_t>& zone : zones) {
      for (size_t b : zone) total_pods += bins_[b].pods.size();
    }
    const int64_t share = static_cast<int64_t>(kRuinRecreateShare * static_cast<double>(budget_));
    bool improved = false;
    for (size_t z = 0; z < zones.size(); ++z) {
      std::vector<size_t> pods;
      std::vector<std::vector<int32_t>> nodes;
      for (size_t b : zones[z]) {
        nodes.emplace_back();
        for (size_t i : bins_[b].pods) {
          nodes.back().push_back(static_cast<int32_t>(pods.size()));
          pods.push_back(i);
        }
      }
      std::vector<Resources> requests;
      for (size_t i : pods) requests.push_back(prepared_[i].requests);
      const RepackTypes& types = TypesFor(zones[z]);
      const int64_t granted = share * static_cast<int64_t>(pods.size()) /
                              static_cast<int64_t>(std::max<size_t>(total_pods, 1));
      int64_t left = granted;
      std::optional<RuinRecreateResult> r =
          RuinAndRecreate(requests, types.priced, nodes, left, kRuinRecreateSeed + z);
      budget_ -= granted - std::max<int64_t>(left, 0);
      if (!r) continue;
      std::vector<size_t> group;
      Money before;
      for (int32_t k : r->replaced) {
        group.push_back(zones[z][k]);
        before += scores_[zones[z][k]].closing;
      }
      if (r->repacking.hourly >= before) continue;
      improved |= ApplyRepacking(group, pods, types.types, r->repacking);
    }
    return improved;
  }

  bool RepackPass(size_t group_size) {
    bool improved = false;
    for (auto& [zone, by_waste] : BinsByZone()) {
      std::stable_sort(by_waste.begin(), by_waste.end(),
                       [&](size_t a, size_t b) { return scores_[a].waste > scores_[b].waste; });
      std::vector<size_t> by_lean = by_waste;
      std::stable_sort(by_lean.begin(), by_lean.end(),
                       [&](size_t a, size_t b) { return scores_[a].lean < scores_[b].lean; });
      budget_ -= static_cast<int64_t>(by_waste.size());  // the pass's own bookkeeping
      // A zone with one or two nodes has no triples: its nodes are re-arranged as a whole on
      // up to two nodes more (two nodes may run more cheaply as three or four).
      if (group_size == 3 && by_waste.size() < 3) {
        improved |= TryRepack(by_waste, static_cast<int32_t>(by_waste.size()) + 2);
        continue;
      }
      for (size_t seed : by_waste) {
        if (budget_ <= 0) return improved;
        if (bins_[seed].emptied) continue;
        std::vector<size_t> partners = Partners(seed, scores_[seed].lean, by_waste, by_lean);
        improved |= RepackAround(seed, partners, group_size);
      }
    }
    return improved;
  }

  // Node elimination (node_elimination.h): each zone's nodes in order of waste, each emptied
  // into the room the others have left. The repacking moves see at most three nodes; this one
  // sees the whole zone's scattered room. A node only partly emptied keeps the pods that found
  // no place, and may then fit a cheaper type (downsizing by shifting pods off it). Kept only
  // when the nodes involved, each shrunk to its cheapest holder, cost less than before. Most
  // nodes cannot be emptied (planned nodes are 90%+ full), so a pass spends at most
  // kEliminationShare of the budget left and leaves the rest to the repacking moves.
  bool EliminationPass() {
    bool improved = false;
    const int64_t floor =
        budget_ - static_cast<int64_t>(kEliminationShare * static_cast<double>(budget_));
    for (auto& [zone, group] : BinsByZone()) {
      if (group.size() < 2) continue;
      // Room counts only where using it costs nothing: every node at its closing type.
      for (size_t b : group) ShrinkToClosingType(b);
      std::vector<SlackBin> slack;
      slack.reserve(group.size());
      for (size_t b : group) slack.push_back({bins_[b].id, bins_[b].pods});
      NodeEliminator eliminator(state_, prepared_, std::move(slack));
      std::vector<size_t> order(group.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return scores_[group[a]].waste > scores_[group[b]].waste;
      });
      budget_ -= static_cast<int64_t>(group.size());  // the pass's own bookkeeping
      for (size_t k : order) {
        if (budget_ <= floor) return improved;
        if (bins_[group[k]].pods.size() > kMaxRepackPods) continue;
        std::optional<Elimination> e = eliminator.Eliminate(k, budget_, /*partial=*/true);
        if (!e) continue;
        std::optional<size_t> gone;
        if (e->emptied) gone = e->victim;
        if (KeepMoves(group, eliminator, e->moves, gone)) {
          improved = true;
        } else {
          eliminator.Undo(*e);
        }
      }
    }
    return improved;
  }

  // Replaces a bin's node by one of the cheapest type that holds its pods, so that its free
  // room is what the plan will have (a greedy packer's node is often larger than its pods
  // need, and room that makes the node dearer when used is not free).
  void ShrinkToClosingType(size_t b) {
    Bin& bin = bins_[b];
    const LaunchType* t = CheapestHolder(state_.Requested(bin.id), {&bin}, bin.zone, bin.capacity);
    if (t == nullptr || t == bin.target) return;
    SetBinRemoved(bin, true);
    std::optional<NodeId> id = NodeHolding(*t, bin.zone, bin.capacity, bin.pods);
    if (!id) {
      SetBinRemoved(bin, false);
      return;
    }
    // The version stays: the same pods at the same closing price, so a neighbourhood that
    // found nothing cheaper still finds nothing.
    bin.id = *id;
    bin.target = t;
    Reindex(b);
  }

  // Mirrors the eliminator's moves into the bins when they save money (and spot nodes keep
  // enough flexible types); otherwise restores the bins' pod lists and returns false (the
  // caller then undoes the moves in the state).
  bool KeepMoves(const std::vector<size_t>& group, const NodeEliminator& eliminator,
                 const std::vector<PodMove>& moves, std::optional<size_t> victim) {
    std::vector<size_t> touched;
    for (const PodMove& m : moves) {
      for (size_t k : {m.from, m.to}) {
        if (k != victim && std::find(touched.begin(), touched.end(), k) == touched.end()) {
          touched.push_back(k);
        }
      }
    }
    Money before = victim ? scores_[group[*victim]].closing : Money();
    std::vector<std::vector<size_t>> old_pods;
    for (size_t k : touched) {
      before += scores_[group[k]].closing;
      old_pods.push_back(bins_[group[k]].pods);
      bins_[group[k]].pods = eliminator.bin(k).pods;
    }
    Money after;
    bool ok = true;
    size_t min_flexible = static_cast<size_t>(std::max(options_.min_flexible_types, 0));
    for (size_t k : touched) {
      const Bin& bin = bins_[group[k]];
      after += ClosingPrice(bin);
      if (bin.capacity == CapacityType::kSpot) {
        ok = ok && Holders(bin, bin.capacity, min_flexible).size() >= min_flexible;
      }
    }
    if (!ok || after >= before) {
      for (size_t t = 0; t < touched.size(); ++t) bins_[group[touched[t]]].pods = old_pods[t];
      return false;
    }
    if (victim) {
      Bin& gone = bins_[group[*victim]];
      gone.pods.clear();
      gone.emptied = true;
      gone.version = ++last_version_;
      scores_[group[*victim]] = BinScore{};
      index_.Remove(static_cast<int32_t>(group[*victim]));
    }
    for (size_t k : touched) {
      bins_[group[k]].version = ++last_version_;
      Rescore(group[k]);
      Reindex(group[k]);
    }
    return true;
  }

  // A node's price shrunk to its cheapest holder, the share of that price its pods are not
  // worth at the cheapest rate for their shape, and which way its pods lean (CPU > 0 > memory).
  void Rescore(size_t b) {
    const Bin& bin = bins_[b];
    if (bin.emptied) {
      scores_[b] = BinScore{};
      return;
    }
    Resources used = state_.Requested(bin.id);
    BinScore& score = scores_[b];
    score.closing = ClosingPrice(bin);
    double price = std::max(score.closing.usd(), 1e-9);
    score.waste = (price - FractionalCost(used, bin.capacity)) / price;
    double cpu = Share(used.cpu_millis, types_.demand.cpu_millis);
    double memory = Share(used.memory_bytes, types_.demand.memory_bytes);
    score.lean = cpu + memory > 0 ? (cpu - memory) / (cpu + memory) : 0.0;
  }

  // A zone holding few pods is solved exactly (ExactPartitionOptimum: the proven cheapest
  // packing onto its types), which local moves over at most three nodes cannot always reach:
  // the cheapest plan for eight trace pods is five nodes, ours two. The dynamic program gets
  // half the search budget (at least kMinExactTransitions) and is charged at most half, so a
  // zone too large for it leaves the rest to the moves.
  void SolveSmallZonesExactly() {
    for (const auto& [zone, group] : BinsByZone()) {
      size_t pods = 0;
      for (size_t b : group) pods += bins_[b].pods.size();
      if (pods <= kMaxExactPods && budget_ > 0) SolveExactly(group);
    }
  }

  // The group's pods (appended to `pods`) and what its nodes cost now.
  Money GroupPods(const std::vector<size_t>& group, std::vector<size_t>& pods) const {
    Money current;
    for (size_t b : group) {
      pods.insert(pods.end(), bins_[b].pods.begin(), bins_[b].pods.end());
      current += scores_[b].closing;
    }
    return current;
  }

  bool SolveExactly(const std::vector<size_t>& group) {
    std::vector<size_t> pods;
    Money current = GroupPods(group, pods);
    std::vector<Resources> requests;
    for (size_t i : pods) requests.push_back(prepared_[i].requests);
    // The DP's size is the product over distinct requests of (count + 1): checked here, before
    // the options are gathered.
    std::map<std::tuple<int64_t, int64_t, int64_t>, int64_t> counts;
    for (const Resources& r : requests) ++counts[{r.cpu_millis, r.memory_bytes, r.pods}];
    int64_t states = 1;
    for (const auto& [request, count] : counts) {
      states *= count + 1;
      if (states > kMaxExactStates) return false;
    }
    const RepackTypes& types = TypesFor(group);
    std::vector<PriceOption> options;
    for (const RepackType& t : types.priced) options.push_back({"", t.allocatable, t.hourly});
    PartitionLimits limits;
    limits.max_states = kMaxExactStates;
    limits.max_transitions = std::max(budget_ / 2, kMinExactTransitions);
    Result<PartitionOptimum> best = ExactPartitionOptimum(requests, options, limits);
    // The floor is extra work: whatever the DP used, the moves keep half the budget (a DP
    // that gave up on a small batch used to take all of it). A refusal for work is decided
    // from a count before solving and did no search, so it is not charged: the moves get that
    // budget. Charging it as if the DP had run to its limit (as before session 6) made 34 of 80
    // benchmark batches dearer (0.15-1.45% per set, none cheaper) for ~20% less CPU at 100
    // pods (bench/RESULTS.md, session 6, h/fast); cheaper plans were chosen.
    if (best) budget_ -= std::min(best->transitions, budget_ / 2);
    if (!best || best->hourly >= current) return false;
    Repacking repacking;
    repacking.hourly = best->hourly;
    for (const PartitionOptimum::Node& node : best->nodes) {
      repacking.nodes.push_back({node.option, node.pods});
    }
    return ApplyRepacking(group, pods, types.types, repacking);
  }

  bool RepackAround(size_t seed, const std::vector<size_t>& partners, size_t group_size) {
    if (group_size == 2) {
      if (TryRepack({seed}, 3)) return true;
      for (size_t p : partners) {
        if (TryRepack({seed, p}, 2)) return true;
      }
      return false;
    }
    size_t triples = std::min(partners.size(), kRepackTriplePartners);
    for (size_t x = 0; x < triples; ++x) {
      for (size_t y = x + 1; y < triples; ++y) {
        if (TryRepack({seed, partners[x], partners[y]}, 3)) return true;
      }
    }
    return false;
  }

  // The most wasteful other nodes, then those leaning most the other way.
  std::vector<size_t> Partners(size_t seed, double seed_lean, const std::vector<size_t>& by_waste,
                               const std::vector<size_t>& by_lean) const {
    std::vector<size_t> partners;
    auto take = [&](size_t b, size_t until) {
      if (partners.size() >= until || b == seed || bins_[b].emptied) return;
      if (std::find(partners.begin(), partners.end(), b) == partners.end()) partners.push_back(b);
    };
    for (size_t k = 0; k < by_waste.size() && partners.size() < kRepackWastePartners; ++k) {
      take(by_waste[k], kRepackWastePartners);
    }
    size_t until = kRepackWastePartners + kRepackLeanPartners;
    for (size_t k = 0; k < by_lean.size() && partners.size() < until; ++k) {
      take(seed_lean >= 0 ? by_lean[k] : by_lean[by_lean.size() - 1 - k], until);
    }
    return partners;
  }

  // What `used` costs at the cheapest rate any type offers for its shape (a fraction of a
  // node): the part of a node's price its pods are worth.
  double FractionalCost(const Resources& used, CapacityType capacity) const {
    double best = std::numeric_limits<double>::max();
    for (const std::array<double, 3>& unit :
         unit_prices_[capacity == CapacityType::kSpot ? 1 : 0]) {
      best = std::min(best, std::max({static_cast<double>(used.cpu_millis) * unit[0],
                                      static_cast<double>(used.memory_bytes) * unit[1],
                                      static_cast<double>(used.pods) * unit[2]}));
    }
    return best == std::numeric_limits<double>::max() ? 0.0 : best;
  }

  struct RepackTypes {
    std::vector<const LaunchType*> types;
    std::vector<RepackType> priced;  // the same types with their price in the zone
  };

  // The non-dominated types that every pod of the bins may run on, in their zone, cheapest
  // first; cached by zone, capacity type and the pods' placement classes.
  const RepackTypes& TypesFor(const std::vector<size_t>& group) {
    const Bin& first = bins_[group.front()];
    std::vector<std::pair<int32_t, size_t>> classes;  // placement class, a pod of it; sorted
    for (size_t b : group) {
      for (size_t i : bins_[b].pods) {
        int32_t c = prepared_[i].placement_class;
        auto at = std::lower_bound(classes.begin(), classes.end(), std::make_pair(c, size_t{0}));
        if (at == classes.end() || at->first != c) classes.insert(at, {c, i});
      }
    }
    std::vector<int32_t> key_classes;
    for (const auto& [c, pod] : classes) key_classes.push_back(c);
    // Consecutive neighbourhoods nearly always share zone, capacity type and classes.
    if (last_types_ != nullptr && last_types_key_ == key_classes &&
        last_types_capacity_ == first.capacity && last_types_zone_ == first.zone) {
      return *last_types_;
    }
    last_types_key_ = key_classes;
    last_types_capacity_ = first.capacity;
    last_types_zone_ = first.zone;
    auto key = std::make_tuple(ZoneIndex(first.zone), first.capacity, key_classes);
    auto cached = repack_types_.find(key);
    if (cached != repack_types_.end()) return *(last_types_ = &cached->second);
    std::vector<std::pair<Money, const LaunchType*>> found;
    for (size_t e : types_.efficient) {
      const Ranked& r = types_.ranking[e];
      if (r.capacity != first.capacity) continue;
      Money hourly = r.type->Hourly(first.capacity, first.zone);
      if (hourly.IsZero()) continue;
      bool all = std::all_of(classes.begin(), classes.end(), [&](const auto& c) {
        return Compatible(prepared_[c.second], *r.type, first.zone, first.capacity);
      });
      if (all) found.push_back({hourly, r.type});
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    RepackTypes entry;
    for (const auto& [hourly, t] : found) {
      entry.types.push_back(t);
      entry.priced.push_back({t->allocatable, hourly});
    }
    return *(last_types_ = &repack_types_.emplace(key, std::move(entry)).first->second);
  }

  bool TryRepack(const std::vector<size_t>& group, int32_t max_nodes) {
    std::vector<size_t>& pods = scratch_pods_;
    pods.clear();
    Money current = GroupPods(group, pods);
    if (pods.empty() || pods.size() > kMaxRepackPods) return false;
    // A neighbourhood whose nodes are unchanged since it last failed fails again.
    NeighbourhoodKey key{};  // bins numbered from 1, so unused entries stay apart
    for (size_t k = 0; k < group.size() && k < key.size(); ++k) {
      key[k] = {group[k] + 1, bins_[group[k]].version};
    }
    std::sort(key.begin(), key.end());
    if (failed_.contains(key)) return false;
    std::vector<Resources>& requests = scratch_requests_;
    requests.clear();
    for (size_t i : pods) requests.push_back(prepared_[i].requests);
    const RepackTypes& types = TypesFor(group);
    std::optional<Repacking> better =
        CheaperRepacking(requests, types.priced, current, max_nodes, budget_);
    bool ok = better && ApplyRepacking(group, pods, types.types, *better);
    if (!ok && budget_ > 0) failed_.insert(key);
    return ok;
  }

  // Replaces the group's nodes by the repacking's, when every pod passes the simulator there;
  // otherwise leaves everything as it was.
  bool ApplyRepacking(const std::vector<size_t>& group, const std::vector<size_t>& pods,
                      const std::vector<const LaunchType*>& types, const Repacking& repacking) {
    const std::string zone = bins_[group.front()].zone;
    const CapacityType capacity = bins_[group.front()].capacity;
    for (size_t b : group) {
      SetBinRemoved(bins_[b], true);
      index_.Remove(static_cast<int32_t>(b));
    }
    std::vector<Bin> made;
    bool ok = true;
    for (const RepackedNode& n : repacking.nodes) {
      std::vector<size_t> node_pods;
      for (int32_t k : n.pods) node_pods.push_back(pods[k]);
      const int64_t version = ++last_version_;
      std::optional<NodeId> id = NodeHolding(*types[n.type], zone, capacity, node_pods);
      ok = id.has_value();
      if (!ok) break;
      made.push_back(Bin{*id, types[n.type], zone, capacity, std::move(node_pods), false, version});
    }
    size_t min_flexible = static_cast<size_t>(std::max(options_.min_flexible_types, 0));
    for (size_t m = 0; ok && capacity == CapacityType::kSpot && m < made.size(); ++m) {
      ok = Holders(made[m], capacity, min_flexible).size() >= min_flexible;
    }
    if (!ok) {
      for (const Bin& m : made) SetBinRemoved(m, true);
      for (size_t b : group) {
        SetBinRemoved(bins_[b], false);
        Reindex(b);
      }
      return false;
    }
    for (size_t k = 0; k < std::max(made.size(), group.size()); ++k) {
      if (k >= made.size()) {
        bins_[group[k]].pods.clear();
        bins_[group[k]].emptied = true;
        scores_[group[k]] = BinScore{};
        continue;
      }
      size_t slot = k < group.size() ? group[k] : bins_.size();
      if (slot == bins_.size()) {
        bins_.push_back(made[k]);
        scores_.push_back(BinScore{});
      } else {
        bins_[slot] = made[k];
      }
      Rescore(slot);
      Reindex(slot);
    }
    return true;
  }

  // Takes a bin's node (and its pods) out of the simulation, or puts them back.
  void SetBinRemoved(const Bin& bin, bool removed) {
    if (removed) {
      for (size_t i : bin.pods) state_.Unbind(prepared_[i], bin.id);
      state_.SetNodeRemoved(bin.id, true);
      return;
    }
    state_.SetNodeRemoved(bin.id, false);
    for (size_t i : bin.pods) state_.Bind(prepared_[i], bin.id);
  }

  // A new node of type `t` holding `pods` (taken off their old nodes by the caller), each
  // checked by the simulator as it lands; when one does not pass, the node goes again with
  // nothing bound, and nullopt.
  std::optional<NodeId> NodeHolding(const LaunchType& t, const std::string& zone,
                                    CapacityType capacity, const std::vector<size_t>& pods) {
    std::string name = options_.node_name_prefix + std::to_string(next_name_++);
    NodeId id = state_.AddNode(launch_.TemplateNode(t, zone, capacity, name));
    size_t bound = 0;
    for (; bound < pods.size(); ++bound) {
      if (state_.Fits(prepared_[pods[bound]], id) != FitFailure::kNone) break;
      state_.Bind(prepared_[pods[bound]], id);
    }
    if (bound == pods.size()) return id;
    for (size_t k = 0; k < bound; ++k) state_.Unbind(prepared_[pods[k]], id);
    state_.SetNodeRemoved(id, true);
    return std::nullopt;
  }

  bool AllCompatible(const Bin& bin, const LaunchType& t, CapacityType capacity) {
    std::set<int32_t> classes;
    for (size_t i : bin.pods) {
      if (!classes.insert(prepared_[i].placement_class).second) continue;
      if (!Compatible(prepared_[i], t, bin.zone, capacity)) return false;
    }
    return true;
  }

  // Up to `limit` types that hold the bin's pods in its zone, cheapest first; for spot only
  // types of the first one's architecture (a launch template has one AMI).
  std::vector<const LaunchType*> Holders(const Bin& bin, CapacityType capacity, size_t limit) {
    Resources need = state_.Requested(bin.id);
    std::vector<const LaunchType*> holders;
    const std::vector<const LaunchType*>& order =
        capacity == CapacityType::kSpot ? types_.spot_order : types_.on_demand_order;
    for (const LaunchType* t : order) {
      if (holders.size() >= limit) break;
      if (t->Hourly(capacity, bin.zone).IsZero()) continue;
      if (!holders.empty() && t->type->arch != holders.front()->type->arch) continue;
      if (!need.FitsIn(t->allocatable) || !AllCompatible(bin, *t, capacity)) continue;
      holders.push_back(t);
    }
    return holders;
  }

  NewNode Close(Bin& bin, PackingPlan& plan) {
    NewNode node{bin.target, bin.zone, bin.capacity, bin.target->Hourly(bin.capacity, bin.zone)};
    size_t flexible = std::max<size_t>(options_.min_flexible_types, 20);
    std::vector<const LaunchType*> holders =
        Holders(bin, bin.capacity, bin.capacity == CapacityType::kSpot ? flexible : 1);
    if (bin.capacity == CapacityType::kSpot &&
        holders.size() < static_cast<size_t>(options_.min_flexible_types)) {
      std::vector<const LaunchType*> on_demand = Holders(bin, CapacityType::kOnDemand, 1);
      if (!on_demand.empty()) {
        ++plan.spot_fallbacks;
        node.capacity = CapacityType::kOnDemand;
        holders = std::move(on_demand);
      }
    }
    if (!holders.empty()) {
      node.type = holders.front();
      node.hourly = node.type->Hourly(node.capacity, node.zone);
    }
    if (node.capacity == CapacityType::kSpot) {
      for (const LaunchType* t : holders) node.flexible_types.push_back(t->type->name);
    }
    node.pods = bin.pods;
    node.node_id = bin.id;
    if (node.type != bin.target || node.capacity != bin.capacity) {
      // The simulated node becomes the type that will really be launched.
      for (size_t i : bin.pods) state_.Unbind(prepared_[i], bin.id);
      state_.SetNodeRemoved(bin.id, true);
      node.node_id = state_.AddNode(launch_.TemplateNode(
          *node.type, node.zone, node.capacity, state_.GetNode(bin.id).meta.name + "-final"));
      for (size_t i : bin.pods) state_.Bind(prepared_[i], node.node_id);
    }
    return node;
  }

 public:
  PackingPlan Finish() {
    PackingPlan plan;
    for (Bin& bin : bins_) {
      if (bin.emptied) continue;
      plan.new_nodes.push_back(Close(bin, plan));
      plan.hourly_cost += plan.new_nodes.back().hourly;
    }
    for (const auto& [zone_key, id] : spares_) {
      (void)zone_key;
      state_.SetNodeRemoved(id, true);
    }
    plan.on_existing = std::move(on_existing_);
    plan.unschedulable = std::move(unschedulable_);
    return plan;
  }

 private:
  ClusterState& state_;
  const LaunchCatalog& launch_;
  const std::vector<const Pod*>& pods_;
  const PackingOptions& options_;
  PackingStrategy strategy_;
  LpSizing sizing_;
  SharedPacking* shared_;
  NodeId existing_count_ = 0;
  std::vector<PreparedPod> prepared_;
  TypeTables types_;              // IndexTypes, RankTypes (or a shared copy)
  std::vector<int32_t> lp_type_;  // per pod, its type in types_.ranking by the shape LP; -1 none
  std::vector<std::pair<double, size_t>> scored_;  // RankingFor's scratch
  std::map<std::pair<int64_t, int64_t>, std::vector<Ranked>> shape_rankings_;
  std::map<std::pair<int64_t, int64_t>, std::optional<Ranked>> best_types_;
  std::vector<Bin> bins_;
  BinIndex index_;
  std::map<std::string, int> bins_per_zone_;
  std::map<std::tuple<const LaunchType*, std::string, CapacityType>, NodeId> spares_;
  std::vector<std::vector<int8_t>> compatible_;  // [placement class][option], -1 unknown
  std::vector<std::pair<size_t, NodeId>> on_existing_;
  std::vector<std::pair<size_t, FitFailure>> unschedulable_;
  int64_t next_name_ = 0;
  int64_t budget_ = 0;  // the improvement pass's search steps left
  struct BinScore {
    Money closing;
    double waste = 0, lean = 0;
  };
  std::vector<BinScore> scores_;  // per bin (Rescore)
  // Per capacity type (on-demand, spot), every non-dominated type's price per millicore, byte
  // and slot.
  std::array<std::vector<std::array<double, 3>>, 2> unit_prices_;
  int64_t last_version_ = 0;
  // Neighbourhoods (bin + 1, version), sorted, unused entries zero, that found nothing cheaper.
  using NeighbourhoodKey = std::array<std::pair<size_t, int64_t>, 4>;
  std::set<NeighbourhoodKey> failed_;
  std::vector<size_t> scratch_pods_;
  std::vector<Resources> scratch_requests_;
  const RepackTypes* last_types_ = nullptr;  // TypesFor's last answer and its key
  std::vector<int32_t> last_types_key_;
  CapacityType last_types_capacity_ = CapacityType::kOnDemand;
  std::string last_types_zone_;
  std::map<std::tuple<int32_t, CapacityType, std::vector<int32_t>>, RepackTypes> repack_types_;
};

// Fewer unschedulable pods first, then cost; plans within 0.1% of each other's cost count as
// equal and the one with fewer nodes wins (fewer launches, less DaemonSet overhead).
bool Better(const PackingPlan& a, const PackingPlan& b) {
  if (a.unschedulable.size() != b.unschedulable.size()) {
    return a.unschedulable.size() < b.unschedulable.size();
  }
  double tolerance = 0.001 * std::max(a.hourly_cost.usd(), b.hourly_cost.usd());
  if (std::abs(a.hourly_cost.usd() - b.hourly_cost.usd()) <= tolerance &&
      a.new_nodes.size() != b.new_nodes.size()) {
    return a.new_nodes.size() < b.new_nodes.size();
  }
  return a.hourly_cost < b.hourly_cost;
}

}  // namespace

PackingPlan PackPods(ClusterState& state, const LaunchCatalog& launch,
                     const std::vector<const Pod*>& pods, const PackingOptions& options) {
  using Attempt = std::pair<PackingStrategy, LpSizing>;
  std::vector<Attempt> attempts;
  if (options.strategy == PackingStrategy::kPortfolio) {
    attempts = {{PackingStrategy::kFirstFitDecreasing, LpSizing::kWholeNodes},
                {PackingStrategy::kCostAwareBestFit, LpSizing::kWholeNodes}};
  }
  if (options.strategy == PackingStrategy::kPortfolio ||
      options.strategy == PackingStrategy::kLpGuided) {
    attempts.push_back({PackingStrategy::kLpGuided, LpSizing::kWholeNodes});
    // On large batches the two sizings agree within a fraction of a percent; only small ones
    // pay for the second attempt.
    if (pods.size() <= kMaxPodsForSecondSizing) {
      attempts.push_back({PackingStrategy::kLpGuided, LpSizing::kStrandedCapacity});
    }
  }
  // The configuration-LP guide is not in the portfolio: within work limits that keep
  // provisioning fast it never produced the cheapest plan on the quality benchmark (1,000 and
  // 4,000 generated pods, small instances) and it doubled the time of 1,000-5,000-pod batches.
  if (options.strategy == PackingStrategy::kConfigLpGuided) {
    attempts.push_back({PackingStrategy::kConfigLpGuided, LpSizing::kWholeNodes});
  }
  if (attempts.empty()) return Packer(state, launch, pods, options, options.strategy).Run();
  // Every attempt packs a copy of the state. The one that promises the cheapest plan (two at
  // the thorough effort) is improved — the search costs more than an attempt — and finished,
  // then compared with the first-fit-decreasing baseline, so the result is never worse than it.
  struct Run {
    std::unique_ptr<ClusterState> state;
    std::unique_ptr<Packer> packer;
  };
  std::vector<Run> runs;
  SharedPacking shared;
  std::vector<std::pair<std::tuple<size_t, Money, size_t>, size_t>> promise;  // non-FFD runs
  for (const auto& [strategy, sizing] : attempts) {
    Run run{std::make_unique<ClusterState>(state.Clone()), nullptr};
    run.packer =
        std::make_unique<Packer>(*run.state, launch, pods, options, strategy, sizing, &shared);
    run.packer->Pack();
    if (strategy != PackingStrategy::kFirstFitDecreasing) {
      promise.push_back({run.packer->Estimate(), runs.size()});
    }
    runs.push_back(std::move(run));
  }
  std::stable_sort(promise.begin(), promise.end());
  // The plan that looks best before the search is not always the best after it (a plan of
  // mixed shapes leaves the search more to improve), so a thorough search improves two.
  size_t searched = options.search_steps_per_pod >= kSearchTwoAttemptsStepsPerPod ? 2 : 1;
  std::vector<size_t> finished;
  for (size_t k = 0; k < promise.size() && k < searched; ++k) {
    if (options.strategy == PackingStrategy::kPortfolio && options.search_steps_per_pod > 0) {
      runs[promise[k].second].packer->Improve();
    }
    finished.push_back(promise[k].second);
  }
  for (size_t r = 0; r < runs.size(); ++r) {
    if (attempts[r].first == PackingStrategy::kFirstFitDecreasing) finished.push_back(r);
  }
  PackingPlan best;
  ClusterState* best_state = nullptr;
  for (size_t r : finished) {
    PackingPlan plan = runs[r].packer->Finish();
    if (best_state == nullptr || Better(plan, best)) {
      best = std::move(plan);
      best_state = runs[r].state.get();
    }
  }
  state = std::move(*best_state);
  return best;
}

}  // namespace cloudoptim
