#include "safety/pool_finder.h"

#include <algorithm>
#include <utility>

namespace cloudoptim {
namespace {

// Memory may differ by this factor either way: m5.large (8 GiB) and m6a.large (8 GiB) are one
// class, c5.large (4 GiB) another, r5.large (16 GiB) a third.
constexpr double kMemoryTolerance = 1.25;

// The shipped table marks some current families (m6i, c5) as previous generation; like the
// engines, generation 5 and later counts as current.
bool Current(const InstanceType& type) { return type.current_generation || type.generation >= 5; }

bool Similar(const InstanceType& a, const InstanceType& b) {
  if (a.vcpus != b.vcpus || a.arch != b.arch || a.gpus != b.gpus) return false;
  if (a.burstable != b.burstable || a.bare_metal != b.bare_metal) return false;
  if (!Current(b)) return false;
  double ratio = static_cast<double>(b.memory_mib) / static_cast<double>(a.memory_mib);
  return ratio <= kMemoryTolerance && ratio >= 1.0 / kMemoryTolerance;
}

bool SafestFirst(const PoolCandidate& a, const PoolCandidate& b) {
  if (a.safety_score != b.safety_score) return a.safety_score > b.safety_score;
  if (a.same_type != b.same_type) return a.same_type;
  if (a.instance_type != b.instance_type) return a.instance_type < b.instance_type;
  return a.availability_zone < b.availability_zone;
}

}  // namespace

std::vector<std::string> SimilarTypeNames(const Catalog& catalog, std::string_view type) {
  std::vector<std::string> names{std::string(type)};
  const InstanceType* self = catalog.FindType(type);
  if (self == nullptr || self->memory_mib <= 0) return names;
  for (const InstanceType& other : catalog.Types()) {  // sorted by name
    if (other.name != self->name && Similar(*self, other)) names.push_back(other.name);
  }
  return names;
}

PoolFinder::PoolFinder(const Catalog& catalog, const PoolScoreTable& scores, std::string region,
                       SafetyThresholds thresholds)
    : catalog_(catalog), scores_(scores), region_(std::move(region)), thresholds_(thresholds) {}

std::vector<std::string> PoolFinder::ZonesFor(const std::string& type) const {
  std::vector<std::string> zones = catalog_.ZonesOffering(region_, type);
  if (!zones.empty()) return zones;
  for (const auto& [key, score] : scores_.all()) {
    if (key.first == type && key.second.starts_with(region_)) zones.push_back(key.second);
  }
  return zones;
}

std::vector<PoolCandidate> PoolFinder::ScoredSpotPools(std::string_view type) const {
  std::vector<PoolCandidate> pools;
  for (const std::string& name : SimilarTypeNames(catalog_, type)) {
    for (const std::string& zone : ZonesFor(name)) {
      const PoolScore* score = scores_.Find(name, zone);
      if (score == nullptr) continue;
      pools.push_back({name, zone, score->safety_score, name == type});
    }
  }
  std::sort(pools.begin(), pools.end(), SafestFirst);
  return pools;
}

std::vector<PoolCandidate> PoolFinder::SafeSpotPools(std::string_view type) const {
  std::vector<PoolCandidate> pools = ScoredSpotPools(type);
  std::erase_if(pools, [&](const PoolCandidate& c) {
    return c.safety_score < thresholds_.min_pool_safety_score;
  });
  return pools;
}

std::vector<PoolCandidate> PoolFinder::OnDemandPools(std::string_view type) const {
  std::vector<PoolCandidate> pools;
  for (const std::string& name : SimilarTypeNames(catalog_, type)) {
    for (const std::string& zone : ZonesFor(name)) {
      pools.push_back({name, zone, 1.0, name == type});
    }
  }
  std::sort(pools.begin(), pools.end(), SafestFirst);
  return pools;
}

std::vector<PoolCandidate> PoolFinder::Pools(std::string_view type, CapacityType capacity) const {
  return capacity == CapacityType::kSpot ? SafeSpotPools(type) : OnDemandPools(type);
}

std::string PoolFinder::HalfSizeType(std::string_view type) const {
  const InstanceType* big = catalog_.FindType(type);
  if (big == nullptr || big->vcpus % 2 != 0 || big->memory_mib % 2 != 0) return "";
  for (const InstanceType& small : catalog_.Types()) {
    if (small.family == big->family && small.arch == big->arch && small.gpus == big->gpus &&
        small.vcpus * 2 == big->vcpus && small.memory_mib * 2 == big->memory_mib) {
      return small.name;
    }
  }
  return "";
}

}  // namespace cloudoptim
