#include "engines/ruin_recreate.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

namespace cloudoptim {
namespace {

// Why ruin and recreate. The packer's other moves are exact over one to three nodes, or empty
// one node into the zone's room; when none of them improves the plan it can still be far from
// the cheapest one (the configuration LP's optimum on generated clusters is 3% below), because
// the better plan differs from ours on many nodes at once: CPU-heavy and memory-heavy pods
// that sit on separate compute and memory nodes belong together on general-purpose ones. Ruin
// and recreate (Schrimpf et al. 2000; the SISR variant of Christiaens and Vanden Berghe 2020)
// reaches such plans: take several related nodes apart (the most wasteful ones, ones leaning
// the other way in CPU against memory, or a random handful), put their pods back greedily in a
// randomized order into the room left and onto new nodes of the type that holds the removed
// pods' mix most cheaply, and accept the result by simulated annealing on the cost (the
// cheapest type that holds each node's pods), keeping the best plan seen. The temperature
// falls with the budget spent, never with time, so the same input gives the same plan.

// Nodes ruined per step, at least and at most. Small steps measured best (on generated
// clusters, 2-4 nodes out of 16 did better than 2-12 out of 48 for the same budget: more
// steps, each more likely to be kept).
constexpr int32_t kMinRuined = 2;
constexpr int32_t kMaxRuined = 4;
// The starting temperature as a share of the mean node's price, and the final one's share of
// the starting one: early on a step may cost a fraction of a node; at the end only equal or
// cheaper plans pass.
constexpr double kStartTemperature = 0.05;
constexpr double kEndTemperature = 0.01;
// A candidate node is skipped ("blinks") with this chance during insertion, which varies the
// recreated plans beyond the order of the pods.
constexpr double kBlinkRate = 0.05;
// New nodes: among types within this factor of the cheapest for the pods still to place, the
// largest.
constexpr double kNearTie = 1.02;
// A step works on this many nodes of the zone: a seed and the nodes most related to it among
// kSampleNodes drawn at random (all of them in a small zone).
constexpr int32_t kNeighbourhoodNodes = 16;
constexpr int32_t kSampleNodes = 64;

struct OpenNode {
  Resources load;
  std::vector<int32_t> pods;
  int32_t room_type = 0;  // the type whose capacity bounds the node while it is recreated
  int32_t holder = 0;     // the cheapest type that holds the load
  int32_t origin = -1;    // the given node this one still is, unchanged; -1 once touched
};

// A small deterministic generator (SplitMix64): the same numbers with every standard library.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  int32_t Below(int32_t n) { return n <= 0 ? 0 : static_cast<int32_t>(Next() % uint64_t(n)); }

 private:
  uint64_t state_;
};

class Search {
 public:
  Search(const std::vector<Resources>& requests, const std::vector<RepackType>& types,
         int64_t& budget, uint64_t seed)
      : types_(types), budget_(budget), random_(seed) {
    for (Resources r : requests) {
      r.pods = std::max<int64_t>(r.pods, 1);
      requests_.push_back(r);
      demand_ += r;
    }
    for (const RepackType& t : types) unit_prices_.push_back(UnitPrices(t.allocatable, t.hourly));
  }

  // False when a pod or a node fits no type.
  bool Start(const std::vector<std::vector<int32_t>>& nodes) {
    for (size_t k = 0; k < nodes.size(); ++k) {
      OpenNode node;
      node.pods = nodes[k];
      for (int32_t i : node.pods) node.load += requests_[i];
      node.holder = Holder(node.load);
      if (node.holder < 0) return false;
      node.room_type = node.holder;
      node.origin = static_cast<int32_t>(k);
      current_.push_back(std::move(node));
    }
    for (const Resources& r : requests_) {
      if (Holder(r) < 0) return false;
    }
    initial_cost_ = current_cost_ = best_cost_ = Cost(current_);
    return true;
  }

  void RecordAcceptedNodes(std::vector<std::vector<int32_t>>* nodes) { accepted_nodes_ = nodes; }

  void Run() {
    const int64_t total = std::max<int64_t>(budget_, 1);
    const double mean_price =
        current_.empty() ? 0.0 : static_cast<double>(current_cost_) / double(current_.size());
    const double start = kStartTemperature * mean_price;
    // False while the current plan is the best one and best_ has no copy of it (the given plan
    // needs none: if nothing beats it there is no result).
    bool best_saved = true;
    while (budget_ > 0 && current_.size() >= 2) {
      double spent = 1.0 - static_cast<double>(budget_) / static_cast<double>(total);
      double temperature = start * std::pow(kEndTemperature, spent);
      std::vector<int32_t> slots = Neighbourhood();
      std::vector<OpenNode> part;
      int64_t before = 0;
      for (int32_t b : slots) {
        part.push_back(current_[b]);
        before += types_[current_[b].holder].hourly.micros();
      }
      std::vector<int32_t> removed = Ruin(part);
      Recreate(part, removed);
      ++iterations_;
      int64_t after = 0;
      for (const OpenNode& n : part) after += types_[n.holder].hourly.micros();
      double worse = static_cast<double>(after - before);
      if (accepted_nodes_ != nullptr && worse <= 0) {
        for (const OpenNode& n : part) {
          if (n.origin < 0) accepted_nodes_->push_back(n.pods);
        }
      }
      if (worse > 0 && random_.Uniform() >= std::exp(-worse / std::max(temperature, 1e-9))) {
        continue;
      }
      // Leaving the best plan for a dearer one: keep a copy of it first.
      if (worse > 0 && !best_saved) {
        best_ = current_;
        best_saved = true;
      }
      Replace(slots, part);
      current_cost_ += after - before;
      if (current_cost_ < best_cost_) {
        best_cost_ = current_cost_;
        best_saved = false;
      }
    }
    if (!best_saved) best_ = current_;
  }

  std::optional<RuinRecreateResult> Result(const std::vector<std::vector<int32_t>>& nodes) {
    if (best_cost_ >= initial_cost_) return std::nullopt;
    RuinRecreateResult result;
    result.iterations = iterations_;
    std::vector<char> kept(nodes.size(), 0);
    for (const OpenNode& node : best_) {
      if (node.origin >= 0) {
        kept[node.origin] = 1;
        continue;
      }
      result.repacking.nodes.push_back({node.holder, node.pods});
      result.repacking.hourly += types_[node.holder].hourly;
    }
    for (size_t k = 0; k < nodes.size(); ++k) {
      if (kept[k]) continue;
      result.replaced.push_back(static_cast<int32_t>(k));
      Resources load;
      for (int32_t i : nodes[k]) load += requests_[i];
      result.before += types_[Holder(load)].hourly;
    }
    return result;
  }

 private:
  // The first (cheapest) type that holds `load`, or -1.
  int32_t Holder(const Resources& load) {
    for (size_t t = 0; t < types_.size(); ++t) {
      if (load.FitsIn(types_[t].allocatable)) {
        budget_ -= 1 + static_cast<int64_t>(t) / 16;
        return static_cast<int32_t>(t);
      }
    }
    budget_ -= 1 + static_cast<int64_t>(types_.size()) / 16;
    return -1;
  }

  int64_t Cost(const std::vector<OpenNode>& nodes) const {
    int64_t micros = 0;
    for (const OpenNode& n : nodes) micros += types_[n.holder].hourly.micros();
    return micros;
  }

  // How much of its price a node does not use (0 = full on its scarcest resource's price).
  double Waste(const OpenNode& n) const {
    const Resources& a = types_[n.holder].allocatable;
    return 1.0 - std::max({Share(n.load.cpu_millis, a.cpu_millis),
                           Share(n.load.memory_bytes, a.memory_bytes), Share(n.load.pods, a.pods)});
  }

  // CPU-heavy (> 0) or memory-heavy (< 0), against the zone's own mix.
  double Lean(const OpenNode& n) const {
    double cpu = Share(n.load.cpu_millis, demand_.cpu_millis);
    double memory = Share(n.load.memory_bytes, demand_.memory_bytes);
    return cpu + memory > 0 ? (cpu - memory) / (cpu + memory) : 0.0;
  }

  // The nodes one step works on: all of them in a small zone, else a random sample (the
  // step's cost must not grow with the zone). Sorted, distinct.
  std::vector<int32_t> Neighbourhood() {
    const int32_t count = static_cast<int32_t>(current_.size());
    const int32_t seed = random_.Below(count);
    std::vector<int32_t> pool;
    if (count <= kSampleNodes) {
      pool.resize(count);
      std::iota(pool.begin(), pool.end(), 0);
    } else {
      for (int32_t n = 0; n < kSampleNodes; ++n) pool.push_back(random_.Below(count));
      std::sort(pool.begin(), pool.end());
      pool.erase(std::unique(pool.begin(), pool.end()), pool.end());
    }
    // Related: at random, leaning the other way in CPU against memory (their pods complete
    // each other's), or the most wasteful; with noise, so a seed does not always take the same.
    const int32_t mode = random_.Below(3);
    const double seed_lean = Lean(current_[seed]);
    std::vector<std::pair<double, int32_t>> keyed;
    for (int32_t b : pool) {
      if (b == seed) continue;
      double key = random_.Uniform();
      if (mode == 1) key += std::abs(Lean(current_[b]) + seed_lean);
      if (mode == 2) key -= Waste(current_[b]);
      keyed.push_back({key, b});
    }
    budget_ -= static_cast<int64_t>(pool.size());
    size_t take = std::min<size_t>(keyed.size(), std::max(kNeighbourhoodNodes - 1, 1));
    // The set of the take smallest keys is all that matters (slots are sorted by index next).
    std::nth_element(keyed.begin(), keyed.begin() + take, keyed.end());
    std::vector<int32_t> slots = {seed};
    for (size_t k = 0; k < take; ++k) slots.push_back(keyed[k].second);
    std::sort(slots.begin(), slots.end());
    return slots;
  }

  // Puts a step's nodes in place of the nodes it started from (`slots`, sorted).
  void Replace(const std::vector<int32_t>& slots, std::vector<OpenNode>& part) {
    size_t k = 0;
    for (; k < slots.size() && k < part.size(); ++k) current_[slots[k]] = std::move(part[k]);
    for (size_t extra = k; extra < part.size(); ++extra) current_.push_back(std::move(part[extra]));
    for (size_t gone = slots.size(); gone-- > k;) {  // highest first, so indices stay valid
      if (static_cast<size_t>(slots[gone]) + 1 < current_.size()) {
        current_[slots[gone]] = std::move(current_.back());
      }
      current_.pop_back();
    }
  }

  // Chooses related nodes, takes their pods off (all of them, or a random part that leaves the
  // node open with its room) and returns the pods.
  std::vector<int32_t> Ruin(std::vector<OpenNode>& nodes) {
    const int32_t count = static_cast<int32_t>(nodes.size());
    const int32_t k =
        std::min(count, kMinRuined + random_.Below(std::max(kMaxRuined - kMinRuined + 1, 1)));
    const int32_t seed = random_.Below(count);
    // Every node gets a key; the k smallest are ruined. The key mixes the relation to the seed
    // with noise, so the same seed does not always take the same partners.
    std::vector<std::pair<double, int32_t>> keyed;
    const int32_t mode = random_.Below(3);
    const double seed_lean = Lean(nodes[seed]);
    for (int32_t b = 0; b < count; ++b) {
      double key = random_.Uniform();
      if (mode == 0) key += -Waste(nodes[b]) * 2;                  // the most wasteful
      if (mode == 1) key += std::abs(Lean(nodes[b]) + seed_lean);  // leaning the other way
      if (b == seed) key = -1e9;
      keyed.push_back({key, b});
    }
    budget_ -= count;
    std::partial_sort(keyed.begin(), keyed.begin() + k, keyed.end());
    const bool partial = random_.Below(2) == 0;
    std::vector<int32_t> removed;
    std::vector<char> gone(nodes.size(), 0);
    for (int32_t r = 0; r < k; ++r) {
      OpenNode& node = nodes[keyed[r].second];
      node.origin = -1;
      std::vector<int32_t> stay;
      for (int32_t i : node.pods) {
        if (partial && random_.Uniform() < 0.5) {
          stay.push_back(i);
        } else {
          removed.push_back(i);
          node.load -= requests_[i];
        }
      }
      node.pods = std::move(stay);
      if (node.pods.empty()) gone[keyed[r].second] = 1;
    }
    size_t out = 0;
    for (size_t b = 0; b < nodes.size(); ++b) {
      if (gone[b]) continue;
      if (out != b) nodes[out] = std::move(nodes[b]);  // a self-move would empty the pods
      ++out;
    }
    nodes.resize(out);
    return removed;
  }

  // Largest first (by share of the zone's demand), with noise; then each pod into the node
  // where it leaves the least normalised room, or onto a new node.
  void Recreate(std::vector<OpenNode>& nodes, std::vector<int32_t>& pods) {
    std::vector<std::pair<double, int32_t>> order;
    Resources left;
    for (int32_t i : pods) {
      const Resources& r = requests_[i];
      double size =
          Share(r.cpu_millis, demand_.cpu_millis) + Share(r.memory_bytes, demand_.memory_bytes);
      order.push_back({-size * (0.75 + 0.5 * random_.Uniform()), i});
      left += r;
    }
    std::sort(order.begin(), order.end());
    for (const auto& [size, i] : order) {
      const Resources& r = requests_[i];
      int32_t best = -1;
      double best_slack = std::numeric_limits<double>::max();
      for (size_t b = 0; b < nodes.size(); ++b) {
        const Resources& a = types_[nodes[b].room_type].allocatable;
        Resources after = nodes[b].load + r;
        if (!after.FitsIn(a) || random_.Uniform() < kBlinkRate) continue;
        double cpu = 1.0 - Share(after.cpu_millis, a.cpu_millis);
        double memory = 1.0 - Share(after.memory_bytes, a.memory_bytes);
        double slots = 1.0 - Share(after.pods, a.pods);
        double slack = cpu * cpu + memory * memory + 0.25 * slots * slots;
        if (slack < best_slack) {
          best_slack = slack;
          best = static_cast<int32_t>(b);
        }
      }
      budget_ -= static_cast<int64_t>(nodes.size());
      if (best < 0) {
        nodes.push_back(OpenNode{{}, {}, NewNodeType(r, left), 0, -1});
        best = static_cast<int32_t>(nodes.size()) - 1;
      }
      nodes[best].load += r;
      nodes[best].pods.push_back(i);
      nodes[best].origin = -1;
      left -= r;
    }
    for (OpenNode& node : nodes) {
      if (node.origin >= 0) continue;
      node.holder = Holder(node.load);
      node.room_type = node.holder;
    }
  }

  // A type that holds `pod` and would hold all the pods still to place about as cheaply as
  // any (as a fraction of nodes): within kNearTie of the cheapest, the one with the most CPU
  // (a larger node strands less). (Choosing at random among near-cheapest types, for
  // variety, measured no better.)
  int32_t NewNodeType(const Resources& pod, const Resources& left) {
    std::vector<double>& cost = scratch_cost_;
    cost.assign(types_.size(), -1.0);
    double cheapest = std::numeric_limits<double>::max();
    for (size_t t = 0; t < types_.size(); ++t) {
      if (!pod.FitsIn(types_[t].allocatable)) continue;
      const std::array<double, 3>& unit = unit_prices_[t];
      cost[t] = std::max({static_cast<double>(left.cpu_millis) * unit[0],
                          static_cast<double>(left.memory_bytes) * unit[1],
                          static_cast<double>(left.pods) * unit[2]});
      cheapest = std::min(cheapest, cost[t]);
    }
    budget_ -= 1 + static_cast<int64_t>(types_.size()) / 4;
    int32_t chosen = -1;
    for (size_t t = 0; t < types_.size(); ++t) {
      if (cost[t] < 0 || cost[t] > cheapest * kNearTie + 1e-12) continue;
      if (chosen < 0 || types_[t].allocatable.cpu_millis > types_[chosen].allocatable.cpu_millis) {
        chosen = static_cast<int32_t>(t);
      }
    }
    return chosen;
  }

  const std::vector<RepackType>& types_;
  int64_t& budget_;
  Random random_;
  std::vector<Resources> requests_;
  Resources demand_;
  std::vector<std::array<double, 3>> unit_prices_;  // per type: price per millicore, byte, slot
  std::vector<double> scratch_cost_;                // NewNodeType's
  std::vector<OpenNode> current_, best_;
  int64_t initial_cost_ = 0, current_cost_ = 0, best_cost_ = 0;
  int64_t iterations_ = 0;
  std::vector<std::vector<int32_t>>* accepted_nodes_ = nullptr;
};

}  // namespace

std::optional<RuinRecreateResult> RuinAndRecreate(
    const std::vector<Resources>& requests, const std::vector<RepackType>& types,
    const std::vector<std::vector<int32_t>>& nodes, int64_t& budget, uint64_t seed,
    std::vector<std::vector<int32_t>>* accepted_nodes) {
  if (types.empty() || nodes.size() < 2 || budget <= 0) return std::nullopt;
  Search search(requests, types, budget, seed);
  search.RecordAcceptedNodes(accepted_nodes);
  if (!search.Start(nodes)) return std::nullopt;
  search.Run();
  return search.Result(nodes);
}

}  // namespace cloudoptim
