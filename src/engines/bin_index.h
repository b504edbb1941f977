// Indexes over the open nodes of a packing so that finding a node for a pod does not scan
// them all: a max-segment tree for first-fit (the lowest-numbered node with room) and an
// ordered set by free CPU for best-fit (the nodes with the least CPU left that could fit).
// Both prune on free resources only; the caller still runs the simulator's full check.
//
//   BinIndex index;
//   index.Set(bin, free);                                    // after every bind/unbind
//   int first = index.FirstFit(need, [&](int b) { return Fits(b); });
//   index.ForEachByFreeCpu(need, [&](int b) { ...; return keep_going; });
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <utility>
#include <vector>

#include "model/resources.h"

namespace cloudoptim {

class BinIndex {
 public:
  // Records the free resources of bin `bin` (adding it if new); Remove() forgets it.
  void Set(int32_t bin, const Resources& free);
  void Remove(int32_t bin);

  // The lowest bin whose free resources cover `need` and that `accept` accepts; -1 if none.
  int32_t FirstFit(const Resources& need, const std::function<bool(int32_t)>& accept) const;
  // Visits bins with free CPU >= need.cpu, least free CPU first, while `visit` returns true.
  void ForEachByFreeCpu(const Resources& need, const std::function<bool(int32_t)>& visit) const;

 private:
  struct Max {
    int64_t cpu = -1, memory = -1, pods = -1;
  };
  void Grow(size_t size);
  void Update(size_t leaf);
  int32_t Descend(size_t node, const Resources& need,
                  const std::function<bool(int32_t)>& accept) const;

  size_t leaves_ = 0;
  std::vector<Max> tree_;  // 1-based heap layout, leaves at [leaves_, 2*leaves_)
  std::vector<int64_t> free_cpu_;
  std::vector<char> present_;
  std::set<std::pair<int64_t, int32_t>> by_free_cpu_;
};

}  // namespace cloudoptim
