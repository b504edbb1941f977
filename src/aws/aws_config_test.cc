#include "aws/aws_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace cloudoptim::aws {
namespace {

namespace fs = std::filesystem;

// Shared config/credentials files in a fresh directory, pointed at by the environment.
class AwsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("co-aws-config-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    env_ = {{"AWS_CONFIG_FILE", (dir_ / "config").string()},
            {"AWS_SHARED_CREDENTIALS_FILE", (dir_ / "credentials").string()}};
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  fs::path dir_;
  Environment env_;
};

TEST(ParseIniTest, ReadsSectionsCommentsAndIndentedSubKeys) {
  Result<IniFile> ini = ParseIni(
      "# comment\n[profile dev]\nregion = eu-west-1\n; other\n[services local]\nec2 =\n"
      "  endpoint_url = http://localhost:5000\nsqs =\n  endpoint_url = http://localhost:5001\n",
      "config");
  ASSERT_TRUE(ini.has_value()) << ini.error().ToString();
  EXPECT_EQ(ini->at("profile dev").at("region"), "eu-west-1");
  EXPECT_EQ(ini->at("services local").at("ec2.endpoint_url"), "http://localhost:5000");
  EXPECT_EQ(ini->at("services local").at("sqs.endpoint_url"), "http://localhost:5001");
}

TEST(ParseIniTest, RejectsLinesOutsideSectionsNamingTheLine) {
  Result<IniFile> ini = ParseIni("region = x\n", "/home/u/.aws/config");
  ASSERT_FALSE(ini.has_value());
  EXPECT_TRUE(IsInvalidArgument(ini.error()));
  EXPECT_NE(ini.error().message.find("/home/u/.aws/config:1"), std::string::npos);
}

TEST_F(AwsConfigTest, RegionComesFromFlagThenEnvironmentThenProfile) {
  Write("config", "[default]\nregion = eu-central-1\n");
  EXPECT_EQ(LoadAwsConfig({}, env_)->region, "eu-central-1");
  env_["AWS_DEFAULT_REGION"] = "us-west-1";
  EXPECT_EQ(LoadAwsConfig({}, env_)->region, "us-west-1");
  env_["AWS_REGION"] = "us-west-2";
  EXPECT_EQ(LoadAwsConfig({}, env_)->region, "us-west-2");
  EXPECT_EQ(LoadAwsConfig({.region = "ap-south-1"}, env_)->region, "ap-south-1");
}

TEST_F(AwsConfigTest, MissingRegionAndUnknownProfileAreClearErrors) {
  Result<AwsConfig> no_region = LoadAwsConfig({}, env_);
  ASSERT_FALSE(no_region.has_value());
  EXPECT_NE(no_region.error().message.find("--region"), std::string::npos);
  Result<AwsConfig> unknown = LoadAwsConfig({.profile = "nope", .region = "us-east-1"}, env_);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("\"nope\""), std::string::npos);
}

TEST_F(AwsConfigTest, ProfileMergesConfigAndCredentialsFiles) {
  Write("config", "[profile dev]\nregion = eu-west-1\n");
  Write("credentials", "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n");
  env_["AWS_PROFILE"] = "dev";
  Result<AwsConfig> config = LoadAwsConfig({}, env_);
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->profile_name, "dev");
  EXPECT_EQ(config->region, "eu-west-1");
  EXPECT_EQ(config->profile.at("aws_access_key_id"), "AKIDDEV");
}

TEST_F(AwsConfigTest, DefaultEndpointsArePublicAndPricingLivesInUsEast1) {
  Result<AwsConfig> config = LoadAwsConfig({.region = "eu-west-1"}, env_);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->Endpoint("ec2").url, "https://ec2.eu-west-1.amazonaws.com");
  EXPECT_EQ(config->Endpoint("sqs").signing_region, "eu-west-1");
  ServiceEndpoint pricing = config->Endpoint("pricing");
  EXPECT_EQ(pricing.url, "https://api.pricing.us-east-1.amazonaws.com");
  EXPECT_EQ(pricing.signing_region, "us-east-1");
}

TEST_F(AwsConfigTest, EndpointOverridesFollowTheSdkPrecedence) {
  Write("config",
        "[default]\nregion = us-east-1\nendpoint_url = http://profile-wide\nservices = local\n"
        "[services local]\nsqs =\n  endpoint_url = http://services-sqs/\n");
  Result<AwsConfig> config = LoadAwsConfig({}, env_);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->Endpoint("sqs").url, "http://services-sqs");
  EXPECT_EQ(config->Endpoint("ec2").url, "http://profile-wide");

  env_["AWS_ENDPOINT_URL"] = "http://env-wide";
  env_["AWS_ENDPOINT_URL_EC2"] = "http://env-ec2";
  config = LoadAwsConfig({}, env_);
  EXPECT_EQ(config->Endpoint("ec2").url, "http://env-ec2");
  EXPECT_EQ(config->Endpoint("sqs").url, "http://env-wide");
  EXPECT_EQ(config->Endpoint("sts").signing_name, "sts");

  config = LoadAwsConfig({.endpoint_url = "http://flag"}, env_);
  EXPECT_EQ(config->Endpoint("ec2").url, "http://flag");
}

}  // namespace
}  // namespace cloudoptim::aws
