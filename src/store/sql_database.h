// A minimal SQL connection behind one interface, so the store's queries are written once and
// run on SQLite and PostgreSQL. Statements use PostgreSQL-style numbered placeholders ($1, $2);
// values are always bound, never spliced into the SQL text.
//
//   CO_ASSIGN_OR_RETURN(SqlRows rows, db.Query("SELECT name FROM tenants WHERE id = $1", {id}));
//   for (const SqlRow& row : rows) names.push_back(row.Text(0));
//   CO_RETURN_IF_ERROR(db.InTransaction([&]() -> Status { ... }));
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.h"

namespace cloudoptim::store {

enum class SqlDialect { kSqlite, kPostgres };

// Bytes that are stored as BLOB (SQLite) or BYTEA (PostgreSQL), never as text.
struct SqlBlob {
  std::string bytes;
};
struct SqlNull {};

// A bound parameter or a column value.
using SqlValue = std::variant<SqlNull, int64_t, double, std::string, SqlBlob>;

// One result row. Accessors convert between the backends' representations (PostgreSQL
// returns text for every column) so the repository code reads the same on both.
class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlValue> values) : values_(std::move(values)) {}
  bool IsNull(size_t column) const;
  int64_t Int(size_t column) const;  // 0 for NULL or text that is not a number
  double Double(size_t column) const;
  std::string Text(size_t column) const;  // "" for NULL
  std::string Blob(size_t column) const;
  size_t size() const { return values_.size(); }

 private:
  std::vector<SqlValue> values_;
};
using SqlRows = std::vector<SqlRow>;

// Failure contract for every method: a constraint violation (UNIQUE, PRIMARY KEY) is
// AlreadyExists; a lost connection or a lock not obtained within the busy timeout is
// Unavailable (retryable); a serialization failure or deadlock is Aborted (retry the
// transaction); anything else the server reports is Internal with its message.
class SqlDatabase {
 public:
  virtual ~SqlDatabase() = default;
  virtual SqlDialect dialect() const = 0;

  struct Outcome {
    SqlRows rows;              // empty for statements without RETURNING
    int64_t rows_changed = 0;  // for INSERT, UPDATE, DELETE
  };
  // Runs one statement with bound parameters.
  virtual Result<Outcome> Run(std::string_view sql, const std::vector<SqlValue>& params) = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;

  // Runs `body` inside one transaction on this thread's connection; commits when it returns
  // Ok, rolls back otherwise (and returns the body's error). Nested calls join the outer
  // transaction. Other threads wait until it ends.
  virtual Status InTransaction(const std::function<Status()>& body) = 0;

  // Run() for the rows only.
  Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params);
  // Run() for the number of rows changed only.
  Result<int64_t> Exec(std::string_view sql, const std::vector<SqlValue>& params);

 protected:
  // The nesting and commit/rollback rules every backend's InTransaction shares; the caller
  // holds its connection lock. The outermost call runs `begin`, then `body`, then COMMIT —
  // ROLLBACK when the body or the commit fails; nested calls only run the body.
  Status RunTransaction(int& depth, const std::function<Status()>& begin,
                        const std::function<Status()>& body);
};

// The status of a Result whose value is not needed (g++ 12 has no std::expected::transform).
template <typename T>
Status StatusOf(const Result<T>& result) {
  if (!result) return std::unexpected(result.error());
  return Ok();
}

}  // namespace cloudoptim::store
