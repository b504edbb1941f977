#include "execute/unavailable_pools.h"

#include <algorithm>

namespace cloudoptim {
namespace {

std::optional<CapacityType> ParseCapacity(const std::string& name) {
  if (name == CapacityTypeName(CapacityType::kSpot)) return CapacityType::kSpot;
  if (name == CapacityTypeName(CapacityType::kOnDemand)) return CapacityType::kOnDemand;
  return std::nullopt;
}

}  // namespace

Status UnavailablePools::Mark(const std::string& tenant_id, const PoolKey& pool, TimePoint until) {
  {
    std::lock_guard lock(mutex_);
    TimePoint& current = until_[{tenant_id, pool}];
    current = std::max(current, until);
  }
  if (store_ == nullptr) return Ok();
  return store_->MarkPoolUnavailable(tenant_id,
                                     {pool.instance_type, pool.availability_zone,
                                      std::string(CapacityTypeName(pool.capacity)), until});
}

std::map<PoolKey, TimePoint> UnavailablePools::ActiveAt(const std::string& tenant_id,
                                                        TimePoint now) const {
  std::map<PoolKey, TimePoint> active;
  auto add = [&](const PoolKey& pool, TimePoint until) {
    if (until <= now) return;
    TimePoint& current = active[pool];
    current = std::max(current, until);
  };
  {
    std::lock_guard lock(mutex_);
    // The smallest key of the tenant: empty names, the first capacity type.
    const PoolKey first{"", "", CapacityType::kOnDemand};
    for (auto it = until_.lower_bound({tenant_id, first});
         it != until_.end() && it->first.first == tenant_id; ++it) {
      add(it->first.second, it->second);
    }
  }
  if (store_ == nullptr) return active;
  Result<std::vector<store::PoolMark>> stored = store_->ListUnavailablePools(tenant_id, now);
  if (!stored) return active;
  for (const store::PoolMark& mark : *stored) {
    std::optional<CapacityType> capacity = ParseCapacity(mark.capacity);
    if (!capacity) continue;  // not written by us
    add({mark.instance_type, mark.availability_zone, *capacity}, mark.until);
  }
  return active;
}

bool UnavailablePools::IsUnavailable(const std::string& tenant_id, const PoolKey& pool,
                                     TimePoint now) const {
  return ActiveAt(tenant_id, now).contains(pool);
}

}  // namespace cloudoptim
