#include "engines/exact_partition.h"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <tuple>

namespace cloudoptim {
namespace {

// Why a dynamic program. CBC's slot MIP for a few pods is symmetric (any permutation of the
// slots is the same packing) and its LP relaxation is weak, so it often cannot prove the
// optimum of 8-17 pods in seconds. Over groups of pods, though, the problem is a set
// partition with a closed-form cost per group (the cheapest type that holds the group), and
// for a few pods every group can be listed. best[S] = min over groups T ⊆ S that contain one
// fixed pod of S of cost[T] + best[S \ T] is then the exact optimum: every packing is such a
// partition, and fixing which group holds that one pod removes the order of the groups.
// Pods with identical requests are interchangeable, so S ranges over sub-multisets of the
// distinct shapes (a mixed-radix number), which keeps batches of many identical pods small.
// A group that fits no type has no feasible superset, which prunes the enumeration of T.

constexpr int64_t kInfeasible = std::numeric_limits<int64_t>::max() / 4;

struct Shape {
  int64_t cpu = 0, memory = 0, slots = 0;
  std::vector<int32_t> pods;  // the pods with these requests
};

// Saturating product, so an absurd instance reports "too large" instead of overflowing.
int64_t Times(int64_t a, int64_t b) {
  if (a > 0 && b > std::numeric_limits<int64_t>::max() / 4 / a) {
    return std::numeric_limits<int64_t>::max() / 4;
  }
  return a * b;
}

class PartitionDp {
 public:
  PartitionDp(std::vector<Shape> shapes, const std::vector<PriceOption>& options)
      : shapes_(std::move(shapes)), options_(options) {
    by_price_.resize(options_.size());
    std::iota(by_price_.begin(), by_price_.end(), 0);
    std::stable_sort(by_price_.begin(), by_price_.end(),
                     [&](int32_t a, int32_t b) { return options_[a].hourly < options_[b].hourly; });
    stride_.push_back(1);
    for (const Shape& s : shapes_) {
      stride_.push_back(Times(stride_.back(), static_cast<int64_t>(s.pods.size()) + 1));
    }
  }

  int64_t States() const { return stride_.back(); }

  // The transitions Solve would take, counted without solving: exact when at most
  // `stop_above`, otherwise some number above it (the count stops there).
  //
  // Why: most refusals for work are certain from the start (16 distinct pods that pair up
  // freely need millions of transitions), yet finding out by solving costs the whole limit.
  // Solve tries, for each state s, every group T ⊆ s that fits a type and holds a pod of s's
  // lowest shape. Turned around, a group T that fits is tried once for every s ⊇ T whose
  // lowest shape is T's: Π over shapes d from T's lowest on of (count_d − T_d + 1) states.
  // Listing the groups that fit (a depth-first walk, cut where a group fits no type, which
  // then holds for its supersets) and summing that product is the exact work, and the walk
  // stops as soon as the sum passes the limit.
  int64_t CountTransitions(int64_t stop_above) {
    counted_ = 0;
    stop_above_ = stop_above;
    CountFrom(0, {}, /*lowest_set=*/false, 1);
    return counted_;
  }

  // False when the work limit was hit before the optimum was known.
  bool Solve(int64_t max_transitions) {
    max_transitions_ = max_transitions;
    if (CountTransitions(max_transitions) > max_transitions) return false;
    const int64_t states = States();
    cpu_.assign(states, 0);
    memory_.assign(states, 0);
    slots_.assign(states, 0);
    cost_.assign(states, kInfeasible);
    best_.assign(states, kInfeasible);
    choice_.assign(states, 0);
    rank_.assign(states, -1);
    cost_[0] = best_[0] = 0;
    rank_[0] = 0;
    // States are visited in order, their digits kept in digit_ (a mixed-radix counter), so no
    // digit is ever divided out of a state number.
    digit_.assign(shapes_.size(), 0);
    for (int64_t s = 1; s < states; ++s) {
      size_t d = NextState();
      int64_t rest = s - stride_[d];
      cpu_[s] = cpu_[rest] + shapes_[d].cpu;
      memory_[s] = memory_[rest] + shapes_[d].memory;
      slots_[s] = slots_[rest] + shapes_[d].slots;
      // A type too small for a subset is too small for s: the search starts where rest's ended.
      if (rank_[rest] < 0) continue;
      for (size_t k = static_cast<size_t>(rank_[rest]); k < by_price_.size(); ++k) {
        if (Holds(by_price_[k], s)) {
          rank_[s] = static_cast<int32_t>(k);
          cost_[s] = options_[by_price_[k]].hourly.micros();
          break;
        }
      }
    }
    digit_.assign(shapes_.size(), 0);
    for (int64_t s = 1; s < states; ++s) {
      digits_.clear();
      size_t first = NextState();
      for (size_t d = first + 1; d < shapes_.size(); ++d) {
        if (digit_[d] > 0) digits_.push_back(d);
      }
      // Groups holding 1..count pods of the first shape, then any of the others.
      for (int64_t t = 1; t <= digit_[first]; ++t) {
        int64_t group = t * stride_[first];
        if (cost_[group] >= kInfeasible) break;
        TryGroups(s, group);
      }
      if (transitions_ > max_transitions_) return false;
    }
    return true;
  }

  int64_t Optimum() const { return best_[States() - 1]; }
  int64_t Transitions() const { return transitions_; }

  std::vector<PartitionOptimum::Node> Nodes() const {
    std::vector<std::vector<int32_t>> left;
    for (const Shape& s : shapes_) left.push_back(s.pods);
    std::vector<PartitionOptimum::Node> nodes;
    for (int64_t s = States() - 1; s > 0; s -= choice_[s]) {
      int64_t group = choice_[s];
      PartitionOptimum::Node node{Cheapest(group), {}};
      for (size_t d = 0; d < shapes_.size(); ++d) {
        for (int64_t k = 0; k < Digit(group, d); ++k) {
          node.pods.push_back(left[d].back());
          left[d].pop_back();
        }
      }
      nodes.push_back(std::move(node));
    }
    return nodes;
  }

 private:
  int64_t Digit(int64_t s, size_t d) const {
    return (s / stride_[d]) % (static_cast<int64_t>(shapes_[d].pods.size()) + 1);
  }

  // Moves digit_ on to the next state; returns that state's lowest non-zero digit.
  size_t NextState() {
    size_t d = 0;
    while (++digit_[d] > static_cast<int64_t>(shapes_[d].pods.size())) digit_[d++] = 0;
    return d;
  }

  bool Holds(int32_t o, int64_t s) const {
    const Resources& a = options_[o].allocatable;
    return cpu_[s] <= a.cpu_millis && memory_[s] <= a.memory_bytes && slots_[s] <= a.pods;
  }

  int32_t Cheapest(int64_t s) const {
    return rank_[s] < 0 ? -1 : by_price_[static_cast<size_t>(rank_[s])];
  }

  struct Load {
    int64_t cpu = 0, memory = 0, slots = 0;
  };

  bool FitsSomeType(const Load& load) const {
    return std::any_of(options_.begin(), options_.end(), [&](const PriceOption& o) {
      const Resources& a = o.allocatable;
      return load.cpu <= a.cpu_millis && load.memory <= a.memory_bytes && load.slots <= a.pods;
    });
  }

  // Groups taking T_e of shape e for e < d (their load `load`); `states` is the product of
  // (count_e − T_e + 1) from the group's lowest shape on (1 while it has none).
  void CountFrom(size_t d, Load load, bool lowest_set, int64_t states) {
    if (counted_ > stop_above_) return;
    if (d == shapes_.size()) {
      if (lowest_set) counted_ += states;
      return;
    }
    const Shape& shape = shapes_[d];
    const int64_t count = static_cast<int64_t>(shape.pods.size());
    // Groups with fewer pods from a lower lowest shape are tried for more states, so when
    // the limit is exceeded these come first: the groups whose lowest shape is d, with as
    // few other pods as possible, then those that leave d out.
    if (lowest_set) CountFrom(d + 1, load, true, states * (count + 1));
    for (int64_t t = 1; t <= count && counted_ <= stop_above_; ++t) {
      load.cpu += shape.cpu;
      load.memory += shape.memory;
      load.slots += shape.slots;
      if (!FitsSomeType(load)) break;
      CountFrom(d + 1, load, true, states * (count - t + 1));
    }
    if (!lowest_set) CountFrom(d + 1, Load{}, false, states);  // nothing taken yet
  }

  // Every group `base` + (some of the pods of digits_' shapes) of state s that fits a type,
  // as best_[s]'s candidates. The groups are walked in lexicographic order of their digits
  // (an odometer, the last digit turning fastest), a digit raised until the group fits no
  // type (nor then does any larger one); the first of equal optima is kept.
  void TryGroups(int64_t s, int64_t base) {
    int64_t best = best_[s], choice = choice_[s];
    taken_.assign(digits_.size(), 0);
    int64_t group = base;
    while (true) {
      ++transitions_;
      int64_t value = cost_[group] + best_[s - group];
      if (value < best) {
        best = value;
        choice = group;
      }
      size_t k = digits_.size();
      while (k > 0) {  // the next group: raise the last digit that can be, zero those after it
        --k;
        const int64_t stride = stride_[digits_[k]];
        if (taken_[k] < digit_[digits_[k]] && cost_[group + stride] < kInfeasible) {
          group += stride;
          ++taken_[k];
          break;
        }
        group -= taken_[k] * stride;
        taken_[k] = 0;
      }
      if (group == base) break;  // every digit back at zero: all groups tried
    }
    best_[s] = best;
    choice_[s] = choice;
  }

  std::vector<Shape> shapes_;
  const std::vector<PriceOption>& options_;
  std::vector<int32_t> by_price_;
  std::vector<int64_t> stride_;
  std::vector<int64_t> cpu_, memory_, slots_, cost_, best_, choice_;
  std::vector<int32_t> rank_;   // per state, its cheapest type's place in by_price_; -1 none
  std::vector<int64_t> digit_;  // the current state's digits (see NextState)
  std::vector<int64_t> taken_;  // TryGroups' odometer: pods taken of each of digits_' shapes
  std::vector<size_t> digits_;
  int64_t transitions_ = 0, max_transitions_ = 0;
  int64_t counted_ = 0, stop_above_ = 0;  // CountTransitions' sum and where it stops
};

}  // namespace

Result<PartitionOptimum> ExactPartitionOptimum(const std::vector<Resources>& pods,
                                               const std::vector<PriceOption>& options,
                                               const PartitionLimits& limits) {
  if (options.empty()) return InvalidArgument("no instance types to pack onto");
  std::map<std::tuple<int64_t, int64_t, int64_t>, Shape> grouped;
  for (size_t i = 0; i < pods.size(); ++i) {
    const Resources& r = pods[i];
    Shape& s = grouped[{r.cpu_millis, r.memory_bytes, std::max<int64_t>(r.pods, 1)}];
    s.cpu = r.cpu_millis;
    s.memory = r.memory_bytes;
    s.slots = std::max<int64_t>(r.pods, 1);
    s.pods.push_back(static_cast<int32_t>(i));
  }
  std::vector<Shape> shapes;
  for (auto& [key, shape] : grouped) {
    bool fits = std::any_of(options.begin(), options.end(), [&](const PriceOption& o) {
      return shape.cpu <= o.allocatable.cpu_millis && shape.memory <= o.allocatable.memory_bytes &&
             shape.slots <= o.allocatable.pods;
    });
    if (!fits) {
      return InvalidArgument("a pod of cpu=" + std::to_string(shape.cpu) +
                             "m memory=" + std::to_string(shape.memory) + " fits no instance type");
    }
    shapes.push_back(std::move(shape));
  }
  PartitionDp dp(std::move(shapes), options);
  if (dp.States() > limits.max_states) {
    return ResourceExhausted("exact partition of " + std::to_string(pods.size()) + " pods needs " +
                             std::to_string(dp.States()) + " states, over " +
                             std::to_string(limits.max_states));
  }
  if (!dp.Solve(limits.max_transitions)) {
    return ResourceExhausted("exact partition of " + std::to_string(pods.size()) +
                             " pods needs over " + std::to_string(limits.max_transitions) +
                             " transitions");
  }
  PartitionOptimum optimum;
  optimum.hourly = Money::FromMicros(dp.Optimum());
  optimum.nodes = dp.Nodes();
  optimum.states = dp.States();
  optimum.transitions = dp.Transitions();
  return optimum;
}

}  // namespace cloudoptim
