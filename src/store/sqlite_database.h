// The SQLite backend of SqlDatabase: one file, WAL journal, a busy timeout, prepared
// statements cached per SQL text.
//
//   CO_ASSIGN_OR_RETURN(auto db, SqliteDatabase::Open("/var/lib/cloudoptim/store.db", {}));
//
// Threading: one connection per SqliteDatabase, guarded by a recursive mutex, so a
// transaction holds the connection for its whole duration and other threads wait. Several
// processes may open the same file: WAL lets readers run beside one writer, and a writer that
// finds the file locked waits up to the busy timeout before reporting Unavailable.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/sql_database.h"

namespace cloudoptim::store {

struct SqliteOptions {
  std::chrono::milliseconds busy_timeout{5000};
};

class SqliteDatabase final : public SqlDatabase {
 public:
  // Opens (creating if missing) the database file at `path` (":memory:" for a private
  // in-memory database). Returns InvalidArgument for an empty path and Unavailable when the
  // file cannot be opened or is not a database.
  static Result<std::unique_ptr<SqliteDatabase>> Open(const std::string& path,
                                                      const SqliteOptions& options);
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  Result<Outcome> Run(std::string_view sql, const std::vector<SqlValue>& params) override;
  Status ExecScript(std::string_view sql) override;
  Status InTransaction(const std::function<Status()>& body) override;

 private:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  Result<sqlite3_stmt*> Prepare(std::string_view sql);
  Status Bind(sqlite3_stmt* statement, const std::vector<SqlValue>& params);
  Error LastError(std::string_view context) const;

  std::recursive_mutex mutex_;
  sqlite3* db_ = nullptr;
  int transaction_depth_ = 0;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace cloudoptim::store
