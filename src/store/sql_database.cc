#include "store/sql_database.h"

#include <charconv>

namespace cloudoptim::store {
namespace {

// Every alternative of SqlValue as text, which is what PostgreSQL sends back anyway.
struct TextVisitor {
  std::string operator()(SqlNull) const { return ""; }
  std::string operator()(int64_t v) const { return std::to_string(v); }
  std::string operator()(double v) const {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    return ec == std::errc() ? std::string(buffer, end) : std::string();
  }
  std::string operator()(const std::string& v) const { return v; }
  std::string operator()(const SqlBlob& v) const { return v.bytes; }
};

}  // namespace

bool SqlRow::IsNull(size_t column) const {
  return column >= values_.size() || std::holds_alternative<SqlNull>(values_[column]);
}

int64_t SqlRow::Int(size_t column) const {
  if (column >= values_.size()) return 0;
  const SqlValue& v = values_[column];
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  std::string text = std::visit(TextVisitor{}, v);
  int64_t out = 0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

double SqlRow::Double(size_t column) const {
  if (column >= values_.size()) return 0;
  const SqlValue& v = values_[column];
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  std::string text = std::visit(TextVisitor{}, v);
  double out = 0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

std::string SqlRow::Text(size_t column) const {
  if (column >= values_.size()) return "";
  return std::visit(TextVisitor{}, values_[column]);
}

std::string SqlRow::Blob(size_t column) const { return Text(column); }

Result<SqlRows> SqlDatabase::Query(std::string_view sql, const std::vector<SqlValue>& params) {
  CO_ASSIGN_OR_RETURN(Outcome outcome, Run(sql, params));
  return std::move(outcome.rows);
}

Result<int64_t> SqlDatabase::Exec(std::string_view sql, const std::vector<SqlValue>& params) {
  CO_ASSIGN_OR_RETURN(Outcome outcome, Run(sql, params));
  return outcome.rows_changed;
}

Status SqlDatabase::RunTransaction(int& depth, const std::function<Status()>& begin,
                                   const std::function<Status()>& body) {
  if (depth > 0) {
    ++depth;
    Status status = body();
    --depth;
    return status;
  }
  CO_RETURN_IF_ERROR(begin());
  depth = 1;
  Status status = body();
  depth = 0;
  if (!status) {
    (void)ExecScript("ROLLBACK");
    return status;
  }
  Status commit = ExecScript("COMMIT");
  if (!commit) (void)ExecScript("ROLLBACK");
  return commit;
}

}  // namespace cloudoptim::store
