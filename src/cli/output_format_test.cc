// The three renderings of a Table: aligned text, JSON with typed values, RFC 4180 CSV.
#include "cli/output_format.h"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cloudoptim::cli {
namespace {

Table Sample() {
  Table table{.columns = {{"type", "TYPE"},
                          {"vcpus", "VCPU", ColumnKind::kNumber},
                          {"price", "$/H", ColumnKind::kNumber},
                          {"note", "NOTE"},
                          {"zones", "ZONES", ColumnKind::kList}}};
  table.rows.push_back({TextCell("m5.large"), TextCell("2"), TextCell("0.0960"),
                        TextCell("says \"hi\", twice"),
                        ListCell({"us-east-1a", "us-east-1b"}, "a b")});
  table.rows.push_back(
      {TextCell("m5.12xlarge"), TextCell("48"), MissingCell(), MissingCell(), ListCell({}, "")});
  return table;
}

std::string Render(OutputFormat format) {
  std::ostringstream out;
  WriteTable(Sample(), format, out);
  return out.str();
}

TEST(OutputFormatTest, TableAlignsColumnsAndRightAlignsNumbers) {
  EXPECT_EQ(Render(OutputFormat::kTable),
            "TYPE         VCPU     $/H  NOTE              ZONES\n"
            "m5.large        2  0.0960  says \"hi\", twice  a b\n"
            "m5.12xlarge    48       -  -                 -\n");
}

TEST(OutputFormatTest, JsonHasNumbersNullsAndArraysInColumnOrder) {
  const std::string text = Render(OutputFormat::kJson);
  const nlohmann::json rows = nlohmann::json::parse(text);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["vcpus"], 2);
  EXPECT_TRUE(rows[0]["vcpus"].is_number_integer());
  EXPECT_DOUBLE_EQ(rows[0]["price"].get<double>(), 0.096);
  EXPECT_EQ(rows[0]["note"], "says \"hi\", twice");
  EXPECT_EQ(rows[0]["zones"], nlohmann::json({"us-east-1a", "us-east-1b"}));
  EXPECT_TRUE(rows[1]["price"].is_null());
  EXPECT_TRUE(rows[1]["note"].is_null());
  EXPECT_EQ(rows[1]["zones"], nlohmann::json::array());
  EXPECT_LT(text.find("\"type\""), text.find("\"vcpus\""));
}

TEST(OutputFormatTest, CsvQuotesFieldsAndJoinsLists) {
  EXPECT_EQ(Render(OutputFormat::kCsv),
            "type,vcpus,price,note,zones\n"
            "m5.large,2,0.0960,\"says \"\"hi\"\", twice\",us-east-1a us-east-1b\n"
            "m5.12xlarge,48,,,\n");
}

TEST(OutputFormatTest, ParsesFormatNames) {
  EXPECT_EQ(ParseOutputFormat("table"), OutputFormat::kTable);
  EXPECT_EQ(ParseOutputFormat("json"), OutputFormat::kJson);
  EXPECT_EQ(ParseOutputFormat("csv"), OutputFormat::kCsv);
  EXPECT_EQ(ParseOutputFormat("yaml"), std::nullopt);
}

}  // namespace
}  // namespace cloudoptim::cli
