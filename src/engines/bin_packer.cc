#include "engines/bin_packer.h"

#include "engines/bin_packer_internal.h"

namespace cloudoptim {
namespace packer_internal {

void Packer::Pack() {
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

std::tuple<size_t, Money, size_t> Packer::Estimate() {
  Money hourly;
  size_t nodes = 0;
  for (const Bin& bin : bins_) {
    if (bin.emptied) continue;
    hourly += ClosingPrice(bin);
    ++nodes;
  }
  return {unschedulable_.size(), hourly, nodes};
}

void Packer::IndexTypes() {
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

std::optional<Money> Packer::SpotPrice(const LaunchType& t) {
  std::optional<Money> spot;
  for (const LaunchZone& z : t.zones) {
    if (z.safe_spot_hourly && (!spot || *z.safe_spot_hourly < *spot)) spot = z.safe_spot_hourly;
  }
  return spot;
}

void Packer::RankTypes() {
  for (const PreparedPod& p : prepared_) types_.demand += p.requests;
  for (const LaunchType& t : launch_.types()) {
    double nodes = std::max({Share(types_.demand.cpu_millis, t.allocatable.cpu_millis),
                             Share(types_.demand.memory_bytes, t.allocatable.memory_bytes),
                             Share(types_.demand.pods, t.allocatable.pods)});
    nodes = std::max(nodes, 1e-9);
    types_.ranking.push_back(
        {&t, CapacityType::kOnDemand, nodes * t.on_demand_hourly.usd(), nodes, t.on_demand_hourly});
    std::optional<Money> spot = SpotPrice(t);
    if (spot)
      types_.ranking.push_back({&t, CapacityType::kSpot, nodes * spot->usd(), nodes, *spot});
  }
  // By score, ties in catalogue order (a stable sort), sorting (score, position) pairs.
  std::vector<std::pair<double, size_t>> order;
  order.reserve(types_.ranking.size());
  for (size_t k = 0; k < types_.ranking.size(); ++k) order.push_back({types_.ranking[k].score, k});
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

void Packer::PlaceByLpType() {
  // The LP depends only on the pods and the catalogue: attempts that differ in sizing share it.
  if (shared_ != nullptr && shared_->lp) {
    lp_type_ = shared_->lp->type_of;
  } else {
    std::vector<PriceOption> options;
    for (const Ranked& r : types_.ranking) options.push_back({"", r.type->allocatable, r.hourly});
    std::vector<Resources> requests;
    for (const PreparedPod& p : prepared_) requests.push_back(p.requests);
    // types_.efficient: no type of the same capacity type dominates them, so they hold
    // every type no type at all dominates.
    ShapeLpTypes lp = AssignTypesByShapeLp(requests, options, kMaxLpShapes, &types_.efficient);
    lp_type_ = lp.type_of;
    if (shared_ != nullptr) shared_->lp = std::move(lp);
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

void Packer::PlaceByConfigs() {
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

void Packer::SizeLpGroups() {
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

std::vector<size_t> Packer::DecreasingOrder() const {
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

double Packer::SlackNorm(NodeId id, const Resources& r) const {
  Resources alloc = state_.Allocatable(id);
  Resources after = state_.Free(id) - r;
  double cpu = Share(after.cpu_millis, alloc.cpu_millis);
  double mem = Share(after.memory_bytes, alloc.memory_bytes);
  double pods = Share(after.pods, alloc.pods);
  return cpu * cpu + mem * mem + 0.25 * pods * pods;
}

std::optional<size_t> Packer::ChooseBin(const PreparedPod& p, NodeId skip) {
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

double Packer::PodCost(const PreparedPod& p, const LaunchType& t, CapacityType capacity) const {
  const Resources& d = p.requests;
  const Resources& a = t.allocatable;
  double share = std::max({Share(d.cpu_millis, a.cpu_millis), Share(d.memory_bytes, a.memory_bytes),
                           Share(d.pods, a.pods)});
  Money hourly = capacity == CapacityType::kSpot ? SpotPrice(t).value_or(t.on_demand_hourly)
                                                 : t.on_demand_hourly;
  return hourly.usd() * share;
}

void Packer::Reindex(size_t b) {
  if (bins_[b].emptied) {
    index_.Remove(static_cast<int32_t>(b));
  } else {
    index_.Set(static_cast<int32_t>(b), state_.Free(bins_[b].id));
  }
}

std::optional<NodeId> Packer::ChooseExisting(const PreparedPod& p) const {
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

void Packer::Place(size_t i) {
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

int32_t Packer::ZoneIndex(const std::string& zone) const {
  auto it = types_.zone_index.find(zone);
  return it == types_.zone_index.end() ? -1 : it->second;
}

size_t Packer::OptionIndex(const LaunchType& t, int32_t zone, CapacityType capacity) const {
  size_t type = static_cast<size_t>(&t - launch_.types().data());
  return (type * types_.zone_index.size() + static_cast<size_t>(zone)) * 2 +
         (capacity == CapacityType::kSpot ? 1 : 0);
}

bool Packer::Compatible(const PreparedPod& p, const LaunchType& t, const std::string& zone,
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

std::vector<std::string> Packer::ZonesByLoad(const Ranked& r) const {
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

NodeId Packer::Probe(const Ranked& r, const std::string& zone) {
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

std::pair<int64_t, int64_t> Packer::RankingCell(const Resources& d) {
  return {d.cpu_millis / kRankingCpuCell, d.memory_bytes / kRankingMemoryCell};
}

const Ranked* Packer::BestTypeFor(const PreparedPod& p) {
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

std::vector<std::pair<double, size_t>>& Packer::ScoreTypes(const Resources& d) {
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

const std::vector<Ranked>& Packer::RankingFor(const PreparedPod& p) {
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

bool Packer::TryOpen(size_t i, const std::vector<Ranked>& ranking, FitFailure* first_failure) {
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

void Packer::OpenBin(size_t i) {
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

bool Packer::AllCompatible(const Bin& bin, const LaunchType& t, CapacityType capacity) {
  std::set<int32_t> classes;
  for (size_t i : bin.pods) {
    if (!classes.insert(prepared_[i].placement_class).second) continue;
    if (!Compatible(prepared_[i], t, bin.zone, capacity)) return false;
  }
  return true;
}

std::vector<const LaunchType*> Packer::Holders(const Bin& bin, CapacityType capacity,
                                               size_t limit) {
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

NewNode Packer::Close(Bin& bin, PackingPlan& plan) {
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

PackingPlan Packer::Finish() {
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

bool ConfigLpMayPay(const std::optional<ShapeLpTypes>& lp,
                    const std::tuple<size_t, Money, size_t>& best_so_far) {
  if (!lp || !lp->objective_usd || *lp->objective_usd <= 0) return true;
  if (std::get<0>(best_so_far) > 0) return true;
  return std::get<1>(best_so_far).usd() >= kMinShapeLpRatioForConfigLp * *lp->objective_usd;
}

}  // namespace packer_internal

namespace {

using packer_internal::ConfigLpMayPay;
using packer_internal::kMaxLpShapes;
using packer_internal::kMaxPodsForConfigLp;
using packer_internal::kMaxPodsForSecondSizing;
using packer_internal::kMinPodsPerRequestForConfigLp;
using packer_internal::kSearchTwoAttemptsStepsPerPod;
using packer_internal::LpSizing;
using packer_internal::Packer;
using packer_internal::SharedPacking;

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

// Whether the configuration LP should guide an attempt: the batch's pods repeat their
// requests (CPU, memory, pod slots), as replicas of workloads do — pods per distinct request
// at least kMinPodsPerRequestForConfigLp — and either the batch is small
// (kMaxPodsForConfigLp) or its distinct requests fit the LP's shapes (kMaxLpShapes), so the
// LP plans the real requests (up to GroupShapes' 10m / 16 MiB grid), not coarser groups.
bool ConfigLpMayGuide(const std::vector<const Pod*>& pods) {
  if (pods.empty()) return false;
  std::vector<std::tuple<int64_t, int64_t, int64_t>> requests;
  requests.reserve(pods.size());
  for (const Pod* pod : pods) {
    Resources r = pod->Requests();
    requests.emplace_back(r.cpu_millis, r.memory_bytes, r.pods);
  }
  std::sort(requests.begin(), requests.end());
  const size_t distinct =
      static_cast<size_t>(std::unique(requests.begin(), requests.end()) - requests.begin());
  const bool repeats = static_cast<double>(pods.size()) >=
                       kMinPodsPerRequestForConfigLp * static_cast<double>(distinct);
  return repeats && (pods.size() <= kMaxPodsForConfigLp || distinct <= kMaxLpShapes);
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
  // The configuration-LP guide joins the portfolio for batches whose pods repeat their
  // requests, as replicas of a workload do (ConfigLpMayGuide). There the LP's configurations
  // come in whole nodes, so its floored nodes carry most pods packed as the LP planned, and
  // the plan it starts from is often the cheapest: at the default effort up to 11% cheaper on
  // 400-2,000 pods of generated replicated workloads (8 of 9 rows, none dearer), 3.1% on the
  // Alibaba trace's GPU-free pods, 7.4-7.6% on 5,000-20,000 pods of ~40-50 workloads, for
  // 1.4-8x the CPU of such a batch (bench/RESULTS.md, session 10). Larger batches of more workloads
  // than the LP's shapes gained nothing within its work limits. When every pod has its own
  // request (the Karpenter mix, the independently generated clusters) no configuration
  // reaches a whole node and it never produced the cheapest plan, so such batches do not pay
  // for its LP. Nor do batches whose other plans are already close to the shape LP
  // (ConfigLpMayPay, once they are packed): on Karpenter's own request values (30 of them)
  // its LP was 80-95% of a 100-2,000-pod call and never gave the cheaper plan.
  if (options.strategy == PackingStrategy::kConfigLpGuided ||
      (options.strategy == PackingStrategy::kPortfolio && ConfigLpMayGuide(pods))) {
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
  for (size_t a = 0; a < attempts.size(); ++a) {
    const auto [strategy, sizing] = attempts[a];
    // The configuration-LP attempt comes last, when the plans it must beat are known.
    if (strategy == PackingStrategy::kConfigLpGuided &&
        options.strategy == PackingStrategy::kPortfolio && !promise.empty() &&
        !ConfigLpMayPay(shared.lp, std::min_element(promise.begin(), promise.end())->first)) {
      attempts.resize(a);
      break;
    }
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
