// Per-cluster leases: compare-and-set on (holder, expiry) in single statements.
#include "store/sql_store.h"

namespace cloudoptim::store {

// One upsert decides atomically: insert a free lease, or take over the row only when it is
// ours already or has expired (the DO UPDATE ... WHERE clause). When another holder's lease
// is live the WHERE is false, nothing is written and no row is returned. Both backends
// re-check the WHERE against the latest committed row, so two replicas cannot both win.
Result<bool> SqlStore::TryAcquireLease(const std::string& name, const std::string& holder,
                                       std::chrono::milliseconds ttl) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("lease name", name));
  CO_RETURN_IF_ERROR(RequireNonEmpty("lease holder", holder));
  if (ttl.count() <= 0) return InvalidArgument("lease ttl must be positive");
  const int64_t now = NowMillis();
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query("INSERT INTO leases (name, holder, expires_ms, acquired_ms) "
                                 "VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET "
                                 "holder = excluded.holder, expires_ms = excluded.expires_ms, "
                                 "acquired_ms = CASE WHEN leases.holder = excluded.holder "
                                 "THEN leases.acquired_ms ELSE excluded.acquired_ms END "
                                 "WHERE leases.holder = excluded.holder OR leases.expires_ms <= $4 "
                                 "RETURNING holder",
                                 {name, holder, now + ttl.count(), now}));
  return !rows.empty();
}

Status SqlStore::RenewLease(const std::string& name, const std::string& holder,
                            std::chrono::milliseconds ttl) {
  if (ttl.count() <= 0) return InvalidArgument("lease ttl must be positive");
  const int64_t now = NowMillis();
  CO_ASSIGN_OR_RETURN(int64_t changed,
                      db_->Exec("UPDATE leases SET expires_ms = $1 WHERE name = $2 "
                                "AND holder = $3 AND expires_ms > $4",
                                {now + ttl.count(), name, holder, now}));
  if (changed == 0) return Aborted("lease \"" + name + "\" is not held by \"" + holder + "\"");
  return Ok();
}

Status SqlStore::ReleaseLease(const std::string& name, const std::string& holder) {
  return StatusOf(db_->Exec("DELETE FROM leases WHERE name = $1 AND holder = $2", {name, holder}));
}

}  // namespace cloudoptim::store
