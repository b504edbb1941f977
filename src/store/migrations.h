// Versioned schema migrations, written once for SQLite and PostgreSQL, applied when a store
// opens. The applied versions are rows of schema_migrations.
//
//   CO_RETURN_IF_ERROR(ApplyMigrations(db));   // idempotent; safe from two processes at once
#pragma once

#include <string>
#include <vector>

#include "store/sql_database.h"

namespace cloudoptim::store {

struct Migration {
  int version = 0;   // 1, 2, 3 ... never reused, never edited once released
  std::string name;  // "tenancy_and_journal"
  std::string sql;   // statements with the dialect placeholders of DialectSql()
};

// The migrations of this binary, in version order.
const std::vector<Migration>& Migrations();

// The few spellings that differ between the dialects, substituted into a migration's text:
// {{id}} an auto-increment primary key, {{blob}} a byte string, {{double}} a float column.
std::string DialectSql(std::string_view sql, SqlDialect dialect);

// Applies every migration not yet recorded, each in its own transaction. Two processes
// opening at once serialise: PostgreSQL through a session advisory lock, SQLite through its
// write lock (BEGIN IMMEDIATE) — the second waits and then finds nothing to do. Returns
// FailedPrecondition when the database holds a version newer than this binary knows (an
// older binary must not write to a newer schema).
Status ApplyMigrations(SqlDatabase& db);

// The highest applied version, 0 for an empty database.
Result<int> SchemaVersion(SqlDatabase& db);

}  // namespace cloudoptim::store
