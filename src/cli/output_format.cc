#include "cli/output_format.h"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

namespace cloudoptim::cli {

namespace {

constexpr std::string_view kMissing = "-";

std::string JoinSpace(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : " ") + item;
  return joined;
}

void WriteText(const Table& table, std::ostream& out) {
  std::vector<size_t> widths;
  for (const Column& column : table.columns) widths.push_back(column.title.size());
  for (const std::vector<Cell>& row : table.rows) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].text.empty() ? kMissing.size() : row[i].text.size());
    }
  }
  auto write_row = [&](const auto& text_of) {
    std::string line;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const std::string text = text_of(i);
      const std::string padding(widths[i] - std::min(widths[i], text.size()), ' ');
      const bool right = table.columns[i].kind == ColumnKind::kNumber;
      if (i > 0) line += "  ";
      line += right ? padding + text : text + (i + 1 < table.columns.size() ? padding : "");
    }
    out << line << "\n";
  };
  write_row([&](size_t i) { return table.columns[i].title; });
  for (const std::vector<Cell>& row : table.rows) {
    write_row([&](size_t i) { return row[i].text.empty() ? std::string(kMissing) : row[i].text; });
  }
}

nlohmann::ordered_json JsonValue(const Column& column, const Cell& cell) {
  if (column.kind == ColumnKind::kList) return cell.items;
  if (cell.text.empty()) return nullptr;
  if (column.kind == ColumnKind::kNumber) {
    double number = 0;
    const char* end = cell.text.data() + cell.text.size();
    const auto [parsed_end, error] = std::from_chars(cell.text.data(), end, number);
    if (error == std::errc() && parsed_end == end) {
      int64_t whole = 0;
      const auto [int_end, int_error] = std::from_chars(cell.text.data(), end, whole);
      if (int_error == std::errc() && int_end == end) return whole;
      return number;
    }
  }
  return cell.text;
}

void WriteJson(const Table& table, std::ostream& out) {
  // ordered_json keeps the columns in table order, which is what a reader expects.
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const std::vector<Cell>& row : table.rows) {
    nlohmann::ordered_json object;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      object[table.columns[i].key] = JsonValue(table.columns[i], row[i]);
    }
    rows.push_back(std::move(object));
  }
  out << rows.dump(2) << "\n";
}

// RFC 4180: quote fields holding a comma, quote or line break; double inner quotes.
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void WriteCsv(const Table& table, std::ostream& out) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    out << (i > 0 ? "," : "") << CsvField(table.columns[i].key);
  }
  out << "\n";
  for (const std::vector<Cell>& row : table.rows) {
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const bool list = table.columns[i].kind == ColumnKind::kList;
      out << (i > 0 ? "," : "") << CsvField(list ? JoinSpace(row[i].items) : row[i].text);
    }
    out << "\n";
  }
}

}  // namespace

std::optional<OutputFormat> ParseOutputFormat(std::string_view text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  if (text == "csv") return OutputFormat::kCsv;
  return std::nullopt;
}

Cell TextCell(std::string text) { return Cell{std::move(text), {}}; }
Cell MissingCell() { return Cell{}; }
Cell ListCell(std::vector<std::string> items, std::string table_text) {
  return Cell{std::move(table_text), std::move(items)};
}

void WriteTable(const Table& table, OutputFormat format, std::ostream& out) {
  switch (format) {
    case OutputFormat::kTable:
      WriteText(table, out);
      return;
    case OutputFormat::kJson:
      WriteJson(table, out);
      return;
    case OutputFormat::kCsv:
      WriteCsv(table, out);
      return;
  }
}

}  // namespace cloudoptim::cli
