// The audit log and recorded safety violations: append-only, newest first when read.
#include "store/sql_store.h"

namespace cloudoptim::store {

Result<AuditEntry> SqlStore::AppendAudit(const std::string& tenant_id, const AuditEntry& entry) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_RETURN_IF_ERROR(RequireNonEmpty("audit actor", entry.actor));
  CO_RETURN_IF_ERROR(RequireNonEmpty("audit action", entry.action));
  AuditEntry stored = entry;
  if (stored.at == TimePoint{}) stored.at = FromMillis(NowMillis());
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query("INSERT INTO audit_log (tenant_id, actor, action, target, reason, "
                                 "at_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                                 {tenant_id, entry.actor, entry.action, entry.target, entry.reason,
                                  ToMillis(stored.at)}));
  stored.id = rows.empty() ? 0 : rows[0].Int(0);
  return stored;
}

Result<std::vector<AuditEntry>> SqlStore::ListAudit(const std::string& tenant_id,
                                                    std::optional<TimePoint> since, int limit) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query("SELECT id, actor, action, target, reason, at_ms FROM audit_log "
                 "WHERE tenant_id = $1 AND at_ms >= $2 ORDER BY at_ms DESC, id DESC LIMIT $3",
                 {tenant_id, since ? ToMillis(*since) : std::numeric_limits<int64_t>::min(),
                  int64_t{std::max(limit, 0)}}));
  std::vector<AuditEntry> entries;
  for (const SqlRow& row : rows) {
    entries.push_back(AuditEntry{row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4),
                                 FromMillis(row.Int(5))});
  }
  return entries;
}

Result<SafetyViolation> SqlStore::RecordSafetyViolation(const std::string& tenant_id,
                                                        const SafetyViolation& violation) {
  if (violation.layer < 1 || violation.layer > 5) {
    return InvalidArgument("safety violation layer " + std::to_string(violation.layer) +
                           " is not in 1..5");
  }
  CO_RETURN_IF_ERROR(RequireCluster(tenant_id, violation.cluster_id));
  SafetyViolation stored = violation;
  if (stored.at == TimePoint{}) stored.at = FromMillis(NowMillis());
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query("INSERT INTO safety_violations (tenant_id, cluster_id, plan_id, layer, measured, "
                 "threshold, detail, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                 {tenant_id, violation.cluster_id, violation.plan_id, int64_t{violation.layer},
                  violation.measured, violation.threshold, violation.detail, ToMillis(stored.at)}));
  stored.id = rows.empty() ? 0 : rows[0].Int(0);
  return stored;
}

Result<std::vector<SafetyViolation>> SqlStore::ListSafetyViolations(const std::string& tenant_id,
                                                                    const std::string& cluster_id,
                                                                    int limit) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query("SELECT id, cluster_id, plan_id, layer, measured, threshold, detail, at_ms "
                 "FROM safety_violations WHERE tenant_id = $1 AND ($2 = '' OR cluster_id = $2) "
                 "ORDER BY at_ms DESC, id DESC LIMIT $3",
                 {tenant_id, cluster_id, int64_t{std::max(limit, 0)}}));
  std::vector<SafetyViolation> out;
  for (const SqlRow& row : rows) {
    out.push_back(SafetyViolation{row.Int(0), row.Text(1), row.Text(2),
                                  static_cast<int>(row.Int(3)), row.Double(4), row.Double(5),
                                  row.Text(6), FromMillis(row.Int(7))});
  }
  return out;
}

}  // namespace cloudoptim::store
