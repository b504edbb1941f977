// The catalogue's CSV reader: fields, numbers, and errors that name the file and line.
#include "catalog/csv_file.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog/catalog.h"

namespace cloudoptim {
namespace {

using ::testing::HasSubstr;

std::string WriteFile(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << content;
  return path;
}

TEST(CsvFileTest, ReadsRowsAndTypedFields) {
  const std::string path =
      WriteFile("prices.csv",
                "region,type,usd_per_hour\nus-east-1,m5.large,0.096\r\n\nus-east-1,t3.micro,12\n");
  Result<CsvFile> file = CsvFile::Open(path, {"region", "type", "usd_per_hour"});
  ASSERT_TRUE(file) << file.error().ToString();
  ASSERT_TRUE(file->Next());
  EXPECT_EQ(file->Field(0), "us-east-1");
  EXPECT_EQ(file->Field(1), "m5.large");
  EXPECT_EQ(*file->Usd(2), Money::FromMicros(96'000));
  ASSERT_TRUE(file->Next());  // the blank line is skipped
  EXPECT_EQ(file->Field(1), "t3.micro");
  EXPECT_EQ(*file->Usd(2), Money::FromMicros(12'000'000));
  EXPECT_FALSE(file->Next());
  EXPECT_TRUE(file->status());
}

TEST(CsvFileTest, RejectsAHeaderThatDoesNotMatch) {
  const std::string path = WriteFile("bad-header.csv", "region,type\nus-east-1,m5.large\n");
  Result<CsvFile> file = CsvFile::Open(path, {"region", "type", "usd_per_hour"});
  ASSERT_FALSE(file);
  EXPECT_THAT(file.error().message, HasSubstr(path + ":1: header does not match"));
}

TEST(CsvFileTest, NamesFileLineAndColumnOfABadNumber) {
  const std::string path = WriteFile("bad-number.csv", "name,vcpus\nm5.large,2\nm5.xlarge,four\n");
  Result<CsvFile> file = CsvFile::Open(path, {"name", "vcpus"});
  ASSERT_TRUE(file);
  ASSERT_TRUE(file->Next());
  EXPECT_EQ(*file->Int(1), 2);
  ASSERT_TRUE(file->Next());
  Result<int64_t> vcpus = file->Int(1);
  ASSERT_FALSE(vcpus);
  EXPECT_TRUE(IsInvalidArgument(vcpus.error()));
  EXPECT_THAT(vcpus.error().message,
              HasSubstr(path + ":3: column vcpus: not an integer: \"four\""));
  EXPECT_FALSE(file->Bool(1));
}

TEST(CsvFileTest, StopsAtARowWithTheWrongNumberOfFields) {
  const std::string path = WriteFile("short-row.csv", "a,b\n1,2\n3\n4,5\n");
  Result<CsvFile> file = CsvFile::Open(path, {"a", "b"});
  ASSERT_TRUE(file);
  ASSERT_TRUE(file->Next());
  EXPECT_FALSE(file->Next());
  ASSERT_FALSE(file->status());
  EXPECT_THAT(file->status().error().message, HasSubstr(path + ":3: 1 fields, expected 2"));
}

TEST(CsvFileTest, ParsesUsdAmountsExactlyToTheMicroDollar) {
  EXPECT_EQ(ParseUsdMicros("0.096"), 96'000);
  EXPECT_EQ(ParseUsdMicros("0.0104"), 10'400);
  EXPECT_EQ(ParseUsdMicros("3"), 3'000'000);
  EXPECT_EQ(ParseUsdMicros("98.32"), 98'320'000);
  EXPECT_EQ(ParseUsdMicros("0.00000049"), 0);
  EXPECT_EQ(ParseUsdMicros("0.0000005"), 1);  // rounds half up at the seventh decimal
  EXPECT_EQ(ParseUsdMicros(""), std::nullopt);
  EXPECT_EQ(ParseUsdMicros("1."), std::nullopt);
  EXPECT_EQ(ParseUsdMicros(".5"), std::nullopt);
  EXPECT_EQ(ParseUsdMicros("-1"), std::nullopt);
  EXPECT_EQ(ParseUsdMicros("1e3"), std::nullopt);
  EXPECT_EQ(ParseUsdMicros("0.1.2"), std::nullopt);
}

TEST(CsvFileTest, CatalogueLoadErrorNamesTheFileAndLine) {
  const std::string directory = ::testing::TempDir() + "/catalog-bad";
  std::filesystem::create_directories(directory);
  std::ifstream source(std::string(CO_SOURCE_DIR) + "/data/instance-types.csv");
  std::string header, m5;
  std::getline(source, header);
  WriteFile("catalog-bad/instance-types.csv",
            header + "\n" +
                "m5.large,m5,m,5,large,2,8192,sparc,0,,0,1,0,3,10,29,29,750,1930,6903,17408,29\n");
  Result<Catalog> catalog = Catalog::Load(directory);
  ASSERT_FALSE(catalog);
  EXPECT_THAT(catalog.error().message,
              HasSubstr(directory + "/instance-types.csv:2: column arch: expected amd64 or arm64"));
}

}  // namespace
}  // namespace cloudoptim
