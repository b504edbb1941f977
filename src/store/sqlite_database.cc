#include "store/sqlite_database.h"

#include <algorithm>
#include <string>
#include <thread>

namespace cloudoptim::store {
namespace {

// The longest pause between two attempts to take a lock SQLite refused at once.
constexpr std::chrono::milliseconds kMaxBusyPause{100};

// Maps SQLite's extended result codes onto the canonical codes of SqlDatabase's contract.
ErrorCode CodeFor(int extended_code) {
  switch (extended_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return ErrorCode::kAlreadyExists;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return ErrorCode::kFailedPrecondition;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      return ErrorCode::kInvalidArgument;
    default:
      break;
  }
  switch (extended_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
      return ErrorCode::kUnavailable;
    case SQLITE_CORRUPT:
      return ErrorCode::kDataLoss;
    default:
      return ErrorCode::kInternal;
  }
}

}  // namespace

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path,
                                                             const SqliteOptions& options) {
  if (path.empty()) return InvalidArgument("sqlite: database path is empty");
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(raw));
  if (rc != SQLITE_OK) {
    return Unavailable("sqlite: cannot open \"" + path + "\": " + sqlite3_errstr(rc));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(options.busy_timeout.count()));
  // WAL: readers do not block the writer; NORMAL sync is durable across process crashes
  // (only an OS crash may lose the last transactions), which suits a journal that is replayed.
  // The first statement also reads the header, so a file that is not a database fails here.
  // Switching a fresh file to WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY at
  // once (without the busy handler) to a connection that loses that race: several processes
  // opening a new database together. Retried within the busy timeout, like any other lock.
  const auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;
  Status setup;
  for (std::chrono::milliseconds pause{5};; pause = std::min(pause * 2, kMaxBusyPause)) {
    setup = db->ExecScript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    if (setup || (sqlite3_extended_errcode(raw) & 0xff) != SQLITE_BUSY ||
        std::chrono::steady_clock::now() + pause > deadline) {
      break;
    }
    std::this_thread::sleep_for(pause);
  }
  if (!setup) return std::unexpected(Annotate(setup.error(), "sqlite: opening \"" + path + "\""));
  return db;
}

SqliteDatabase::~SqliteDatabase() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close_v2(db_);
}

Error SqliteDatabase::LastError(std::string_view context) const {
  return Error{CodeFor(sqlite3_extended_errcode(db_)),
               "sqlite: " + std::string(context) + ": " + sqlite3_errmsg(db_)};
}

Result<sqlite3_stmt*> SqliteDatabase::Prepare(std::string_view sql) {
  std::string key(sql);
  if (auto it = statements_.find(key); it != statements_.end()) return it->second;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT,
                         &statement, nullptr) != SQLITE_OK) {
    return std::unexpected(LastError("preparing \"" + key + "\""));
  }
  statements_.emplace(std::move(key), statement);
  return statement;
}

// Parameters are named "$1", "$2", ... in the SQL text (PostgreSQL's spelling); SQLite numbers
// them by first appearance, so each is looked up by name rather than assumed to be in order.
Status SqliteDatabase::Bind(sqlite3_stmt* statement, const std::vector<SqlValue>& params) {
  if (sqlite3_bind_parameter_count(statement) != static_cast<int>(params.size())) {
    return Internal("sqlite: statement has " +
                    std::to_string(sqlite3_bind_parameter_count(statement)) +
                    " parameters, given " + std::to_string(params.size()));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    std::string name = "$" + std::to_string(i + 1);
    int index = sqlite3_bind_parameter_index(statement, name.c_str());
    if (index == 0) return Internal("sqlite: parameter " + name + " not used in statement");
    const SqlValue& v = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<SqlNull>(v)) {
      rc = sqlite3_bind_null(statement, index);
    } else if (const auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(statement, index, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(statement, index, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text64(statement, index, s->data(), s->size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
    } else {
      const std::string& bytes = std::get<SqlBlob>(v).bytes;
      rc = sqlite3_bind_blob64(statement, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) return std::unexpected(LastError("binding " + name));
  }
  return Ok();
}

namespace {

SqlValue ColumnValue(sqlite3_stmt* statement, int column) {
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(statement, column));
    case SQLITE_FLOAT:
      return sqlite3_column_double(statement, column);
    case SQLITE_TEXT:
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement, column)),
                         sqlite3_column_bytes(statement, column));
    case SQLITE_BLOB: {
      const void* data = sqlite3_column_blob(statement, column);
      int size = sqlite3_column_bytes(statement, column);
      return SqlBlob{data == nullptr
                         ? std::string()
                         : std::string(static_cast<const char*>(data), static_cast<size_t>(size))};
    }
    default:
      return SqlNull{};
  }
}

// Resets a cached statement however the function using it returns.
struct StatementReset {
  sqlite3_stmt* statement;
  ~StatementReset() {
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
  }
};

}  // namespace

Result<SqlDatabase::Outcome> SqliteDatabase::Run(std::string_view sql,
                                                 const std::vector<SqlValue>& params) {
  std::lock_guard lock(mutex_);
  CO_ASSIGN_OR_RETURN(sqlite3_stmt * statement, Prepare(sql));
  StatementReset reset{statement};
  CO_RETURN_IF_ERROR(Bind(statement, params));
  Outcome outcome;
  const int columns = sqlite3_column_count(statement);
  while (true) {
    int rc = sqlite3_step(statement);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return std::unexpected(LastError("running \"" + std::string(sql) + "\""));
    std::vector<SqlValue> values;
    values.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) values.push_back(ColumnValue(statement, c));
    outcome.rows.emplace_back(std::move(values));
  }
  outcome.rows_changed = sqlite3_changes64(db_);
  return outcome;
}

Status SqliteDatabase::ExecScript(std::string_view sql) {
  std::lock_guard lock(mutex_);
  char* message = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    Error error = LastError("script");
    sqlite3_free(message);
    return std::unexpected(std::move(error));
  }
  return Ok();
}

// BEGIN IMMEDIATE takes the write lock at the start, so two processes that both read and then
// write cannot deadlock half-way (the second waits for the busy timeout instead).
Status SqliteDatabase::InTransaction(const std::function<Status()>& body) {
  std::lock_guard lock(mutex_);
  return RunTransaction(
      transaction_depth_, [this] { return ExecScript("BEGIN IMMEDIATE"); }, body);
}

}  // namespace cloudoptim::store
