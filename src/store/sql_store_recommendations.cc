// Recommendations: one engine cycle's output upserted per cluster, then reviewed by people.
#include <nlohmann/json.hpp>

#include <unordered_set>

#include "store/api_key.h"
#include "store/sql_store.h"

namespace cloudoptim::store {
namespace {

constexpr char kRecommendationColumns[] =
    "id, cluster_id, engine, target, actions_json, monthly_savings_micros, confidence, "
    "explanation, status, created_ms, updated_ms";

StoredRecommendation RecommendationFromRow(const SqlRow& row) {
  StoredRecommendation r;
  r.id = row.Text(0);
  r.cluster_id = row.Text(1);
  r.engine = row.Text(2);
  r.target = row.Text(3);
  r.actions_json = row.Text(4);
  r.monthly_savings = Money::FromMicros(row.Int(5));
  r.confidence = row.Double(6);
  r.explanation = row.Text(7);
  r.status = ParseRecommendationStatus(row.Text(8)).value_or(RecommendationStatus::kPending);
  r.created = FromMillis(row.Int(9));
  r.updated = FromMillis(row.Int(10));
  return r;
}

Status ValidateRecommendation(const StoredRecommendation& r) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("recommendation id", r.id));
  CO_RETURN_IF_ERROR(RequireNonEmpty("recommendation " + r.id + " engine", r.engine));
  if (!nlohmann::json::parse(r.actions_json, nullptr, false).is_array()) {
    return InvalidArgument("recommendation " + r.id + " actions_json must be a JSON array");
  }
  if (!(r.confidence >= 0 && r.confidence <= 1)) {
    return InvalidArgument("recommendation " + r.id + " confidence " +
                           std::to_string(r.confidence) + " is outside [0, 1]");
  }
  return Ok();
}

bool TransitionAllowed(RecommendationStatus from, RecommendationStatus to) {
  using S = RecommendationStatus;
  if (from == to) return true;
  if (from == S::kPending) return to == S::kApproved || to == S::kRejected;
  if (from == S::kApproved) return to == S::kApplied || to == S::kRejected;
  return false;
}

}  // namespace

// Why a cycle token: a cycle's output is the complete set of current proposals for the
// cluster, so a pending recommendation that the cycle did not produce is stale. Every row
// the cycle touches is stamped with a fresh random token; pending rows with another token are
// superseded. This needs no variable-length IN list and does not depend on the clock.
Result<UpsertSummary> SqlStore::UpsertRecommendations(
    const std::string& tenant_id, const std::string& cluster_id,
    const std::vector<StoredRecommendation>& recommendations) {
  for (const StoredRecommendation& r : recommendations)
    CO_RETURN_IF_ERROR(ValidateRecommendation(r));
  CO_ASSIGN_OR_RETURN(std::string cycle, RandomHex(8));
  UpsertSummary summary;
  CO_RETURN_IF_ERROR(db_->InTransaction([&]() -> Status {
    CO_RETURN_IF_ERROR(RequireCluster(tenant_id, cluster_id));
    CO_ASSIGN_OR_RETURN(
        SqlRows existing_rows,
        db_->Query("SELECT id FROM recommendations WHERE cluster_id = $1", {cluster_id}));
    std::unordered_set<std::string> existing;
    for (const SqlRow& row : existing_rows) existing.insert(row.Text(0));
    const int64_t now = NowMillis();
    for (const StoredRecommendation& r : recommendations) {
      CO_RETURN_IF_ERROR(db_->Exec(
          "INSERT INTO recommendations (cluster_id, id, tenant_id, engine, target, actions_json, "
          "monthly_savings_micros, confidence, explanation, status, last_cycle, created_ms, "
          "updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $11) "
          "ON CONFLICT (cluster_id, id) DO UPDATE SET engine = excluded.engine, "
          "target = excluded.target, actions_json = excluded.actions_json, "
          "monthly_savings_micros = excluded.monthly_savings_micros, "
          "confidence = excluded.confidence, explanation = excluded.explanation, "
          "status = CASE WHEN recommendations.status = 'superseded' THEN 'pending' "
          "ELSE recommendations.status END, "
          "last_cycle = excluded.last_cycle, updated_ms = excluded.updated_ms",
          {cluster_id, r.id, tenant_id, r.engine, r.target, r.actions_json,
           r.monthly_savings.micros(), r.confidence, r.explanation, cycle, now}));
      if (existing.insert(r.id).second) {
        ++summary.inserted;
      } else {
        ++summary.updated;
      }
    }
    CO_ASSIGN_OR_RETURN(
        int64_t superseded,
        db_->Exec("UPDATE recommendations SET status = 'superseded', updated_ms = $1 "
                  "WHERE tenant_id = $2 AND cluster_id = $3 AND status = 'pending' "
                  "AND last_cycle <> $4",
                  {now, tenant_id, cluster_id, cycle}));
    summary.superseded = static_cast<int>(superseded);
    return Ok();
  }));
  return summary;
}

Result<std::vector<StoredRecommendation>> SqlStore::ListRecommendations(
    const std::string& tenant_id, const RecommendationFilter& filter) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  std::string status =
      filter.status ? std::string(RecommendationStatusName(*filter.status)) : std::string();
  CO_ASSIGN_OR_RETURN(
      SqlRows rows, db_->Query(std::string("SELECT ") + kRecommendationColumns +
                                   " FROM recommendations WHERE tenant_id = $1 "
                                   "AND ($2 = '' OR cluster_id = $2) AND ($3 = '' OR status = $3) "
                                   "AND ($4 = '' OR engine = $4) "
                                   "ORDER BY monthly_savings_micros DESC, cluster_id, id LIMIT $5",
                               {tenant_id, filter.cluster_id, status, filter.engine,
                                int64_t{std::max(filter.limit, 0)}}));
  std::vector<StoredRecommendation> out;
  for (const SqlRow& row : rows) out.push_back(RecommendationFromRow(row));
  return out;
}

Result<StoredRecommendation> SqlStore::GetRecommendation(const std::string& tenant_id,
                                                         const std::string& cluster_id,
                                                         const std::string& id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(std::string("SELECT ") + kRecommendationColumns +
                                                   " FROM recommendations WHERE tenant_id = $1 "
                                                   "AND cluster_id = $2 AND id = $3",
                                               {tenant_id, cluster_id, id}));
  if (rows.empty()) return NotFound("recommendation \"" + id + "\" not found");
  return RecommendationFromRow(rows[0]);
}

Status SqlStore::SetRecommendationStatus(const std::string& tenant_id,
                                         const std::string& cluster_id, const std::string& id,
                                         RecommendationStatus status) {
  return db_->InTransaction([&]() -> Status {
    CO_ASSIGN_OR_RETURN(StoredRecommendation current, GetRecommendation(tenant_id, cluster_id, id));
    if (!TransitionAllowed(current.status, status)) {
      return FailedPrecondition("recommendation \"" + id + "\" is " +
                                std::string(RecommendationStatusName(current.status)) +
                                " and cannot become " +
                                std::string(RecommendationStatusName(status)));
    }
    return StatusOf(db_->Exec(
        "UPDATE recommendations SET status = $1, updated_ms = $2 "
        "WHERE tenant_id = $3 AND cluster_id = $4 AND id = $5",
        {std::string(RecommendationStatusName(status)), NowMillis(), tenant_id, cluster_id, id}));
  });
}

}  // namespace cloudoptim::store
