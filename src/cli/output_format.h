// Rows that commands print in the format the user picked with `-o table|json|csv`: an aligned
// text table for people, a JSON array of objects or CSV for programs.
//
//   Table table{.columns = {{"type", "TYPE"}, {"vcpus", "VCPU", ColumnKind::kNumber}}};
//   table.rows.push_back({TextCell("m5.large"), TextCell("2")});
//   WriteTable(table, OutputFormat::kJson, std::cout);   // [{"type": "m5.large", "vcpus": 2}]
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace cloudoptim::cli {

enum class OutputFormat { kTable, kJson, kCsv };
// "table", "json", "csv".
std::optional<OutputFormat> ParseOutputFormat(std::string_view text);

enum class ColumnKind {
  kText,    // JSON string
  kNumber,  // right-aligned in tables, a JSON number
  kList,    // several values: a JSON array, space-separated in CSV
};

struct Column {
  std::string key;    // JSON key and CSV header: "on_demand_usd_per_hour"
  std::string title;  // table header: "ON-DEMAND $/H"
  ColumnKind kind = ColumnKind::kText;
};

// One value. An empty `text` (and no `items`) is a missing value: "-" in tables, null in
// JSON, empty in CSV.
struct Cell {
  std::string text;                // what the table shows (and CSV/JSON for non-list columns)
  std::vector<std::string> items;  // kList columns: the values for JSON and CSV
};

Cell TextCell(std::string text);
Cell MissingCell();
// `table_text` is the short form for tables (zone letters), `items` the full values.
Cell ListCell(std::vector<std::string> items, std::string table_text);

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;  // each row has one cell per column
};

void WriteTable(const Table& table, OutputFormat format, std::ostream& out);

}  // namespace cloudoptim::cli
