#include "engines/repack_search.h"

#include <algorithm>
#include <array>
#include <numeric>

namespace cloudoptim {
namespace {

// Why this search. A greedy packer decides each pod once, in one order; what it cannot see is
// a better arrangement of a few nodes together: two nodes, one short of memory and one of
// CPU, that one general-purpose node of the right size holds for less; a node whose pods run
// more cheaply on two smaller types; three nodes whose pods fit on two. Solving such a small
// neighbourhood exactly is the classic large-neighbourhood search for bin packing. With at
// most three nodes and a few dozen pods it is small enough to solve by enumeration: the
// multisets of types that cost less than now and whose capacity covers the pods' total, in
// order of price, each tested by a depth-first assignment of the pods (largest first, into
// nodes that are not interchangeable with an earlier one, pruned when the pods left exceed the
// room left). The first multiset that holds the pods is the cheapest arrangement.

// At most this many nodes per arrangement (the packer asks for three).
constexpr int32_t kMaxNodes = 4;

struct RepackCandidate {
  Money hourly;
  int32_t count = 0;
  std::array<int32_t, kMaxNodes> types{};
};

class Enumerator {
 public:
  Enumerator(const std::vector<RepackType>& types, const Resources& demand, Money limit,
             int32_t max_nodes, int64_t& budget)
      : types_(types), demand_(demand), limit_(limit), max_nodes_(max_nodes), budget_(budget) {
    // Only types cheaper than the limit can be chosen (they are sorted by price).
    Resources largest;
    for (const RepackType& t : types) {
      if (t.hourly >= limit) break;
      largest = largest.Max(t.allocatable);
      largest_up_to_.push_back(largest);
    }
  }

  // False when the budget ran out before every multiset was seen.
  bool Run(std::vector<RepackCandidate>& out) {
    out_ = &out;
    return Extend(largest_up_to_.size(), Money(), Resources());
  }

 private:
  // Types are chosen dearest first (each index at most the previous one), so the types still
  // to choose are among the cheaper ones: when even `slots` of the largest of those cannot
  // cover what is missing, no completion can, and neither can any cheaper start.
  bool Extend(size_t end, Money hourly, const Resources& capacity) {
    if (chosen_.count > 0 && demand_.FitsIn(capacity)) out_->push_back(chosen_);
    int64_t slots = max_nodes_ - chosen_.count;
    if (slots <= 0) return true;
    Resources missing = (demand_ - capacity).ClampedAtZero();
    for (size_t k = end; k-- > 0;) {
      if (!missing.FitsIn(largest_up_to_[k] * slots)) break;
      Money next = hourly + types_[k].hourly;
      if (next >= limit_) continue;
      if (--budget_ < 0) return false;
      chosen_.types[chosen_.count++] = static_cast<int32_t>(k);
      Money before = chosen_.hourly;
      chosen_.hourly = next;
      bool complete = Extend(k + 1, next, capacity + types_[k].allocatable);
      chosen_.hourly = before;
      --chosen_.count;
      if (!complete) return false;
    }
    return true;
  }

  const std::vector<RepackType>& types_;
  Resources demand_;
  Money limit_;
  int32_t max_nodes_;
  int64_t& budget_;
  std::vector<Resources> largest_up_to_;  // per k, the most of each resource of types 0..k
  std::vector<RepackCandidate>* out_ = nullptr;
  RepackCandidate chosen_;
};

enum class Outcome { kPlaced, kImpossible, kOutOfBudget };

// Search steps one multiset may take per pod before it counts as not holding the pods: a
// multiset with room to spare is filled in one pass, and one that is nearly too small can
// otherwise take exponential time to refute.
constexpr int64_t kStepsPerPod = 8;
// ... but never fewer than this: a few pods are cheap to assign exhaustively.
constexpr int64_t kMinStepsPerMultiset = 512;

class Assigner {
 public:
  Assigner(const std::vector<Resources>& requests, const std::vector<int32_t>& order,
           int64_t& budget)
      : requests_(requests), order_(order), budget_(budget), left_after_(order.size() + 1) {
    for (size_t k = order.size(); k-- > 0;) {
      left_after_[k] = left_after_[k + 1] + requests[order[k]];
    }
  }

  Outcome Assign(const std::vector<RepackType>& types, const RepackCandidate& chosen) {
    node_type_.assign(chosen.types.begin(), chosen.types.begin() + chosen.count);
    free_.clear();
    room_ = Resources();
    for (int32_t t : node_type_) {
      free_.push_back(types[t].allocatable);
      room_ += types[t].allocatable;
    }
    node_of_.assign(order_.size(), -1);
    steps_left_ =
        std::max(kStepsPerPod * static_cast<int64_t>(order_.size()), kMinStepsPerMultiset);
    return Place(0);
  }

  int32_t NodeOf(size_t position) const { return node_of_[position]; }

 private:
  Outcome Place(size_t k) {
    if (k == order_.size()) return Outcome::kPlaced;
    if (--budget_ < 0) return Outcome::kOutOfBudget;
    if (--steps_left_ < 0) return Outcome::kImpossible;  // given up: treated as no fit
    if (!left_after_[k].FitsIn(room_)) return Outcome::kImpossible;
    const Resources& r = requests_[order_[k]];
    for (size_t j = 0; j < free_.size(); ++j) {
      if (!r.FitsIn(free_[j]) || SameAsEarlier(j)) continue;
      free_[j] -= r;
      room_ -= r;
      node_of_[k] = static_cast<int32_t>(j);
      Outcome o = Place(k + 1);
      free_[j] += r;
      room_ += r;
      if (o != Outcome::kImpossible) return o;
    }
    node_of_[k] = -1;
    return Outcome::kImpossible;
  }

  // A node of the same type with the same room as an earlier one leads to the same subtree.
  bool SameAsEarlier(size_t j) const {
    for (size_t i = 0; i < j; ++i) {
      if (node_type_[i] == node_type_[j] && free_[i] == free_[j]) return true;
    }
    return false;
  }

  const std::vector<Resources>& requests_;
  const std::vector<int32_t>& order_;
  int64_t& budget_;
  std::vector<Resources> left_after_;  // total request of the pods at positions >= k
  std::vector<int32_t> node_type_;
  std::vector<Resources> free_;
  Resources room_;
  std::vector<int32_t> node_of_;
  int64_t steps_left_ = 0;
};

}  // namespace

std::array<double, 3> UnitPrices(const Resources& allocatable, Money hourly) {
  auto per = [&](int64_t amount) { return amount > 0 ? hourly.usd() / double(amount) : 0.0; };
  return {per(allocatable.cpu_millis), per(allocatable.memory_bytes), per(allocatable.pods)};
}

std::optional<Repacking> CheaperRepacking(const std::vector<Resources>& requests,
                                          const std::vector<RepackType>& types, Money current,
                                          int32_t max_nodes, int64_t& budget) {
  if (requests.empty() || types.empty() || max_nodes <= 0) return std::nullopt;
  max_nodes = std::min(max_nodes, kMaxNodes);
  Resources demand;
  for (const Resources& r : requests) demand += r;
  std::vector<RepackCandidate> candidates;
  if (!Enumerator(types, demand, current, max_nodes, budget).Run(candidates)) return std::nullopt;
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const RepackCandidate& a, const RepackCandidate& b) {
                     return a.hourly != b.hourly ? a.hourly < b.hourly : a.count < b.count;
                   });
  // Largest pods first (by their share of the total request), the order in which a depth-first
  // assignment fails soonest.
  std::vector<double> size(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    size[i] = Share(requests[i].cpu_millis, demand.cpu_millis) +
              Share(requests[i].memory_bytes, demand.memory_bytes);
  }
  std::vector<int32_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return size[a] > size[b]; });
  Assigner assigner(requests, order, budget);
  for (const RepackCandidate& c : candidates) {
    Outcome outcome = assigner.Assign(types, c);
    if (outcome == Outcome::kOutOfBudget) return std::nullopt;
    if (outcome == Outcome::kImpossible) continue;
    Repacking result;
    result.hourly = c.hourly;
    for (int32_t k = 0; k < c.count; ++k) result.nodes.push_back({c.types[k], {}});
    for (size_t k = 0; k < order.size(); ++k) {
      result.nodes[assigner.NodeOf(k)].pods.push_back(order[k]);
    }
    return result;
  }
  return std::nullopt;
}

}  // namespace cloudoptim
