#include "engines/bin_index.h"

#include <algorithm>

namespace cloudoptim {

void BinIndex::Grow(size_t size) {
  if (size <= leaves_) return;
  size_t leaves = std::max<size_t>(leaves_, 64);
  while (leaves < size) leaves *= 2;
  std::vector<Max> tree(2 * leaves);
  for (size_t i = 0; i < leaves_; ++i) tree[leaves + i] = tree_[leaves_ + i];
  tree_ = std::move(tree);
  leaves_ = leaves;
  for (size_t n = leaves_ - 1; n >= 1; --n) {
    const Max& l = tree_[2 * n];
    const Max& r = tree_[2 * n + 1];
    tree_[n] = {std::max(l.cpu, r.cpu), std::max(l.memory, r.memory), std::max(l.pods, r.pods)};
  }
  free_cpu_.resize(leaves_, 0);
  present_.resize(leaves_, 0);
}

void BinIndex::Update(size_t leaf) {
  for (size_t n = (leaves_ + leaf) / 2; n >= 1; n /= 2) {
    const Max& l = tree_[2 * n];
    const Max& r = tree_[2 * n + 1];
    tree_[n] = {std::max(l.cpu, r.cpu), std::max(l.memory, r.memory), std::max(l.pods, r.pods)};
  }
}

void BinIndex::Set(int32_t bin, const Resources& free) {
  Grow(static_cast<size_t>(bin) + 1);
  if (present_[bin]) by_free_cpu_.erase({free_cpu_[bin], bin});
  present_[bin] = 1;
  free_cpu_[bin] = free.cpu_millis;
  by_free_cpu_.insert({free.cpu_millis, bin});
  tree_[leaves_ + bin] = {free.cpu_millis, free.memory_bytes, free.pods};
  Update(bin);
}

void BinIndex::Remove(int32_t bin) {
  if (static_cast<size_t>(bin) >= leaves_ || !present_[bin]) return;
  by_free_cpu_.erase({free_cpu_[bin], bin});
  present_[bin] = 0;
  tree_[leaves_ + bin] = Max{};
  Update(bin);
}

int32_t BinIndex::Descend(size_t node, const Resources& need,
                          const std::function<bool(int32_t)>& accept) const {
  const Max& m = tree_[node];
  if (m.cpu < need.cpu_millis || m.memory < need.memory_bytes || m.pods < need.pods) return -1;
  if (node >= leaves_) {
    int32_t bin = static_cast<int32_t>(node - leaves_);
    return accept(bin) ? bin : -1;
  }
  int32_t left = Descend(2 * node, need, accept);
  return left >= 0 ? left : Descend(2 * node + 1, need, accept);
}

int32_t BinIndex::FirstFit(const Resources& need,
                           const std::function<bool(int32_t)>& accept) const {
  if (leaves_ == 0) return -1;
  return Descend(1, need, accept);
}

void BinIndex::ForEachByFreeCpu(const Resources& need,
                                const std::function<bool(int32_t)>& visit) const {
  for (auto it = by_free_cpu_.lower_bound({need.cpu_millis, -1}); it != by_free_cpu_.end(); ++it) {
    if (!visit(it->second)) return;
  }
}

}  // namespace cloudoptim
