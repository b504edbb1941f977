// `cloudoptim catalog` as a user runs it: the README's acceptance commands, the three output
// formats, and the errors for unknown regions, types and data directories.
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.h"

namespace cloudoptim {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunCommand;

CommandResult Catalog(std::vector<std::string> flags,
                      const std::map<std::string, std::string>& env = {}) {
  flags.insert(flags.begin(), {CO_BINARY, "catalog"});
  return RunCommand(flags, env);
}

std::vector<std::vector<std::string>> TableRows(const std::string& output) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string word; words >> word;) row.push_back(word);
    rows.push_back(row);
  }
  return rows;
}

TEST(CliCatalogTest, ListsTypesWithAtLeastFourVcpusCheapestPerVcpuFirst) {
  const CommandResult result = Catalog(
      {"--region", "us-east-1", "--min-vcpu", "4", "--sort", "price-per-vcpu", "-o", "table"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<std::vector<std::string>> rows = TableRows(result.output);
  ASSERT_GT(rows.size(), 200u);
  EXPECT_THAT(result.output, HasSubstr("ON-DEMAND $/H"));
  double previous_per_vcpu = 0;
  int priced = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    const std::vector<std::string>& row = rows[i];
    ASSERT_GE(row.size(), 10u) << "row " << i;
    EXPECT_GE(std::stoi(row[1]), 4) << row[0];
    if (row[5] == "-") continue;  // unpriced types come last
    const double per_vcpu = std::stod(row[5]) / std::stoi(row[1]);
    EXPECT_GE(per_vcpu + 1e-9, previous_per_vcpu) << row[0];
    previous_per_vcpu = per_vcpu;
    ++priced;
  }
  EXPECT_GT(priced, 200);
  EXPECT_THAT(result.output, HasSubstr("c6g.2xlarge"));
  EXPECT_THAT(result.output, Not(HasSubstr("m5.large ")));  // 2 vCPUs
}

TEST(CliCatalogTest, ShowsM5LargeWithItsAwsFigures) {
  const CommandResult result = Catalog({"--type", "m5.large"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<std::vector<std::string>> rows = TableRows(result.output);
  ASSERT_EQ(rows.size(), 2u) << result.output;
  EXPECT_THAT(rows[1],
              ::testing::ElementsAre("m5.large", "2", "8", "amd64", "29", "0.0960", "0.03264", "66",
                                     "15-20%", "shipped", "a", "b", "c", "d", "f"));
}

TEST(CliCatalogTest, WritesJsonWithNumbersAndFullZoneNames) {
  const CommandResult result = Catalog({"--type", "m5.large", "-o", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json rows = nlohmann::json::parse(result.output);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["type"], "m5.large");
  EXPECT_EQ(rows[0]["vcpus"], 2);
  EXPECT_EQ(rows[0]["memory_gib"], 8);
  EXPECT_EQ(rows[0]["max_pods"], 29);
  EXPECT_DOUBLE_EQ(rows[0]["on_demand_usd_per_hour"].get<double>(), 0.096);
  EXPECT_EQ(rows[0]["price_source"], "shipped");
  EXPECT_EQ(rows[0]["zones"][0], "us-east-1a");
}

TEST(CliCatalogTest, WritesCsvWithAHeaderRow) {
  const CommandResult result =
      Catalog({"--family", "m5", "--family", "c5", "--sort", "name", "-o", "csv"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output,
              ::testing::StartsWith("type,vcpus,memory_gib,arch,max_pods,on_demand_usd_per_hour,"));
  EXPECT_THAT(result.output, HasSubstr("\nc5.large,2,4,amd64,29,0.0850,"));
  EXPECT_THAT(result.output, HasSubstr("\nm5.large,2,8,amd64,29,0.0960,"));
  EXPECT_THAT(result.output, Not(HasSubstr("m6g")));
}

TEST(CliCatalogTest, UnknownRegionFailsNamingTheKnownRegions) {
  const CommandResult result = Catalog({"--region", "moon-1"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("unknown region \"moon-1\""));
  EXPECT_THAT(result.output, HasSubstr("eu-west-1"));
  EXPECT_THAT(result.output, HasSubstr("us-east-1"));
}

TEST(CliCatalogTest, UnknownTypeFailsSuggestingCloseMatches) {
  const CommandResult result = Catalog({"--type", "m5.larg"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("unknown instance type \"m5.larg\""));
  EXPECT_THAT(result.output, HasSubstr("did you mean m5.large"));
}

TEST(CliCatalogTest, BadFlagValuesFail) {
  EXPECT_NE(Catalog({"--max-interruption", "7%"}).exit_code, 0);
  EXPECT_NE(Catalog({"--arch", "sparc"}).exit_code, 0);
  EXPECT_NE(Catalog({"-o", "yaml"}).exit_code, 0);
  EXPECT_NE(Catalog({"--family", "zz9"}).exit_code, 0);
}

TEST(CliCatalogTest, RegionWithoutShippedPricesSaysWherePricesComeFrom) {
  const CommandResult result = Catalog({"--region", "eu-west-1", "--type", "m5.large"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("Price List API"));
  EXPECT_THAT(result.output, HasSubstr("missing"));
  EXPECT_THAT(result.output, HasSubstr("57  5-10%"));  // Spot Advisor covers eu-west-1
}

TEST(CliCatalogTest, FiltersByInterruptionRangeAndArchitecture) {
  const CommandResult result =
      Catalog({"--max-interruption", "<5%", "--arch", "arm64", "--min-memory-gib", "64"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<std::vector<std::string>> rows = TableRows(result.output);
  ASSERT_GT(rows.size(), 2u);
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][3], "arm64") << rows[i][0];
    EXPECT_GE(std::stod(rows[i][2]), 64) << rows[i][0];
    EXPECT_EQ(rows[i][8], "<5%") << rows[i][0];
  }
}

TEST(CliCatalogTest, MissingDataDirectoryFailsNamingTheFile) {
  const std::string empty = testing::MakeTempDirectory("catalog-empty");
  const CommandResult result = Catalog({}, {{"CLOUDOPTIM_DATA_DIR", empty}});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr(empty + "/instance-types.csv"));
}

}  // namespace
}  // namespace cloudoptim
