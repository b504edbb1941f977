#include "store/migrations.h"

#include <chrono>
#include <string>

namespace cloudoptim::store {
namespace {

// Any 64-bit constant unique to this application; every process takes the same one.
constexpr int64_t kMigrationLockId = 0x636c6f75646f7074;  // "cloudopt"

// Times are epoch milliseconds UTC (BIGINT) and money is integer micro-USD everywhere.
// Every tenant-owned table carries tenant_id, and every query of it filters on it.
constexpr char kTenancyAndJournal[] = R"sql(
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_ms BIGINT NOT NULL
);
CREATE TABLE api_keys (
  key_id TEXT PRIMARY KEY,
  tenant_id TEXT REFERENCES tenants(id),
  key_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  description TEXT NOT NULL DEFAULT '',
  created_ms BIGINT NOT NULL,
  revoked_ms BIGINT
);
CREATE TABLE clusters (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  aws_endpoint TEXT NOT NULL DEFAULT '',
  queue_url TEXT NOT NULL DEFAULT '',
  credentials {{blob}} NOT NULL,
  created_ms BIGINT NOT NULL,
  UNIQUE (tenant_id, name)
);
CREATE TABLE cluster_settings (
  cluster_id TEXT PRIMARY KEY REFERENCES clusters(id),
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  mode TEXT NOT NULL CHECK (mode IN ('recommend-only', 'approve', 'autopilot')),
  thresholds_json TEXT NOT NULL DEFAULT '{}',
  kill_switch INTEGER NOT NULL DEFAULT 0,
  updated_ms BIGINT NOT NULL
);
CREATE TABLE recommendations (
  cluster_id TEXT NOT NULL REFERENCES clusters(id),
  id TEXT NOT NULL,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  engine TEXT NOT NULL,
  target TEXT NOT NULL,
  actions_json TEXT NOT NULL,
  monthly_savings_micros BIGINT NOT NULL,
  confidence {{double}} NOT NULL,
  explanation TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('pending', 'approved', 'rejected', 'applied', 'superseded')),
  last_cycle TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (cluster_id, id)
);
CREATE INDEX recommendations_by_tenant ON recommendations (tenant_id, cluster_id, status);
CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  cluster_id TEXT NOT NULL REFERENCES clusters(id),
  recommendation_id TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL
    CHECK (state IN ('pending', 'running', 'done', 'failed', 'rolled_back')),
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE TABLE actions (
  id {{id}},
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  cluster_id TEXT NOT NULL REFERENCES clusters(id),
  plan_id TEXT NOT NULL REFERENCES plans(id),
  step_index INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  state TEXT NOT NULL
    CHECK (state IN ('intent', 'started', 'done', 'failed', 'rolled_back')),
  attempts INTEGER NOT NULL DEFAULT 0,
  result TEXT NOT NULL DEFAULT '',
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX actions_unfinished ON actions (tenant_id, state, plan_id, step_index);
CREATE TABLE audit_log (
  id {{id}},
  tenant_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  reason TEXT NOT NULL,
  at_ms BIGINT NOT NULL
);
CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, at_ms);
CREATE TABLE safety_violations (
  id {{id}},
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  cluster_id TEXT NOT NULL REFERENCES clusters(id),
  plan_id TEXT NOT NULL,
  layer INTEGER NOT NULL,
  measured {{double}} NOT NULL,
  threshold {{double}} NOT NULL,
  detail TEXT NOT NULL,
  at_ms BIGINT NOT NULL
);
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_ms BIGINT NOT NULL,
  acquired_ms BIGINT NOT NULL
);
)sql";

constexpr char kFeedbackAndTimeSeries[] = R"sql(
CREATE TABLE interruption_feedback (
  id {{id}},
  event_id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  cluster_id TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  instance_type TEXT NOT NULL,
  availability_zone TEXT NOT NULL,
  kind TEXT NOT NULL,
  workload_types TEXT NOT NULL,
  at_ms BIGINT NOT NULL
);
CREATE INDEX interruption_feedback_by_pool
  ON interruption_feedback (instance_type, availability_zone, at_ms);
CREATE TABLE risk_score_adjustments (
  instance_type TEXT NOT NULL,
  availability_zone TEXT NOT NULL,
  adjustment {{double}} NOT NULL,
  reason TEXT NOT NULL,
  tenants_affected INTEGER NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (instance_type, availability_zone)
);
CREATE TABLE feedback_learning_stats (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
  observed_instance_hours BIGINT NOT NULL,
  interruptions BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE TABLE proactive_rebalance_jobs (
  id {{id}},
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  cluster_id TEXT NOT NULL,
  instance_type TEXT NOT NULL,
  availability_zone TEXT NOT NULL,
  reason TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'cancelled')),
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE TABLE savings (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  cluster_id TEXT NOT NULL REFERENCES clusters(id),
  at_ms BIGINT NOT NULL,
  realized_micros BIGINT NOT NULL,
  projected_monthly_micros BIGINT NOT NULL,
  PRIMARY KEY (cluster_id, at_ms)
);
CREATE TABLE spot_price_history (
  instance_type TEXT NOT NULL,
  availability_zone TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  price_micros BIGINT NOT NULL,
  interpolated INTEGER NOT NULL DEFAULT 0,
  confidence {{double}} NOT NULL DEFAULT 1,
  PRIMARY KEY (instance_type, availability_zone, at_ms)
);
CREATE TABLE models (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  blob {{blob}} NOT NULL,
  metadata_json TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  PRIMARY KEY (name, version)
);
)sql";

// The tenant-wide recommendations list is ordered by savings with a LIMIT; without this index
// every request sorted all of a tenant's rows (bench/RESULTS.md, core API read latency).
constexpr char kRecommendationsBySavings[] = R"sql(
CREATE INDEX recommendations_by_savings
  ON recommendations (tenant_id, monthly_savings_micros DESC, cluster_id, id);
)sql";

// A cluster may name the launch template and subnets its replacement nodes use; empty means
// "discover them from the cluster's own instances" (execute/launch_discovery.h).
constexpr char kClusterLaunchOverrides[] = R"sql(
ALTER TABLE clusters ADD COLUMN launch_template TEXT NOT NULL DEFAULT '';
ALTER TABLE clusters ADD COLUMN subnet_ids TEXT NOT NULL DEFAULT '';
)sql";

// One row (id = 1) for the whole service: the global kill switch and who set it, why and when.
constexpr char kServiceKillSwitch[] = R"sql(
CREATE TABLE service_kill_switch (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  engaged INTEGER NOT NULL,
  reason TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_ms BIGINT NOT NULL
);
)sql";

constexpr char kUnavailablePools[] = R"sql(
CREATE TABLE unavailable_pools (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  instance_type TEXT NOT NULL,
  availability_zone TEXT NOT NULL,
  capacity TEXT NOT NULL,
  until_ms BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, instance_type, availability_zone, capacity)
);
)sql";

constexpr char kClusterLoopStatus[] = R"sql(
CREATE TABLE cluster_loop_status (
  cluster_id TEXT PRIMARY KEY REFERENCES clusters(id),
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  replica TEXT NOT NULL,
  last_snapshot_ms BIGINT,
  last_cycle_ms BIGINT,
  next_cycle_ms BIGINT,
  cycle_interval_ms BIGINT NOT NULL,
  last_error TEXT NOT NULL,
  updated_ms BIGINT NOT NULL
);
)sql";

// The executor asks for a cluster's open plans on every step (the disruption cap) and the
// execution pass on every cycle: an index keeps that cheap however long the journal grows.
constexpr char kOpenPlansIndex[] = R"sql(
CREATE INDEX plans_by_state ON plans (tenant_id, state, cluster_id, created_ms);
)sql";

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

Status EnsureMigrationsTable(SqlDatabase& db) {
  return db.ExecScript(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "name TEXT NOT NULL, applied_ms BIGINT NOT NULL)");
}

// Applies what is missing. The caller holds the cross-process lock.
Status ApplyMissing(SqlDatabase& db) {
  CO_RETURN_IF_ERROR(EnsureMigrationsTable(db));
  CO_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  const int known = Migrations().back().version;
  if (current > known) {
    return FailedPrecondition("store: database schema version " + std::to_string(current) +
                              " is newer than this binary's " + std::to_string(known) +
                              "; upgrade cloudoptim");
  }
  for (const Migration& migration : Migrations()) {
    if (migration.version <= current) continue;
    Status applied = db.InTransaction([&]() -> Status {
      CO_RETURN_IF_ERROR(db.ExecScript(DialectSql(migration.sql, db.dialect())));
      const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
      return StatusOf(
          db.Exec("INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)",
                  {int64_t{migration.version}, migration.name, now_ms}));
    });
    if (!applied) {
      return std::unexpected(Annotate(
          applied.error(),
          "store: migration " + std::to_string(migration.version) + " (" + migration.name + ")"));
    }
  }
  return Ok();
}

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> migrations = {
      {1, "tenancy_and_journal", kTenancyAndJournal},
      {2, "feedback_and_time_series", kFeedbackAndTimeSeries},
      {3, "recommendations_by_savings", kRecommendationsBySavings},
      {4, "cluster_launch_overrides", kClusterLaunchOverrides},
      {5, "service_kill_switch", kServiceKillSwitch},
      {6, "unavailable_pools", kUnavailablePools},
      {7, "cluster_loop_status", kClusterLoopStatus},
      {8, "open_plans_index", kOpenPlansIndex},
  };
  return migrations;
}

std::string DialectSql(std::string_view sql, SqlDialect dialect) {
  std::string out(sql);
  const bool postgres = dialect == SqlDialect::kPostgres;
  ReplaceAll(out, "{{id}}",
             postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  ReplaceAll(out, "{{blob}}", postgres ? "BYTEA" : "BLOB");
  ReplaceAll(out, "{{double}}", postgres ? "DOUBLE PRECISION" : "REAL");
  return out;
}

Result<int> SchemaVersion(SqlDatabase& db) {
  CO_RETURN_IF_ERROR(EnsureMigrationsTable(db));
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}));
  return rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
}

Status ApplyMigrations(SqlDatabase& db) {
  if (db.dialect() == SqlDialect::kSqlite) {
    return db.InTransaction([&] { return ApplyMissing(db); });
  }
  CO_RETURN_IF_ERROR(db.Query("SELECT pg_advisory_lock($1)", {kMigrationLockId}));
  Status status = ApplyMissing(db);
  Status unlock = StatusOf(db.Query("SELECT pg_advisory_unlock($1)", {kMigrationLockId}));
  if (!status) return status;
  return unlock;
}

}  // namespace cloudoptim::store
