// The order in which the bin packer offers instance types to a pod shape: the `keep` lowest
// scores, cheapest first, and among near-ties (scores within `tie`, relative) the larger type
// first. Same result as the packer's original
//   std::partial_sort(by score); resize(keep); std::stable_sort(near-tie comparator);
// with a cheaper selection when the scores are distinct, which the packer meets once per pod
// shape (hundreds of times per provisioning call).
//
//   std::vector<std::pair<double, size_t>> scored = ...;  // (score, type id)
//   OrderByScoreThenSize(scored, 128, 0.02, [&](size_t id) { return cpu_millis_of[id]; });
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace cloudoptim {

namespace ranked_order_internal {

// The `keep` lowest scores in increasing order, as std::partial_sort leaves them. When those
// scores are distinct, and distinct from the lowest one left out, the prefix is the same
// whatever selection algorithm produced it, so a selection (std::nth_element) and a sort of
// the prefix, cheaper than partial_sort's heap, give the identical result; with equal scores
// partial_sort's implementation-defined order among them is kept by calling it. Returns
// whether the cheaper selection was used.
inline bool LowestScores(std::vector<std::pair<double, size_t>>& scored, size_t keep,
                         std::vector<std::pair<double, size_t>>& work) {
  auto by_score = [](const auto& a, const auto& b) { return a.first < b.first; };
  work = scored;
  if (keep < work.size()) std::nth_element(work.begin(), work.begin() + keep, work.end(), by_score);
  std::sort(work.begin(), work.begin() + keep, by_score);
  bool distinct = true;
  for (size_t i = 1; i < keep && distinct; ++i) distinct = work[i - 1].first < work[i].first;
  if (distinct && keep > 0 && keep < work.size()) {
    distinct = std::none_of(work.begin() + keep, work.end(),
                            [&](const auto& p) { return p.first == work[keep - 1].first; });
  }
  if (distinct) {
    work.resize(keep);
    scored.swap(work);
    return true;
  }
  std::partial_sort(scored.begin(), scored.begin() + keep, scored.end(), by_score);
  scored.resize(keep);
  return false;
}

}  // namespace ranked_order_internal

// `scored` holds (score, id) pairs; `size_of(id)` is the type's size (larger wins near-ties).
// On return it holds the first min(keep, size) pairs in order.
template <typename SizeOf>
void OrderByScoreThenSize(std::vector<std::pair<double, size_t>>& scored, size_t keep, double tie,
                          const SizeOf& size_of) {
  thread_local std::vector<std::pair<double, size_t>> work;
  ranked_order_internal::LowestScores(scored, std::min(keep, scored.size()), work);
  std::stable_sort(scored.begin(), scored.end(), [&](const auto& a, const auto& b) {
    if (std::abs(a.first - b.first) > tie * std::min(a.first, b.first)) return a.first < b.first;
    return size_of(a.second) > size_of(b.second);
  });
}

}  // namespace cloudoptim
