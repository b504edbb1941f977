#include "engines/node_elimination.h"

#include <algorithm>
#include <limits>

namespace cloudoptim {
namespace {

// Why this move. The repacking moves (repack_search.h) re-arrange at most three nodes onto
// cheaper ones, so a node whose pods would fit in the room scattered over ten other nodes is
// out of their reach: plans of many small nodes keep a few hundred millicores or MiB idle on
// each, and together that room may hold a whole node's pods. So we take a node, put its pods,
// largest first, into the tightest other node that still takes them (best fit: the least free
// CPU that suffices, then the smallest normalised slack left), and when a pod fits nowhere,
// let it take the place of one smaller pod of a node with room enough once that pod is gone,
// the smaller pod moving on to another node (an ejection chain: the smaller pod is easier to
// place; by default one deep, since two deep found no cheaper plans on the quality
// benchmark's generated clusters). A node that cannot be emptied may still shed some pods and
// then fit a cheaper type (`partial`). Every placement is checked by the simulator, so
// selectors, affinity, spread and zones hold; whether the result is cheaper (a receiver that
// was not at its cheapest type may need a dearer one once it holds more) is for the caller.

// A best-fit search stops after this many feasible bins (they are the tightest on CPU)...
constexpr int kBestFitCandidates = 8;
// ... or this many bins visited.
constexpr int kBestFitVisits = 64;
// Bins (those with the most free CPU) in which a pod that fits nowhere may displace another.
constexpr size_t kSwapBins = 8;

}  // namespace

NodeEliminator::NodeEliminator(ClusterState& state, const std::vector<PreparedPod>& pods,
                               std::vector<SlackBin> bins, int max_depth)
    : state_(state),
      pods_(pods),
      bins_(std::move(bins)),
      max_depth_(max_depth),
      removed_(bins_.size(), false),
      indexed_cpu_(bins_.size(), -1) {
  for (size_t b = 0; b < bins_.size(); ++b) Reindex(b);
}

std::optional<Elimination> NodeEliminator::Eliminate(size_t victim, int64_t& budget, bool partial) {
  if (victim >= bins_.size() || removed_[victim] || bins_[victim].pods.empty()) {
    return std::nullopt;
  }
  std::vector<size_t> order = bins_[victim].pods;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return Size(a, victim) > Size(b, victim); });
  const NodeId node = bins_[victim].node;
  for (size_t i : order) state_.Unbind(pods_[i], node);
  state_.SetNodeRemoved(node, true);
  removed_[victim] = true;
  Reindex(victim);
  Elimination elimination{victim, {}, true};
  for (size_t i : order) {
    bool placed = budget > 0 && PlaceOrSwap(i, victim, elimination.moves, budget, max_depth_);
    if (placed) continue;
    if (budget <= 0 || !partial) {
      Undo(elimination);
      return std::nullopt;
    }
    elimination.emptied = false;  // the pod stays
  }
  if (elimination.emptied) return elimination;
  if (elimination.moves.empty()) {
    Undo(elimination);
    return std::nullopt;
  }
  // The pods that found no place go back onto the node, which keeps fewer pods than before.
  state_.SetNodeRemoved(node, false);
  const std::vector<size_t> staying = bins_[victim].pods;
  for (size_t k = 0; k < staying.size(); ++k) {
    if (state_.Fits(pods_[staying[k]], node) != FitFailure::kNone) {
      for (size_t j = 0; j < k; ++j) state_.Unbind(pods_[staying[j]], node);
      state_.SetNodeRemoved(node, true);
      Undo(elimination);
      return std::nullopt;
    }
    state_.Bind(pods_[staying[k]], node);
  }
  removed_[victim] = false;
  Reindex(victim);
  return elimination;
}

void NodeEliminator::Undo(const Elimination& elimination) {
  size_t v = elimination.victim;
  if (removed_[v]) {
    state_.SetNodeRemoved(bins_[v].node, false);
    removed_[v] = false;
    // The pods that had not moved were unbound when the elimination began.
    for (size_t i : bins_[v].pods) state_.Bind(pods_[i], bins_[v].node);
  }
  for (auto m = elimination.moves.rbegin(); m != elimination.moves.rend(); ++m) {
    Move(m->pod, m->to, m->from, nullptr);
  }
  Reindex(v);
}

bool NodeEliminator::PlaceOrSwap(size_t pod, size_t victim, std::vector<PodMove>& moves,
                                 int64_t& budget, int depth) {
  if (std::optional<size_t> to = BestFit(pod, victim, budget)) {
    Move(pod, victim, *to, &moves);
    return true;
  }
  if (depth <= 0) return false;
  // The bins with the most free CPU are those where displacing a small pod most likely
  // makes room.
  std::vector<size_t> roomy;
  for (auto it = by_free_cpu_.rbegin(); it != by_free_cpu_.rend() && roomy.size() < kSwapBins;
       ++it) {
    roomy.push_back(it->second);
  }
  for (size_t bin : roomy) {
    if (--budget < 0) return false;
    if (Swap(pod, victim, bin, moves, budget, depth)) return true;
  }
  return false;
}

// The pod takes the place of a smaller pod of `bin`, which then finds a place elsewhere (and
// may displace a smaller one in turn, `depth` deep). A pod on its way is parked on the
// victim, whose node is removed: recorded so, the moves undo in reverse order.
bool NodeEliminator::Swap(size_t pod, size_t victim, size_t bin, std::vector<PodMove>& moves,
                          int64_t& budget, int depth) {
  const PreparedPod& p = pods_[pod];
  const NodeId node = bins_[bin].node;
  const Resources free = state_.Free(node);
  const std::vector<size_t> residents = bins_[bin].pods;
  for (size_t q : residents) {
    if (--budget < 0) return false;
    if (Size(q, bin) >= Size(pod, bin) || !p.requests.FitsIn(free + pods_[q].requests)) continue;
    Move(q, bin, victim, nullptr);
    if (state_.Fits(p, node) == FitFailure::kNone) {
      Move(pod, victim, bin, nullptr);
      size_t mark = moves.size();
      moves.push_back({q, bin, victim});
      moves.push_back({pod, victim, bin});
      if (PlaceOrSwap(q, victim, moves, budget, depth - 1)) return true;
      moves.resize(mark);
      Move(pod, bin, victim, nullptr);
    }
    Move(q, victim, bin, nullptr);
  }
  return false;
}

// Among the bins with just enough free CPU upwards, the feasible one leaving the smallest
// normalised slack.
std::optional<size_t> NodeEliminator::BestFit(size_t pod, size_t skip, int64_t& budget) {
  const PreparedPod& p = pods_[pod];
  std::optional<size_t> best;
  double best_score = std::numeric_limits<double>::max();
  int feasible = 0, visited = 0;
  for (auto it = by_free_cpu_.lower_bound({p.requests.cpu_millis, 0}); it != by_free_cpu_.end();
       ++it) {
    if (--budget < 0) return std::nullopt;
    size_t b = it->second;
    if (b == skip) continue;
    ++visited;
    NodeId node = bins_[b].node;
    Resources free = state_.Free(node);
    if (p.requests.FitsIn(free) && state_.Fits(p, node) == FitFailure::kNone) {
      Resources left = free - p.requests;
      Resources alloc = state_.Allocatable(node);
      double cpu = Share(left.cpu_millis, alloc.cpu_millis);
      double memory = Share(left.memory_bytes, alloc.memory_bytes);
      double score = cpu * cpu + memory * memory;
      if (score < best_score) {
        best_score = score;
        best = b;
      }
      ++feasible;
    }
    if (feasible >= kBestFitCandidates || visited >= kBestFitVisits) break;
  }
  return best;
}

// Moves a pod's bookkeeping and binding; a removed bin's pods are not bound (the victim's).
void NodeEliminator::Move(size_t pod, size_t from, size_t to, std::vector<PodMove>* moves) {
  std::vector<size_t>& from_pods = bins_[from].pods;
  from_pods.erase(std::find(from_pods.begin(), from_pods.end(), pod));
  if (!removed_[from]) state_.Unbind(pods_[pod], bins_[from].node);
  if (!removed_[to]) state_.Bind(pods_[pod], bins_[to].node);
  bins_[to].pods.push_back(pod);
  Reindex(from);
  Reindex(to);
  if (moves != nullptr) moves->push_back({pod, from, to});
}

void NodeEliminator::Reindex(size_t b) {
  if (indexed_cpu_[b] >= 0) by_free_cpu_.erase({indexed_cpu_[b], b});
  indexed_cpu_[b] = -1;
  if (removed_[b]) return;
  indexed_cpu_[b] = std::max<int64_t>(state_.Free(bins_[b].node).cpu_millis, 0);
  by_free_cpu_.insert({indexed_cpu_[b], b});
}

// A pod's share of a bin's node, CPU plus memory: the order in which pods are hardest to place.
double NodeEliminator::Size(size_t pod, size_t bin) const {
  const Resources& r = pods_[pod].requests;
  Resources alloc = state_.Allocatable(bins_[bin].node);
  return Share(r.cpu_millis, alloc.cpu_millis) + Share(r.memory_bytes, alloc.memory_bytes);
}

}  // namespace cloudoptim
