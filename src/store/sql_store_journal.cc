// Plans and the executor's action journal (write-ahead: intent before the step runs).
#include "store/sql_store.h"

namespace cloudoptim::store {
namespace {

constexpr char kEntryColumns[] =
    "id, plan_id, cluster_id, step_index, idempotency_key, kind, target, state, attempts, "
    "result, created_ms, updated_ms, tenant_id";

JournalEntry EntryFromRow(const SqlRow& row) {
  JournalEntry e;
  e.id = row.Int(0);
  e.plan_id = row.Text(1);
  e.cluster_id = row.Text(2);
  e.step_index = static_cast<int>(row.Int(3));
  e.idempotency_key = row.Text(4);
  e.kind = row.Text(5);
  e.target = row.Text(6);
  e.state = ParseActionState(row.Text(7)).value_or(ActionState::kFailed);
  e.attempts = static_cast<int>(row.Int(8));
  e.result = row.Text(9);
  e.created = FromMillis(row.Int(10));
  e.updated = FromMillis(row.Int(11));
  return e;
}

constexpr char kPlanColumns[] =
    "id, cluster_id, recommendation_id, description, state, created_ms, updated_ms";

Plan PlanFromRow(const SqlRow& row) {
  Plan p;
  p.id = row.Text(0);
  p.cluster_id = row.Text(1);
  p.recommendation_id = row.Text(2);
  p.description = row.Text(3);
  std::string state = row.Text(4);
  for (PlanState s : {PlanState::kPending, PlanState::kRunning, PlanState::kDone,
                      PlanState::kFailed, PlanState::kRolledBack}) {
    if (PlanStateName(s) == state) p.state = s;
  }
  p.created = FromMillis(row.Int(5));
  p.updated = FromMillis(row.Int(6));
  return p;
}

std::string StateText(ActionState s) { return std::string(ActionStateName(s)); }

}  // namespace

Result<Plan> SqlStore::CreatePlan(const std::string& tenant_id, const Plan& plan) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("plan id", plan.id));
  CO_RETURN_IF_ERROR(RequireCluster(tenant_id, plan.cluster_id));
  Plan stored = plan;
  stored.created = stored.updated = FromMillis(NowMillis());
  auto inserted = db_->Exec(
      "INSERT INTO plans (id, tenant_id, cluster_id, recommendation_id, description, state, "
      "created_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
      {plan.id, tenant_id, plan.cluster_id, plan.recommendation_id, plan.description,
       std::string(PlanStateName(plan.state)), ToMillis(stored.created)});
  if (!inserted && IsAlreadyExists(inserted.error())) {
    return AlreadyExists("plan \"" + plan.id + "\" already exists");
  }
  CO_RETURN_IF_ERROR(inserted);
  return stored;
}

Result<Plan> SqlStore::GetPlan(const std::string& tenant_id, const std::string& plan_id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(std::string("SELECT ") + kPlanColumns +
                                                   " FROM plans WHERE tenant_id = $1 AND id = $2",
                                               {tenant_id, plan_id}));
  if (rows.empty()) return NotFound("plan \"" + plan_id + "\" not found");
  return PlanFromRow(rows[0]);
}

Status SqlStore::SetPlanState(const std::string& tenant_id, const std::string& plan_id,
                              PlanState state) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(int64_t changed, db_->Exec("UPDATE plans SET state = $1, updated_ms = $2 "
                                                 "WHERE tenant_id = $3 AND id = $4",
                                                 {std::string(PlanStateName(state)), NowMillis(),
                                                  tenant_id, plan_id}));
  if (changed == 0) return NotFound("plan \"" + plan_id + "\" not found");
  return Ok();
}

// The insert does nothing when the key exists (ON CONFLICT DO NOTHING), which is atomic on
// both backends even when two executors race on the same key: exactly one inserts, the other
// reads the winner's row. No step can therefore be journaled — and run — twice.
Result<IntentOutcome> SqlStore::RecordIntent(const std::string& tenant_id,
                                             const IntentRequest& request) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("idempotency key", request.idempotency_key));
  CO_RETURN_IF_ERROR(RequireNonEmpty("action kind", request.kind));
  CO_ASSIGN_OR_RETURN(Plan plan, GetPlan(tenant_id, request.plan_id));
  if (plan.cluster_id != request.cluster_id) {
    return InvalidArgument("intent cluster \"" + request.cluster_id + "\" is not plan \"" +
                           plan.id + "\"'s cluster");
  }
  const int64_t now = NowMillis();
  CO_ASSIGN_OR_RETURN(
      SqlRows inserted,
      db_->Query("INSERT INTO actions (tenant_id, cluster_id, plan_id, step_index, "
                 "idempotency_key, kind, target, state, attempts, result, created_ms, updated_ms) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, 'intent', 0, '', $8, $8) "
                 "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
                 {tenant_id, request.cluster_id, request.plan_id, int64_t{request.step_index},
                  request.idempotency_key, request.kind, request.target, now}));
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(std::string("SELECT ") + kEntryColumns +
                                                   " FROM actions WHERE idempotency_key = $1",
                                               {request.idempotency_key}));
  if (rows.empty()) return Internal("journal: intent row vanished after insert");
  if (rows[0].Text(12) != tenant_id) {
    return AlreadyExists("idempotency key \"" + request.idempotency_key + "\" is taken");
  }
  IntentOutcome outcome{EntryFromRow(rows[0]), !inserted.empty()};
  if (!outcome.created && (outcome.entry.plan_id != request.plan_id ||
                           outcome.entry.step_index != request.step_index)) {
    return FailedPrecondition("idempotency key \"" + request.idempotency_key +
                              "\" was journaled for plan \"" + outcome.entry.plan_id + "\" step " +
                              std::to_string(outcome.entry.step_index));
  }
  return outcome;
}

Result<JournalEntry> SqlStore::GetEntry(const std::string& tenant_id, int64_t entry_id) {
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(std::string("SELECT ") + kEntryColumns +
                                                   " FROM actions WHERE tenant_id = $1 AND id = $2",
                                               {tenant_id, entry_id}));
  if (rows.empty()) return NotFound("journal entry " + std::to_string(entry_id) + " not found");
  return EntryFromRow(rows[0]);
}

// A compare-and-set on the state column: the UPDATE matches only from an allowed state, so
// two processes cannot both move the same entry. When nothing matched, a re-read tells
// NotFound (not this tenant's) from a forbidden transition; repeating the transition that
// already happened (done -> done) is reported as success so a retried call is harmless.
Result<JournalEntry> SqlStore::Transition(const std::string& tenant_id, int64_t entry_id,
                                          ActionState to, std::initializer_list<ActionState> from,
                                          int attempts_added, const std::string& result) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  std::vector<std::string> allowed;
  for (ActionState s : from) allowed.push_back(StateText(s));
  while (allowed.size() < 4) allowed.push_back(allowed.back());
  CO_ASSIGN_OR_RETURN(
      int64_t changed,
      db_->Exec("UPDATE actions SET state = $1, attempts = attempts + $2, "
                "result = CASE WHEN $3 = '' THEN result ELSE $3 END, updated_ms = $4 "
                "WHERE tenant_id = $5 AND id = $6 AND state IN ($7, $8, $9, $10)",
                {StateText(to), int64_t{attempts_added}, result, NowMillis(), tenant_id, entry_id,
                 allowed[0], allowed[1], allowed[2], allowed[3]}));
  CO_ASSIGN_OR_RETURN(JournalEntry entry, GetEntry(tenant_id, entry_id));
  if (changed == 0 && entry.state != to) {
    return FailedPrecondition("journal entry " + std::to_string(entry_id) + " is " +
                              StateText(entry.state) + " and cannot become " + StateText(to));
  }
  return entry;
}

Result<JournalEntry> SqlStore::MarkStarted(const std::string& tenant_id, int64_t entry_id) {
  return Transition(tenant_id, entry_id, ActionState::kStarted,
                    {ActionState::kIntent, ActionState::kStarted}, 1, "");
}

Result<JournalEntry> SqlStore::MarkDone(const std::string& tenant_id, int64_t entry_id,
                                        const std::string& result) {
  return Transition(tenant_id, entry_id, ActionState::kDone, {ActionState::kStarted}, 0, result);
}

Result<JournalEntry> SqlStore::MarkFailed(const std::string& tenant_id, int64_t entry_id,
                                          const std::string& reason) {
  return Transition(tenant_id, entry_id, ActionState::kFailed,
                    {ActionState::kIntent, ActionState::kStarted}, 0, reason);
}

Result<JournalEntry> SqlStore::MarkRolledBack(const std::string& tenant_id, int64_t entry_id,
                                              const std::string& reason) {
  return Transition(
      tenant_id, entry_id, ActionState::kRolledBack,
      {ActionState::kIntent, ActionState::kStarted, ActionState::kDone, ActionState::kFailed}, 0,
      reason);
}

Result<std::vector<JournalEntry>> SqlStore::ListUnfinished(const std::string& tenant_id,
                                                           const std::string& cluster_id,
                                                           const std::string& plan_id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  if (cluster_id.empty() && plan_id.empty()) {
    return InvalidArgument("ListUnfinished needs a cluster id or a plan id");
  }
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query(std::string("SELECT ") + kEntryColumns +
                     " FROM actions WHERE tenant_id = $1 AND state IN ('intent', 'started') "
                     "AND ($2 = '' OR cluster_id = $2) AND ($3 = '' OR plan_id = $3) "
                     "ORDER BY plan_id, step_index, id",
                 {tenant_id, cluster_id, plan_id}));
  std::vector<JournalEntry> entries;
  for (const SqlRow& row : rows) entries.push_back(EntryFromRow(row));
  return entries;
}

Result<std::vector<JournalEntry>> SqlStore::ListPlanEntries(const std::string& tenant_id,
                                                            const std::string& plan_id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query(std::string("SELECT ") + kEntryColumns +
                                     " FROM actions WHERE tenant_id = $1 AND plan_id = $2 "
                                     "ORDER BY step_index, id",
                                 {tenant_id, plan_id}));
  std::vector<JournalEntry> entries;
  for (const SqlRow& row : rows) entries.push_back(EntryFromRow(row));
  return entries;
}

Result<std::vector<Plan>> SqlStore::ListPlans(const std::string& tenant_id,
                                              const std::string& cluster_id, int limit) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query(std::string("SELECT ") + kPlanColumns +
                                     " FROM plans WHERE tenant_id = $1 AND ($2 = '' OR "
                                     "cluster_id = $2) ORDER BY created_ms DESC, id LIMIT $3",
                                 {tenant_id, cluster_id, int64_t{std::max(limit, 0)}}));
  std::vector<Plan> plans;
  for (const SqlRow& row : rows) plans.push_back(PlanFromRow(row));
  return plans;
}

Result<std::vector<Plan>> SqlStore::ListOpenPlans(const std::string& tenant_id,
                                                  const std::string& cluster_id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query(std::string("SELECT ") + kPlanColumns +
                                     " FROM plans WHERE tenant_id = $1 AND ($2 = '' OR "
                                     "cluster_id = $2) AND state IN ('pending', 'running', "
                                     "'failed') ORDER BY created_ms, id",
                                 {tenant_id, cluster_id}));
  std::vector<Plan> plans;
  for (const SqlRow& row : rows) plans.push_back(PlanFromRow(row));
  return plans;
}

Result<std::vector<JournalEntry>> SqlStore::ListRecentActions(const std::string& tenant_id,
                                                              const std::string& cluster_id,
                                                              int limit) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query(std::string("SELECT ") + kEntryColumns +
                                     " FROM actions WHERE tenant_id = $1 AND ($2 = '' OR "
                                     "cluster_id = $2) ORDER BY updated_ms DESC, id DESC LIMIT $3",
                                 {tenant_id, cluster_id, int64_t{std::max(limit, 0)}}));
  std::vector<JournalEntry> entries;
  for (const SqlRow& row : rows) entries.push_back(EntryFromRow(row));
  return entries;
}

}  // namespace cloudoptim::store
