// Pools (instance type × zone × capacity) recently interrupted: the interruption handler marks
// them, replacements avoid them until the mark expires. Marks are per tenant, because zone
// names are per AWS account (one account's us-east-1a is not another's). Backed by the store
// in the service, so every replica sees them and a restart does not forget them; memory only
// in tests and tools. Thread-safe.
//
//   UnavailablePools unavailable(&store.pool_marks());
//   unavailable.Mark("t-1", {"m5.large", "us-east-1a", CapacityType::kSpot}, now + 30min);
//   std::map<PoolKey, TimePoint> avoid = unavailable.ActiveAt("t-1", now);
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "common/clock.h"
#include "common/error.h"
#include "model/pool.h"
#include "store/store.h"

namespace cloudoptim {

class UnavailablePools {
 public:
  explicit UnavailablePools(store::PoolMarkStore* store = nullptr) : store_(store) {}

  // Keeps the later expiry when the pool is marked already. Returns the store's error when a
  // backed mark could not be written; the mark is kept in memory either way, so at least
  // this process avoids the pool.
  Status Mark(const std::string& tenant_id, const PoolKey& pool, TimePoint until);
  // The tenant's marks still active at `now`: this process's and, when backed, the store's
  // (another replica's, or from before a restart). A store that cannot be read leaves this
  // process's marks: a replacement inside a two-minute notice does not wait on the database.
  std::map<PoolKey, TimePoint> ActiveAt(const std::string& tenant_id, TimePoint now) const;
  bool IsUnavailable(const std::string& tenant_id, const PoolKey& pool, TimePoint now) const;

 private:
  store::PoolMarkStore* store_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, PoolKey>, TimePoint> until_;  // by (tenant, pool)
};

}  // namespace cloudoptim
