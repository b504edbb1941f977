// Pools recently interrupted, per tenant: one row per (tenant, type, zone, capacity) with the
// expiry of its mark. Written by the interruption handler, read when a replacement is planned.
#include "store/sql_store.h"

namespace cloudoptim::store {

Status SqlStore::MarkPoolUnavailable(const std::string& tenant_id, const PoolMark& mark) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant_id", tenant_id));
  CO_RETURN_IF_ERROR(RequireNonEmpty("pool instance_type", mark.instance_type));
  CO_RETURN_IF_ERROR(RequireNonEmpty("pool availability_zone", mark.availability_zone));
  CO_RETURN_IF_ERROR(RequireNonEmpty("pool capacity", mark.capacity));
  return db_->InTransaction([&]() -> Status {
    // Expired marks are never read again; dropping them here keeps the table at the size of
    // the interruptions of the last half hour or so.
    CO_RETURN_IF_ERROR(
        StatusOf(db_->Exec("DELETE FROM unavailable_pools WHERE tenant_id = $1 "
                           "AND until_ms <= $2",
                           {tenant_id, NowMillis()})));
    // A later warning for the same pool extends the mark; an earlier expiry never shortens it
    // (CASE rather than MAX/GREATEST: the same text for SQLite and PostgreSQL).
    return StatusOf(db_->Exec(
        "INSERT INTO unavailable_pools (tenant_id, instance_type, availability_zone, capacity, "
        "until_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, instance_type, "
        "availability_zone, capacity) DO UPDATE SET until_ms = CASE WHEN excluded.until_ms > "
        "unavailable_pools.until_ms THEN excluded.until_ms ELSE unavailable_pools.until_ms END",
        {tenant_id, mark.instance_type, mark.availability_zone, mark.capacity,
         ToMillis(mark.until)}));
  });
}

Result<std::vector<PoolMark>> SqlStore::ListUnavailablePools(const std::string& tenant_id,
                                                             TimePoint now) {
  CO_ASSIGN_OR_RETURN(
      SqlRows rows, db_->Query("SELECT instance_type, availability_zone, capacity, until_ms FROM "
                               "unavailable_pools WHERE tenant_id = $1 AND until_ms > $2 ORDER BY "
                               "instance_type, availability_zone, capacity",
                               {tenant_id, ToMillis(now)}));
  std::vector<PoolMark> marks;
  for (const SqlRow& row : rows) {
    marks.push_back({row.Text(0), row.Text(1), row.Text(2), FromMillis(row.Int(3))});
  }
  return marks;
}

}  // namespace cloudoptim::store
