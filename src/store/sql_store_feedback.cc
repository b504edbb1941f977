// Interruption feedback and what the risk model learns from it across customers.
#include "store/comma_list.h"
#include "store/sql_store.h"

namespace cloudoptim::store {
namespace {

RebalanceJob JobFromRow(const SqlRow& row) {
  return RebalanceJob{row.Int(0),
                      row.Text(1),
                      row.Text(2),
                      row.Text(3),
                      row.Text(4),
                      row.Text(5),
                      FromMillis(row.Int(6)),
                      FromMillis(row.Int(7))};
}

}  // namespace

Result<RecordOutcome> SqlStore::RecordInterruption(const std::string& tenant_id,
                                                   const InterruptionRecord& record) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("interruption event id", record.event_id));
  CO_RETURN_IF_ERROR(RequireNonEmpty("interruption instance type", record.instance_type));
  CO_RETURN_IF_ERROR(RequireNonEmpty("interruption availability zone", record.availability_zone));
  for (const std::string& type : record.workload_types) {
    if (type.empty() || type.find(',') != std::string::npos) {
      return InvalidArgument("interruption workload type \"" + type + "\" is empty or has a comma");
    }
  }
  CO_RETURN_IF_ERROR(RequireCluster(tenant_id, record.cluster_id));
  const int64_t at = ToMillis(record.at == TimePoint{} ? clock_->Now() : record.at);
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query(
          "INSERT INTO interruption_feedback (event_id, tenant_id, cluster_id, instance_id, "
          "instance_type, availability_zone, kind, workload_types, at_ms) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
          "ON CONFLICT (event_id) DO NOTHING RETURNING id",
          {record.event_id, tenant_id, record.cluster_id, record.instance_id, record.instance_type,
           record.availability_zone, record.kind, JoinCommaList(record.workload_types), at}));
  return rows.empty() ? RecordOutcome::kDuplicate : RecordOutcome::kRecorded;
}

Result<std::vector<InterruptionRecord>> SqlStore::ListInterruptions(const std::string& tenant_id,
                                                                    TimePoint since) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query("SELECT event_id, cluster_id, instance_id, instance_type, availability_zone, "
                 "kind, workload_types, at_ms FROM interruption_feedback "
                 "WHERE tenant_id = $1 AND at_ms >= $2 ORDER BY at_ms, id",
                 {tenant_id, ToMillis(since)}));
  std::vector<InterruptionRecord> out;
  for (const SqlRow& row : rows) {
    out.push_back(InterruptionRecord{row.Text(0), row.Text(1), row.Text(2), row.Text(3),
                                     row.Text(4), row.Text(5), SplitCommaList(row.Text(6)),
                                     FromMillis(row.Int(7))});
  }
  return out;
}

Result<int> SqlStore::CountTenantsInterruptedInPool(const std::string& instance_type,
                                                    const std::string& availability_zone,
                                                    TimePoint since) {
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query("SELECT COUNT(DISTINCT tenant_id) FROM interruption_feedback "
                                 "WHERE instance_type = $1 AND availability_zone = $2 "
                                 "AND at_ms >= $3",
                                 {instance_type, availability_zone, ToMillis(since)}));
  return rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
}

Status SqlStore::PutRiskAdjustment(const RiskScoreAdjustment& a) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("risk adjustment instance type", a.instance_type));
  CO_RETURN_IF_ERROR(RequireNonEmpty("risk adjustment availability zone", a.availability_zone));
  return StatusOf(
      db_->Exec("INSERT INTO risk_score_adjustments (instance_type, availability_zone, adjustment, "
                "reason, tenants_affected, updated_ms) VALUES ($1, $2, $3, $4, $5, $6) "
                "ON CONFLICT (instance_type, availability_zone) DO UPDATE SET "
                "adjustment = excluded.adjustment, reason = excluded.reason, "
                "tenants_affected = excluded.tenants_affected, updated_ms = excluded.updated_ms",
                {a.instance_type, a.availability_zone, a.adjustment, a.reason,
                 int64_t{a.tenants_affected}, NowMillis()}));
}

Result<std::vector<RiskScoreAdjustment>> SqlStore::ListRiskAdjustments() {
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query("SELECT instance_type, availability_zone, adjustment, reason, "
                                 "tenants_affected, updated_ms FROM risk_score_adjustments "
                                 "ORDER BY instance_type, availability_zone",
                                 {}));
  std::vector<RiskScoreAdjustment> out;
  for (const SqlRow& row : rows) {
    out.push_back(RiskScoreAdjustment{row.Text(0), row.Text(1), row.Double(2), row.Text(3),
                                      static_cast<int>(row.Int(4)), FromMillis(row.Int(5))});
  }
  return out;
}

Result<LearningStats> SqlStore::AddLearningStats(const std::string& tenant_id,
                                                 int64_t instance_hours, int64_t interruptions) {
  if (instance_hours < 0 || interruptions < 0) {
    return InvalidArgument("learning stats: instance hours and interruptions must be >= 0");
  }
  CO_RETURN_IF_ERROR(RequireTenant(tenant_id));
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query("INSERT INTO feedback_learning_stats (tenant_id, observed_instance_hours, "
                 "interruptions, updated_ms) VALUES ($1, $2, $3, $4) "
                 "ON CONFLICT (tenant_id) DO UPDATE SET observed_instance_hours = "
                 "feedback_learning_stats.observed_instance_hours + "
                 "excluded.observed_instance_hours, interruptions = "
                 "feedback_learning_stats.interruptions + excluded.interruptions, "
                 "updated_ms = excluded.updated_ms "
                 "RETURNING observed_instance_hours, interruptions, updated_ms",
                 {tenant_id, instance_hours, interruptions, NowMillis()}));
  if (rows.empty()) return Internal("learning stats: upsert returned no row");
  return LearningStats{rows[0].Int(0), rows[0].Int(1), FromMillis(rows[0].Int(2))};
}

Result<LearningStats> SqlStore::GetLearningStats(const std::string& tenant_id) {
  CO_RETURN_IF_ERROR(RequireTenant(tenant_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query("SELECT observed_instance_hours, interruptions, updated_ms "
                                 "FROM feedback_learning_stats WHERE tenant_id = $1",
                                 {tenant_id}));
  if (rows.empty()) return LearningStats{};
  return LearningStats{rows[0].Int(0), rows[0].Int(1), FromMillis(rows[0].Int(2))};
}

Result<RebalanceJob> SqlStore::CreateRebalanceJob(const std::string& tenant_id,
                                                  const RebalanceJob& job) {
  CO_RETURN_IF_ERROR(RequireCluster(tenant_id, job.cluster_id));
  RebalanceJob stored = job;
  stored.created = stored.updated = FromMillis(NowMillis());
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query("INSERT INTO proactive_rebalance_jobs (tenant_id, cluster_id, instance_type, "
                 "availability_zone, reason, state, created_ms, updated_ms) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                 {tenant_id, job.cluster_id, job.instance_type, job.availability_zone, job.reason,
                  job.state, ToMillis(stored.created)}));
  stored.id = rows.empty() ? 0 : rows[0].Int(0);
  return stored;
}

Result<std::vector<RebalanceJob>> SqlStore::ListRebalanceJobs(const std::string& tenant_id,
                                                              const std::string& state) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query("SELECT id, cluster_id, instance_type, availability_zone, reason, state, "
                 "created_ms, updated_ms FROM proactive_rebalance_jobs "
                 "WHERE tenant_id = $1 AND ($2 = '' OR state = $2) ORDER BY id",
                 {tenant_id, state}));
  std::vector<RebalanceJob> out;
  for (const SqlRow& row : rows) out.push_back(JobFromRow(row));
  return out;
}

}  // namespace cloudoptim::store
