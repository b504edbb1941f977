#include "store/postgres_database.h"

#include <libpq-fe.h>

#include <cstring>

namespace cloudoptim::store {
namespace {

constexpr Oid kByteaOid = 17;

// SQLSTATE classes (PostgreSQL appendix A) onto the canonical codes of SqlDatabase's contract.
ErrorCode CodeForSqlState(std::string_view state) {
  if (state == "23505") return ErrorCode::kAlreadyExists;       // unique_violation
  if (state == "23503") return ErrorCode::kFailedPrecondition;  // foreign_key_violation
  if (state == "40001" || state == "40P01") return ErrorCode::kAborted;
  if (state.starts_with("23") || state.starts_with("22")) return ErrorCode::kInvalidArgument;
  if (state.starts_with("08") || state.starts_with("57P")) return ErrorCode::kUnavailable;
  if (state == "28P01" || state == "28000") return ErrorCode::kUnauthenticated;
  return ErrorCode::kInternal;
}

std::string Trimmed(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

Error ResultError(PGconn* connection, const PGresult* result, std::string_view context) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  ErrorCode code = state ? CodeForSqlState(state)
                         : (PQstatus(connection) == CONNECTION_BAD ? ErrorCode::kUnavailable
                                                                   : ErrorCode::kInternal);
  std::string message = result ? Trimmed(PQresultErrorMessage(result)) : "";
  if (message.empty()) message = Trimmed(PQerrorMessage(connection));
  return Error{code, "postgres: " + std::string(context) + ": " + message};
}

// Owns a PGresult.
struct ResultHolder {
  PGresult* result;
  ~ResultHolder() { PQclear(result); }
};

// PostgreSQL's text form of bytea is "\x" followed by hex digits.
std::string DecodeBytea(const char* text, int length) {
  std::string out;
  if (length < 2 || text[0] != '\\' || text[1] != 'x') return std::string(text, length);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
  };
  out.reserve(static_cast<size_t>(length - 2) / 2);
  for (int i = 2; i + 1 < length; i += 2) {
    out.push_back(static_cast<char>(nibble(text[i]) * 16 + nibble(text[i + 1])));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(const std::string& url,
                                                                 const PostgresOptions& options) {
  if (!url.starts_with("postgres://") && !url.starts_with("postgresql://")) {
    return InvalidArgument("postgres: URL must start with postgres:// (got a URL with scheme \"" +
                           url.substr(0, url.find(':')) + "\")");
  }
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string reason = Trimmed(parse_error);
    PQfreemem(parse_error);
    return InvalidArgument("postgres: cannot parse connection URL: " + reason);
  }
  PQconninfoFree(parsed);
  const std::string timeout = std::to_string(options.connect_timeout.count());
  const char* keywords[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {url.c_str(), timeout.c_str(), "cloudoptim", nullptr};
  PGconn* connection = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  std::unique_ptr<PostgresDatabase> db(new PostgresDatabase(connection));
  if (connection == nullptr) return Internal("postgres: out of memory connecting");
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string reason = Trimmed(PQerrorMessage(connection));
    if (reason.find("password authentication failed") != std::string::npos ||
        reason.find("no password supplied") != std::string::npos ||
        (reason.find("role") != std::string::npos &&
         reason.find("does not exist") != std::string::npos)) {
      return Unauthenticated("postgres: server rejected the credentials: " + reason);
    }
    if (reason.find("database") != std::string::npos &&
        reason.find("does not exist") != std::string::npos) {
      return NotFound("postgres: " + reason);
    }
    return Unavailable("postgres: cannot connect: " + reason);
  }
  // Notices ("relation already exists, skipping") are expected and not worth a log line.
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);
  // Timestamps are epoch milliseconds computed by the client, but the session stays UTC
  // so that anything the server formats agrees with them.
  CO_RETURN_IF_ERROR(db->ExecScript("SET TIME ZONE 'UTC'"));
  return db;
}

PostgresDatabase::~PostgresDatabase() {
  if (connection_ != nullptr) PQfinish(connection_);
}

// A connection that broke outside a transaction is re-established once; the prepared
// statements died with it. Inside a transaction the caller must see the failure.
Status PostgresDatabase::Reconnect() {
  if (PQstatus(connection_) == CONNECTION_OK || transaction_depth_ > 0) return Ok();
  PQreset(connection_);
  statement_names_.clear();
  if (PQstatus(connection_) != CONNECTION_OK) {
    return Unavailable("postgres: connection lost: " + Trimmed(PQerrorMessage(connection_)));
  }
  return ExecScript("SET TIME ZONE 'UTC'");
}

Result<std::string> PostgresDatabase::Prepare(std::string_view sql, size_t param_count) {
  std::string key(sql);
  if (auto it = statement_names_.find(key); it != statement_names_.end()) return it->second;
  std::string name = "co_" + std::to_string(statement_names_.size() + 1);
  ResultHolder prepared{
      PQprepare(connection_, name.c_str(), key.c_str(), static_cast<int>(param_count), nullptr)};
  if (PQresultStatus(prepared.result) != PGRES_COMMAND_OK) {
    return std::unexpected(ResultError(connection_, prepared.result, "preparing \"" + key + "\""));
  }
  statement_names_.emplace(std::move(key), name);
  return name;
}

Result<SqlDatabase::Outcome> PostgresDatabase::Run(std::string_view sql,
                                                   const std::vector<SqlValue>& params) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Reconnect());
  CO_ASSIGN_OR_RETURN(std::string name, Prepare(sql, params.size()));
  // Text format for everything except blobs, which go binary so no escaping is involved.
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<int> lengths(params.size(), 0);
  std::vector<int> formats(params.size(), 0);
  for (size_t i = 0; i < params.size(); ++i) {
    const SqlValue& v = params[i];
    if (std::holds_alternative<SqlNull>(v)) continue;
    if (const auto* blob = std::get_if<SqlBlob>(&v)) {
      texts[i] = blob->bytes;
      formats[i] = 1;
    } else {
      texts[i] = SqlRow({v}).Text(0);
    }
    values[i] = texts[i].data();
    lengths[i] = static_cast<int>(texts[i].size());
  }
  ResultHolder result{PQexecPrepared(connection_, name.c_str(), static_cast<int>(params.size()),
                                     values.data(), lengths.data(), formats.data(), 0)};
  ExecStatusType status = PQresultStatus(result.result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return std::unexpected(ResultError(connection_, result.result, "running statement"));
  }
  Outcome outcome;
  const int rows = PQntuples(result.result);
  const int columns = PQnfields(result.result);
  outcome.rows.reserve(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    std::vector<SqlValue> row;
    row.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result.result, r, c)) {
        row.emplace_back(SqlNull{});
        continue;
      }
      const char* text = PQgetvalue(result.result, r, c);
      int length = PQgetlength(result.result, r, c);
      if (PQftype(result.result, c) == kByteaOid) {
        row.emplace_back(SqlBlob{DecodeBytea(text, length)});
      } else {
        row.emplace_back(std::string(text, static_cast<size_t>(length)));
      }
    }
    outcome.rows.emplace_back(std::move(row));
  }
  const char* changed = PQcmdTuples(result.result);
  outcome.rows_changed = (changed && *changed) ? std::stoll(changed) : 0;
  return outcome;
}

Status PostgresDatabase::ExecScript(std::string_view sql) {
  std::lock_guard lock(mutex_);
  ResultHolder result{PQexec(connection_, std::string(sql).c_str())};
  ExecStatusType status = PQresultStatus(result.result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return std::unexpected(ResultError(connection_, result.result, "script"));
  }
  return Ok();
}

Status PostgresDatabase::InTransaction(const std::function<Status()>& body) {
  std::lock_guard lock(mutex_);
  return RunTransaction(
      transaction_depth_,
      [this]() -> Status {
        CO_RETURN_IF_ERROR(Reconnect());
        return ExecScript("BEGIN");
      },
      body);
}

}  // namespace cloudoptim::store
