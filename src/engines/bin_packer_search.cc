// The bin packer's improvement search: what Packer::Improve runs after the portfolio's
// construction (see bin_packer_internal.h for why each move exists).
#include "engines/bin_packer_internal.h"

namespace cloudoptim::packer_internal {
namespace {

// Whether the pod has no topology spread, pod (anti-)affinity or carried anti-affinity terms:
// moving it never changes whether another pod fits.
bool FreeOfInterPodTerms(const PreparedPod& p) {
  return p.spread.empty() && p.affinity.empty() && p.anti_affinity.empty() &&
         p.carried_terms.empty();
}

}  // namespace

void Packer::Improve() {
  // Small batches get a floor: their neighbourhoods are whole zones, and a few milliseconds
  // buy the exact answer there. The thorough effort gets a larger one (see
  // kThoroughMinSearchPods).
  const int64_t pods = static_cast<int64_t>(prepared_.size());
  int64_t budget_pods = std::max(pods, kMinSearchPods);
  if (options_.search_steps_per_pod >= kSearchTwoAttemptsStepsPerPod) {
    budget_pods =
        std::max(budget_pods, std::min(kThoroughMaxBudgetMultiple * pods, kThoroughMinSearchPods));
  }
  budget_ = options_.search_steps_per_pod * budget_pods;
  for (size_t e : types_.efficient) {  // a dominated type never has the cheapest rate
    const Ranked& r = types_.ranking[e];
    unit_prices_[r.capacity == CapacityType::kSpot ? 1 : 0].push_back(
        UnitPrices(r.type->allocatable, r.hourly));
  }
  scores_.assign(bins_.size(), BinScore{});
  for (size_t b = 0; b < bins_.size(); ++b) Rescore(b);
  SolveSmallZonesExactly();
  // The local moves stop at a local optimum, or spend the whole budget on a large batch;
  // ruin and recreate finds more per step on large batches and keeps finding cheaper plans
  // after the local moves stop, so a thorough search keeps part of the budget for it. Then
  // the local moves polish what it changed. At the thorough effort ruin and recreate then
  // gets at least the whole budget again: measured on generated clusters of 500-2,000 nodes,
  // 0.3-0.7% cheaper plans for 1.1-1.25x the search's CPU (bench/RESULTS.md, session 6).
  // Below the thorough effort, large batches without inter-pod terms keep most of the budget
  // for it too (kRuinRecreateFirstReserve).
  const bool thorough = options_.search_steps_per_pod >= kSearchTwoAttemptsStepsPerPod;
  double reserve_share = 0;
  if (options_.ruin_and_recreate && thorough) {
    reserve_share = kRuinRecreateReserve;
  } else if (options_.ruin_and_recreate && pods >= kMinPodsForRuinRecreateFirst &&
             std::all_of(prepared_.begin(), prepared_.end(), FreeOfInterPodTerms)) {
    reserve_share = kRuinRecreateFirstReserve;
  }
  const int64_t reserve = static_cast<int64_t>(reserve_share * static_cast<double>(budget_));
  const int64_t whole = budget_;
  budget_ -= reserve;
  LocalMoves();
  budget_ += reserve;
  if (thorough && reserve > 0) budget_ = std::max(budget_, whole);
  if (options_.ruin_and_recreate && budget_ > 0 && RuinRecreatePass()) LocalMoves();
  if (CoverEnabled() && ColumnCoverPass()) LocalMoves();
  if (CoverEnabled()) RecordPlanColumns();
}

double Packer::Utilization(const Bin& bin) const {
  Resources used = state_.Requested(bin.id);
  Resources alloc = state_.Allocatable(bin.id);
  return std::max(Share(used.cpu_millis, alloc.cpu_millis),
                  Share(used.memory_bytes, alloc.memory_bytes));
}

void Packer::EmptyLeastFilledBins() {
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

void Packer::TryEmpty(size_t b) {
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

void Packer::MergePairs() {
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

const LaunchType* Packer::CheapestHolder(const Resources& need, const std::vector<const Bin*>& bins,
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

Money Packer::ClosingPrice(const Bin& bin) {
  const LaunchType* t = CheapestHolder(state_.Requested(bin.id), {&bin}, bin.zone, bin.capacity);
  return (t != nullptr ? t : bin.target)->Hourly(bin.capacity, bin.zone);
}

bool Packer::TryMerge(size_t a, size_t b) {
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

std::map<std::pair<std::string, CapacityType>, std::vector<size_t>> Packer::BinsByZone() const {
  std::map<std::pair<std::string, CapacityType>, std::vector<size_t>> zones;
  for (size_t b = 0; b < bins_.size(); ++b) {
    if (!bins_[b].emptied) zones[{bins_[b].zone, bins_[b].capacity}].push_back(b);
  }
  return zones;
}

void Packer::LocalMoves() {
  for (int pass = 0; pass < kMaxRepackPasses && budget_ > 0; ++pass) {
    bool improved = EliminationPass();
    if (budget_ > 0) improved |= RepackPass(2);
    if (budget_ > 0) improved |= RepackPass(3);
    if (!improved) break;
  }
}

std::vector<std::vector<size_t>> Packer::MovableBinsByZone() const {
  std::vector<std::vector<size_t>> zones;
  for (auto& [zone, group] : BinsByZone()) {
    std::vector<size_t> movable;
    for (size_t b : group) {
      bool free = std::all_of(bins_[b].pods.begin(), bins_[b].pods.end(),
                              [&](size_t i) { return FreeOfInterPodTerms(prepared_[i]); });
      if (free) movable.push_back(b);
    }
    if (movable.size() >= 2) zones.push_back(std::move(movable));
  }
  return zones;
}

bool Packer::RuinRecreatePass() {
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
    std::vector<std::vector<int32_t>> accepted;
    std::optional<RuinRecreateResult> r =
        RuinAndRecreate(requests, types.priced, nodes, left, kRuinRecreateSeed + z,
                        CoverEnabled() ? &accepted : nullptr);
    budget_ -= granted - std::max<int64_t>(left, 0);
    RecordCoverColumns(zones[z].front(), pods, accepted);
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

bool Packer::RepackPass(size_t group_size) {
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

bool Packer::EliminationPass() {
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

void Packer::ShrinkToClosingType(size_t b) {
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

bool Packer::KeepMoves(const std::vector<size_t>& group, const NodeEliminator& eliminator,
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

void Packer::Rescore(size_t b) {
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

void Packer::SolveSmallZonesExactly() {
  for (const auto& [zone, group] : BinsByZone()) {
    size_t pods = 0;
    for (size_t b : group) pods += bins_[b].pods.size();
    if (pods <= kMaxExactPods && budget_ > 0) SolveExactly(group);
  }
}

Money Packer::GroupPods(const std::vector<size_t>& group, std::vector<size_t>& pods) const {
  Money current;
  for (size_t b : group) {
    pods.insert(pods.end(), bins_[b].pods.begin(), bins_[b].pods.end());
    current += scores_[b].closing;
  }
  return current;
}

bool Packer::SolveExactly(const std::vector<size_t>& group) {
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

bool Packer::RepackAround(size_t seed, const std::vector<size_t>& partners, size_t group_size) {
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

std::vector<size_t> Packer::Partners(size_t seed, double seed_lean,
                                     const std::vector<size_t>& by_waste,
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

double Packer::FractionalCost(const Resources& used, CapacityType capacity) const {
  double best = std::numeric_limits<double>::max();
  for (const std::array<double, 3>& unit : unit_prices_[capacity == CapacityType::kSpot ? 1 : 0]) {
    best = std::min(best, std::max({static_cast<double>(used.cpu_millis) * unit[0],
                                    static_cast<double>(used.memory_bytes) * unit[1],
                                    static_cast<double>(used.pods) * unit[2]}));
  }
  return best == std::numeric_limits<double>::max() ? 0.0 : best;
}

const Packer::RepackTypes& Packer::TypesFor(const std::vector<size_t>& group) {
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

bool Packer::TryRepack(const std::vector<size_t>& group, int32_t max_nodes) {
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

bool Packer::ApplyRepacking(const std::vector<size_t>& group, const std::vector<size_t>& pods,
                            const std::vector<const LaunchType*>& types,
                            const Repacking& repacking) {
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

void Packer::SetBinRemoved(const Bin& bin, bool removed) {
  if (removed) {
    for (size_t i : bin.pods) state_.Unbind(prepared_[i], bin.id);
    state_.SetNodeRemoved(bin.id, true);
    return;
  }
  state_.SetNodeRemoved(bin.id, false);
  for (size_t i : bin.pods) state_.Bind(prepared_[i], bin.id);
}

std::optional<NodeId> Packer::NodeHolding(const LaunchType& t, const std::string& zone,
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

}  // namespace cloudoptim::packer_internal
