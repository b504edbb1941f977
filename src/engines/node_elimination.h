// Node elimination, a move of the bin packer's local search: empty one planned node (or part
// of it) by moving its pods into the room the other nodes of its zone have left, a pod that
// fits nowhere taking the place of a smaller pod that moves on to another node. The simulator
// checks every placement as it is made, so the state stays valid; the caller prices the result
// and keeps it or undoes it.
//
//   NodeEliminator eliminator(state, prepared, {{node_a, {0, 1}}, {node_b, {2}}, ...});
//   int64_t budget = 10000;  // search steps; shared by many calls
//   if (std::optional<Elimination> e = eliminator.Eliminate(/*victim=*/1, budget)) {
//     if (cheaper) { mirror e->moves } else { eliminator.Undo(*e); }
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "scheduling/cluster_state.h"

namespace cloudoptim {

// A planned node and its pods (indices into the prepared pods given to the eliminator).
struct SlackBin {
  NodeId node = -1;
  std::vector<size_t> pods;
};

// One pod moved from one bin to another (positions in the eliminator's bins).
struct PodMove {
  size_t pod = 0;
  size_t from = 0;
  size_t to = 0;
};

struct Elimination {
  size_t victim = 0;
  std::vector<PodMove> moves;  // in the order they were made
  bool emptied = true;         // the victim's node is removed; else it keeps some pods
};

class NodeEliminator {
 public:
  // `bins` are nodes of one zone and capacity type whose pods are bound in `state`. A pod
  // displaced by another may displace a smaller one in turn, up to `max_depth` pods deep
  // (1: only the pods of the node being emptied displace others).
  NodeEliminator(ClusterState& state, const std::vector<PreparedPod>& pods,
                 std::vector<SlackBin> bins, int max_depth = 1);

  // Moves every pod of bins[victim] onto the other bins and removes its node from the state,
  // or leaves everything as it was (nullopt) when some pod finds no place or the budget runs
  // out. With `partial`, pods that find no place stay on the victim's node (not emptied) if
  // any other pod moved: the node may then fit a cheaper type. Every bin visited and every
  // placement tried spends one unit of `budget`.
  std::optional<Elimination> Eliminate(size_t victim, int64_t& budget, bool partial = false);
  // Puts the victim's node back and every moved pod where it was.
  void Undo(const Elimination& elimination);

  const SlackBin& bin(size_t b) const { return bins_[b]; }
  bool removed(size_t b) const { return removed_[b]; }

 private:
  std::optional<size_t> BestFit(size_t pod, size_t skip, int64_t& budget);
  bool PlaceOrSwap(size_t pod, size_t victim, std::vector<PodMove>& moves, int64_t& budget,
                   int depth);
  bool Swap(size_t pod, size_t victim, size_t bin, std::vector<PodMove>& moves, int64_t& budget,
            int depth);
  void Move(size_t pod, size_t from, size_t to, std::vector<PodMove>* moves);
  void Reindex(size_t b);
  double Size(size_t pod, size_t bin) const;

  ClusterState& state_;
  const std::vector<PreparedPod>& pods_;
  std::vector<SlackBin> bins_;
  int max_depth_ = 1;
  std::vector<bool> removed_;
  std::vector<int64_t> indexed_cpu_;                  // per bin, its key in by_free_cpu_
  std::set<std::pair<int64_t, size_t>> by_free_cpu_;  // (free millicores, bin), live bins
};

}  // namespace cloudoptim
