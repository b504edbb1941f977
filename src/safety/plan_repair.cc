#include "safety/plan_repair.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

// Why the repair runs in this order. Each step fixes one layer with moves that cannot undo
// the layers already fixed, so one pass suffices. No step changes the vCPU total: moves swap
// an instance for one of a similar type (same vCPU count), and a split turns one instance into
// two of half the size. Replacing unsafe spot pools goes first because it may move capacity
// out of a zone; splitting instances larger than the per-pool cap comes next (into safe pools
// only), since no arrangement of pools can fix layer 3 around them; raising the on-demand
// share then converts whole spot instances in place (same type and zone, so no zone is lost
// and spot pools only shrink); spreading over zones only moves instances out of zones holding
// two or more, into safe pools, so it adds zones and keeps capacity types; capping pool shares
// last only moves instances out of over-full pools (which hold two or more, as no single
// instance exceeds the cap after the split) into pools that stay within the cap, which keeps
// zones and capacity types. Each step is greedy with a fixed tie-break (largest first, then
// the pool key), so the output is deterministic. The enforcer still re-checks all five layers
// on the result rather than trusting this argument.

namespace cloudoptim {
namespace {

// The repair works on a map keyed by pool, so merging moved instances into an existing pool
// is one lookup, and iteration order (and so the result) is deterministic.
class Repairer {
 public:
  Repairer(const FleetPlan& plan, const PoolFinder& finder) : plan_(plan), finder_(finder) {
    for (const PlannedPool& pool : plan.pools) pools_[pool.Key()] = pool;
  }

  std::expected<RepairedPlan, RepairRefusal> Run() {
    if (auto refused = ReplaceUnsafePools()) return std::unexpected(*refused);
    if (auto refused = SplitOversizedInstances()) return std::unexpected(*refused);
    RaiseOnDemandShare();
    if (auto refused = SpreadZones()) return std::unexpected(*refused);
    if (auto refused = CapPoolShares()) return std::unexpected(*refused);
    RepairedPlan out{plan_, std::move(changes_)};
    out.plan.pools.clear();
    for (auto& [key, pool] : pools_) out.plan.pools.push_back(pool);
    return out;
  }

 private:
  using Refusal = std::optional<RepairRefusal>;

  const std::vector<PoolCandidate>& Candidates(const std::string& type, CapacityType capacity) {
    auto key = std::make_pair(type, capacity);
    auto it = candidates_.find(key);
    if (it == candidates_.end()) it = candidates_.emplace(key, finder_.Pools(type, capacity)).first;
    return it->second;
  }

  // Moves `count` instances of `from` into the pool `to` (same capacity type).
  PoolKey Move(const PoolKey& from, const std::string& type, const std::string& zone,
               CapacityType capacity, int32_t count) {
    PlannedPool& source = pools_.at(from);
    PoolKey to{type, zone, capacity};
    PlannedPool& target = pools_[to];
    if (target.count == 0) target = {type, zone, capacity, 0, source.vcpus_per_instance};
    target.count += count;
    source.count -= count;
    if (source.count == 0) pools_.erase(from);
    return to;
  }

  int64_t TotalVcpus() const {
    int64_t total = 0;
    for (const auto& [key, pool] : pools_) total += pool.Vcpus();
    return total;
  }

  std::map<std::string, int64_t> VcpusByZone() const {
    std::map<std::string, int64_t> zones;
    for (const auto& [key, pool] : pools_) zones[key.availability_zone] += pool.Vcpus();
    return zones;
  }

  std::map<std::string, int32_t> InstancesByZone() const {
    std::map<std::string, int32_t> zones;
    for (const auto& [key, pool] : pools_) zones[key.availability_zone] += pool.count;
    return zones;
  }

  double ScoreOf(const PoolKey& key) const;
  Refusal ReplaceUnsafePools();
  Refusal SplitOversizedInstances();
  void RaiseOnDemandShare();
  Refusal SpreadZones();
  Refusal CapPoolShares();

  const FleetPlan& plan_;
  const PoolFinder& finder_;
  std::map<PoolKey, PlannedPool> pools_;
  std::map<std::pair<std::string, CapacityType>, std::vector<PoolCandidate>> candidates_;
  std::vector<std::string> changes_;
};

double Repairer::ScoreOf(const PoolKey& key) const {
  const PoolScore* score = finder_.scores().Find(key.instance_type, key.availability_zone);
  return score == nullptr ? 0 : score->safety_score;  // unknown pools are unsafe
}

// Step 1: an unsafe spot pool moves whole to the safest similar pool, in its own zone when
// one is safe there (keeping the zone spread), else the safest anywhere.
Repairer::Refusal Repairer::ReplaceUnsafePools() {
  const double threshold = finder_.thresholds().min_pool_safety_score;
  std::vector<PoolKey> unsafe;
  for (const auto& [key, pool] : pools_) {
    if (key.capacity == CapacityType::kSpot && ScoreOf(key) < threshold) unsafe.push_back(key);
  }
  for (const PoolKey& key : unsafe) {
    const std::vector<PoolCandidate>& safe = Candidates(key.instance_type, CapacityType::kSpot);
    if (safe.empty()) {
      std::vector<PoolCandidate> scored = finder_.ScoredSpotPools(key.instance_type);
      std::string best = scored.empty() ? "no similar spot pool has a score"
                                        : "the best is " + scored.front().instance_type + "/" +
                                              scored.front().availability_zone + " at " +
                                              FormatRatio(scored.front().safety_score);
      return RepairRefusal{SafetyLayer::kPoolScore, "no spot pool of a type similar to " +
                                                        key.instance_type + " in " +
                                                        finder_.region() + " scores at least " +
                                                        FormatRatio(threshold) + " (" + best + ")"};
    }
    auto it = std::find_if(safe.begin(), safe.end(), [&](const PoolCandidate& c) {
      return c.availability_zone == key.availability_zone;
    });
    const PoolCandidate& choice = it != safe.end() ? *it : safe.front();
    int32_t count = pools_.at(key).count;
    double old_score = ScoreOf(key);
    PoolKey to = Move(key, choice.instance_type, choice.availability_zone, key.capacity, count);
    changes_.push_back("replaced " + std::to_string(count) + " x " + key.ToString() + " (score " +
                       FormatRatio(old_score) + ") with " + to.ToString() + " (score " +
                       FormatRatio(choice.safety_score) + ")");
  }
  return std::nullopt;
}

// Step 1b: an instance larger than the per-pool cap can never fit layer 3, however the pools
// are arranged, so it is split into two of the half-size type of its family (same zone and
// capacity type; the vCPU total is unchanged), repeatedly if need be. A half-size spot pool
// that is not safe is swapped for the safest similar one, as in step 1.
Repairer::Refusal Repairer::SplitOversizedInstances() {
  const int64_t total = TotalVcpus();
  const int64_t cap = MaxVcpusPerPool(total, finder_.thresholds());
  while (true) {
    auto oversized = std::find_if(pools_.begin(), pools_.end(), [&](const auto& entry) {
      return entry.second.vcpus_per_instance > cap;
    });
    if (oversized == pools_.end()) return std::nullopt;
    const PoolKey from = oversized->first;
    const PlannedPool pool = oversized->second;
    const std::string cap_text = std::to_string(cap) + " vCPUs one pool may hold (" +
                                 FormatRatio(finder_.thresholds().max_pool_capacity_share) +
                                 " of " + std::to_string(total) + ")";
    std::string half = finder_.HalfSizeType(from.instance_type);
    if (half.empty()) {
      return RepairRefusal{SafetyLayer::kPoolShare,
                           "each " + from.instance_type + " has " +
                               std::to_string(pool.vcpus_per_instance) + " vCPUs, more than the " +
                               cap_text + ", and its family has no smaller type to split it into"};
    }
    PoolKey to{half, from.availability_zone, from.capacity};
    if (from.capacity == CapacityType::kSpot &&
        ScoreOf(to) < finder_.thresholds().min_pool_safety_score) {
      const std::vector<PoolCandidate>& safe = Candidates(half, CapacityType::kSpot);
      if (safe.empty()) {
        return RepairRefusal{SafetyLayer::kPoolShare,
                             "each " + from.instance_type + " is more than the " + cap_text +
                                 ", and no spot pool similar to " + half + " is safe"};
      }
      auto it = std::find_if(safe.begin(), safe.end(), [&](const PoolCandidate& c) {
        return c.availability_zone == from.availability_zone;
      });
      const PoolCandidate& choice = it != safe.end() ? *it : safe.front();
      to = {choice.instance_type, choice.availability_zone, from.capacity};
    }
    pools_.erase(from);
    PlannedPool& target = pools_[to];
    if (target.count == 0) {
      target = {to.instance_type, to.availability_zone, to.capacity, 0,
                pool.vcpus_per_instance / 2};
    }
    target.count += 2 * pool.count;
    changes_.push_back("split " + std::to_string(pool.count) + " x " + from.ToString() + " into " +
                       std::to_string(2 * pool.count) + " x " + to.ToString() +
                       " so no single instance exceeds the " + cap_text);
  }
}

// Step 2: whole spot instances become on-demand in their own pool's type and zone, taken
// from the largest spot pool first (which also eases its share).
void Repairer::RaiseOnDemandShare() {
  int64_t total = TotalVcpus();
  int64_t on_demand = 0;
  for (const auto& [key, pool] : pools_) {
    if (key.capacity == CapacityType::kOnDemand) on_demand += pool.Vcpus();
  }
  const int64_t needed = MinOnDemandVcpus(total, finder_.thresholds());
  std::map<PoolKey, int32_t> converted;
  while (on_demand < needed) {
    const PoolKey* largest = nullptr;
    int64_t largest_vcpus = 0;
    for (const auto& [key, pool] : pools_) {
      if (key.capacity == CapacityType::kSpot && pool.Vcpus() > largest_vcpus) {
        largest = &key;
        largest_vcpus = pool.Vcpus();
      }
    }
    if (largest == nullptr) break;  // all on-demand already
    PoolKey from = *largest;
    on_demand += pools_.at(from).vcpus_per_instance;
    Move(from, from.instance_type, from.availability_zone, CapacityType::kOnDemand, 1);
    ++converted[from];
  }
  for (const auto& [from, count] : converted) {
    changes_.push_back("moved " + std::to_string(count) + " x " + from.instance_type + " in " +
                       from.availability_zone + " from spot to on-demand (on-demand " +
                       std::to_string(on_demand) + " of " + std::to_string(total) + " vCPUs)");
  }
}

// Step 3: while too few zones are used, one instance moves from the most loaded zone that
// has two or more (so no zone empties) to the safest similar pool in an unused zone.
Repairer::Refusal Repairer::SpreadZones() {
  const int32_t wanted = finder_.thresholds().min_availability_zones;
  std::set<std::string> reachable;
  for (const auto& [key, pool] : pools_) {
    reachable.insert(key.availability_zone);
    for (const PoolCandidate& c : Candidates(key.instance_type, key.capacity)) {
      reachable.insert(c.availability_zone);
    }
  }
  if (static_cast<int32_t>(reachable.size()) < wanted) {
    std::string names;
    for (const std::string& zone : reachable) names += (names.empty() ? "" : ", ") + zone;
    return RepairRefusal{SafetyLayer::kZoneSpread,
                         "region " + finder_.region() + " has only " +
                             std::to_string(reachable.size()) +
                             " availability zones offering safe pools of the plan's types (" +
                             names + "), at least " + std::to_string(wanted) + " needed"};
  }
  while (true) {
    std::map<std::string, int64_t> zone_vcpus = VcpusByZone();
    if (static_cast<int32_t>(zone_vcpus.size()) >= wanted) return std::nullopt;
    std::map<std::string, int32_t> zone_instances = InstancesByZone();
    std::vector<PoolKey> order;
    for (const auto& [key, pool] : pools_) {
      if (zone_instances[key.availability_zone] >= 2) order.push_back(key);
    }
    std::sort(order.begin(), order.end(), [&](const PoolKey& a, const PoolKey& b) {
      return std::make_tuple(-zone_vcpus[a.availability_zone], -pools_.at(a).Vcpus(), a) <
             std::make_tuple(-zone_vcpus[b.availability_zone], -pools_.at(b).Vcpus(), b);
    });
    bool moved = false;
    for (const PoolKey& key : order) {
      for (const PoolCandidate& c : Candidates(key.instance_type, key.capacity)) {
        if (zone_vcpus.contains(c.availability_zone)) continue;
        PoolKey to = Move(key, c.instance_type, c.availability_zone, key.capacity, 1);
        changes_.push_back("moved 1 x " + key.ToString() + " to " + to.ToString() +
                           " to use another availability zone");
        moved = true;
        break;
      }
      if (moved) break;
    }
    if (!moved) {
      int32_t instances = 0;
      for (const auto& [zone, count] : zone_instances) instances += count;
      return RepairRefusal{SafetyLayer::kZoneSpread,
                           "the plan's " + std::to_string(instances) + " instances in " +
                               std::to_string(zone_vcpus.size()) + " zones cannot be spread over " +
                               std::to_string(wanted) + " zones with safe similar pools"};
    }
  }
}

// Step 4: while a pool holds more than the cap, one of its instances moves to the similar
// pool with room whose zone holds the fewest vCPUs (spreading further), safest first.
Repairer::Refusal Repairer::CapPoolShares() {
  const int64_t total = TotalVcpus();
  const int64_t cap = MaxVcpusPerPool(total, finder_.thresholds());
  const std::string cap_text = std::to_string(cap) + " vCPUs one pool may hold (" +
                               FormatRatio(finder_.thresholds().max_pool_capacity_share) + " of " +
                               std::to_string(total) + ")";
  std::map<std::pair<PoolKey, PoolKey>, int32_t> moves;
  while (true) {
    auto largest = std::max_element(pools_.begin(), pools_.end(), [](const auto& a, const auto& b) {
      return a.second.Vcpus() < b.second.Vcpus();
    });
    if (largest == pools_.end() || largest->second.Vcpus() <= cap) break;
    const PoolKey from = largest->first;
    const int64_t size = largest->second.vcpus_per_instance;
    std::map<std::string, int64_t> zone_vcpus = VcpusByZone();
    const PoolCandidate* best = nullptr;
    auto rank = [&](const PoolCandidate& c) {
      return std::make_tuple(zone_vcpus[c.availability_zone], -c.safety_score, !c.same_type,
                             c.instance_type, c.availability_zone);
    };
    for (const PoolCandidate& c : Candidates(from.instance_type, from.capacity)) {
      PoolKey to{c.instance_type, c.availability_zone, from.capacity};
      auto existing = pools_.find(to);
      int64_t used = existing == pools_.end() ? 0 : existing->second.Vcpus();
      if (to == from || used + size > cap) continue;
      if (best == nullptr || rank(c) < rank(*best)) best = &c;
    }
    if (best == nullptr) {
      return RepairRefusal{SafetyLayer::kPoolShare,
                           "pool " + from.ToString() + " holds " +
                               std::to_string(largest->second.Vcpus()) + " vCPUs, more than the " +
                               cap_text + ", and no other safe pool of a similar type has room"};
    }
    PoolKey to = Move(from, best->instance_type, best->availability_zone, from.capacity, 1);
    ++moves[{from, to}];
  }
  for (const auto& [pair, count] : moves) {
    changes_.push_back("moved " + std::to_string(count) + " x " + pair.first.ToString() + " to " +
                       pair.second.ToString() + " to keep each pool within " + cap_text);
  }
  return std::nullopt;
}

}  // namespace

std::expected<RepairedPlan, RepairRefusal> RepairPlan(const FleetPlan& plan,
                                                      const PoolFinder& finder) {
  return Repairer(plan, finder).Run();
}

}  // namespace cloudoptim
