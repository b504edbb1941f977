// The engine loop's status per cluster: one row, replaced after every cycle by the replica that
// runs the cluster, read by whichever replica serves the cluster's detail view.
#include "store/sql_store.h"

namespace cloudoptim::store {
namespace {

SqlValue OptionalMillis(const std::optional<TimePoint>& at) {
  if (!at) return SqlNull{};
  return ToMillis(*at);
}

std::optional<TimePoint> OptionalTime(const SqlRow& row, size_t column) {
  if (row.IsNull(column)) return std::nullopt;
  return FromMillis(row.Int(column));
}

}  // namespace

Status SqlStore::PutLoopStatus(const std::string& tenant_id, const std::string& cluster_id,
                               const ClusterLoopStatus& status) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_RETURN_IF_ERROR(RequireNonEmpty("cluster id", cluster_id));
  CO_RETURN_IF_ERROR(RequireNonEmpty("loop status replica", status.replica));
  // The cluster must be the tenant's: a status must never be written across tenants.
  CO_RETURN_IF_ERROR(StatusOf(GetCluster(tenant_id, cluster_id)));
  return StatusOf(db_->Exec(
      "INSERT INTO cluster_loop_status (cluster_id, tenant_id, replica, last_snapshot_ms, "
      "last_cycle_ms, next_cycle_ms, cycle_interval_ms, last_error, updated_ms) VALUES ($1, $2, "
      "$3, $4, $5, $6, $7, $8, $9) ON CONFLICT (cluster_id) DO UPDATE SET replica = "
      "excluded.replica, last_snapshot_ms = excluded.last_snapshot_ms, last_cycle_ms = "
      "excluded.last_cycle_ms, next_cycle_ms = excluded.next_cycle_ms, cycle_interval_ms = "
      "excluded.cycle_interval_ms, last_error = excluded.last_error, updated_ms = "
      "excluded.updated_ms",
      {cluster_id, tenant_id, status.replica, OptionalMillis(status.last_snapshot),
       OptionalMillis(status.last_cycle), OptionalMillis(status.next_cycle),
       static_cast<int64_t>(status.cycle_interval.count()), status.last_error, NowMillis()}));
}

Result<std::optional<ClusterLoopStatus>> SqlStore::GetLoopStatus(const std::string& tenant_id,
                                                                 const std::string& cluster_id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query("SELECT replica, last_snapshot_ms, last_cycle_ms, next_cycle_ms, "
                                 "cycle_interval_ms, last_error, updated_ms FROM "
                                 "cluster_loop_status WHERE tenant_id = $1 AND cluster_id = $2",
                                 {tenant_id, cluster_id}));
  if (rows.empty()) return std::optional<ClusterLoopStatus>();
  const SqlRow& row = rows[0];
  return ClusterLoopStatus{.replica = row.Text(0),
                           .last_snapshot = OptionalTime(row, 1),
                           .last_cycle = OptionalTime(row, 2),
                           .next_cycle = OptionalTime(row, 3),
                           .cycle_interval = std::chrono::milliseconds(row.Int(4)),
                           .last_error = row.Text(5),
                           .updated = FromMillis(row.Int(6))};
}

}  // namespace cloudoptim::store
