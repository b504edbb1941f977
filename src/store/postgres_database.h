// The PostgreSQL backend of SqlDatabase over libpq: one connection from a
// "postgres://user:password@host:port/database" URL, statements prepared once per SQL text
// and executed with bound parameters only.
//
//   CO_ASSIGN_OR_RETURN(auto db, PostgresDatabase::Open("postgres://co:pw@db:5432/co", {}));
//
// Threading: one connection per PostgresDatabase, guarded by a recursive mutex (a transaction
// holds it until it ends). Scale-out runs several processes, each with its own connection;
// a pool is a later optimisation behind the same interface.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/sql_database.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace cloudoptim::store {

struct PostgresOptions {
  std::chrono::seconds connect_timeout{10};
};

class PostgresDatabase final : public SqlDatabase {
 public:
  // Returns InvalidArgument for a URL libpq cannot parse, Unauthenticated when the server
  // rejects the user or password, and Unavailable when the server cannot be reached. Error
  // messages never contain the password.
  static Result<std::unique_ptr<PostgresDatabase>> Open(const std::string& url,
                                                        const PostgresOptions& options);
  ~PostgresDatabase() override;
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  Result<Outcome> Run(std::string_view sql, const std::vector<SqlValue>& params) override;
  Status ExecScript(std::string_view sql) override;
  Status InTransaction(const std::function<Status()>& body) override;

 private:
  explicit PostgresDatabase(PGconn* connection) : connection_(connection) {}
  Result<std::string> Prepare(std::string_view sql, size_t param_count);
  Status Reconnect();

  std::recursive_mutex mutex_;
  PGconn* connection_ = nullptr;
  int transaction_depth_ = 0;
  std::unordered_map<std::string, std::string> statement_names_;  // SQL text -> name
};

}  // namespace cloudoptim::store
