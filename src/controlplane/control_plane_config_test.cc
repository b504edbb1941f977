#include "controlplane/control_plane_config.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cloudoptim::controlplane {
namespace {

using ::testing::HasSubstr;

class ConfigFile {
 public:
  explicit ConfigFile(const std::string& text) {
    path_ = std::filesystem::temp_directory_path() / ("co-config-" + std::to_string(::getpid()) +
                                                      "-" + std::to_string(counter_++) + ".yaml");
    std::ofstream(path_) << text;
  }
  ~ConfigFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(ControlPlaneConfigTest, DefaultsWithoutAnySource) {
  Result<ControlPlaneConfig> config = LoadControlPlaneConfig({});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->store_url, "sqlite://./cloudoptim.db");
  EXPECT_EQ(config->core_port, 8000);
  EXPECT_EQ(config->engine_interval, std::chrono::minutes(10));
  EXPECT_TRUE(config->ml_server_url.empty());
}

TEST(ControlPlaneConfigTest, FlagsOverrideEnvironmentWhichOverridesTheFile) {
  ConfigFile file(
      "core_port: 7000\nengine_interval: 5m\nstore_url: sqlite:///tmp/file.db\nlog_level: "
      "debug\n");
  Result<ControlPlaneConfig> config = LoadControlPlaneConfig(
      {.file = file.path(),
       .environment = {{"CLOUDOPTIM_CORE_PORT", "7100"}, {"CLOUDOPTIM_ENGINE_INTERVAL", "90s"}},
       .flags = {{"core_port", "7200"}}});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->core_port, 7200);                            // flag
  EXPECT_EQ(config->engine_interval, std::chrono::seconds(90));  // environment
  EXPECT_EQ(config->store_url, "sqlite:///tmp/file.db");         // file
  EXPECT_EQ(config->log_level, "debug");                         // file
}

TEST(ControlPlaneConfigTest, MlServerUrlSwitchesToRemoteEnginesAndLosesTrailingSlash) {
  Result<ControlPlaneConfig> config =
      LoadControlPlaneConfig({.flags = {{"ml_server_url", "http://ml:8001/"}}});
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->ml_server_url, "http://ml:8001");
}

TEST(ControlPlaneConfigTest, BadValueInFileNamesKeyValueAndFile) {
  ConfigFile file("engine_interval: soon\n");
  Result<ControlPlaneConfig> config = LoadControlPlaneConfig({.file = file.path()});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(config.error().message, HasSubstr("engine_interval"));
  EXPECT_THAT(config.error().message, HasSubstr("\"soon\""));
  EXPECT_THAT(config.error().message, HasSubstr(file.path()));
}

TEST(ControlPlaneConfigTest, UnknownKeyInFileIsRefusedByName) {
  ConfigFile file("core_prot: 8000\n");
  Result<ControlPlaneConfig> config = LoadControlPlaneConfig({.file = file.path()});
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error().message, HasSubstr("core_prot: unknown setting"));
}

TEST(ControlPlaneConfigTest, BadEnvironmentValueNamesTheVariable) {
  Result<ControlPlaneConfig> config =
      LoadControlPlaneConfig({.environment = {{"CLOUDOPTIM_CORE_PORT", "80000"}}});
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error().message, HasSubstr("core_port"));
  EXPECT_THAT(config.error().message, HasSubstr("CLOUDOPTIM_CORE_PORT"));
}

TEST(ControlPlaneConfigTest, BadFlagNamesTheFlag) {
  Result<ControlPlaneConfig> config =
      LoadControlPlaneConfig({.flags = {{"store_url", "mysql://db"}}});
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error().message, HasSubstr("--store-url"));
}

TEST(ControlPlaneConfigTest, MissingFileIsNotFound) {
  Result<ControlPlaneConfig> config = LoadControlPlaneConfig({.file = "/nonexistent/co.yaml"});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::kNotFound);
}

TEST(ControlPlaneConfigTest, MalformedYamlNamesTheFile) {
  ConfigFile file("core_port: [1,\n");
  Result<ControlPlaneConfig> config = LoadControlPlaneConfig({.file = file.path()});
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error().message, HasSubstr(file.path()));
}

TEST(ControlPlaneConfigTest, OperatorKeyIsNotEchoedInErrors) {
  ConfigFile file("operator_key: [secret]\n");
  Result<ControlPlaneConfig> config = LoadControlPlaneConfig({.file = file.path()});
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error().message, ::testing::Not(HasSubstr("secret]")));
}

TEST(ParseDurationTest, AcceptsUnitsAndPlainSeconds) {
  EXPECT_EQ(ParseDuration("90s").value(), std::chrono::seconds(90));
  EXPECT_EQ(ParseDuration("10m").value(), std::chrono::minutes(10));
  EXPECT_EQ(ParseDuration("2h30m").value(), std::chrono::minutes(150));
  EXPECT_EQ(ParseDuration("45").value(), std::chrono::seconds(45));
  EXPECT_FALSE(ParseDuration("").has_value());
  EXPECT_FALSE(ParseDuration("1d").has_value());
  EXPECT_FALSE(ParseDuration("1h30").has_value());
  EXPECT_FALSE(ParseDuration("-5s").has_value());
}

TEST(ConfigNamesTest, EnvironmentAndFlagNamesFollowTheKey) {
  EXPECT_EQ(EnvironmentVariableOf("engine_interval"), "CLOUDOPTIM_ENGINE_INTERVAL");
  EXPECT_EQ(FlagOf("engine_interval"), "--engine-interval");
  EXPECT_EQ(ControlPlaneConfigKeys().front(), "store_url");
}

TEST(LoadMasterKeyTest, FromEnvironmentOrAClearError) {
  ControlPlaneConfig config;
  std::string key(64, 'a');
  EXPECT_TRUE(LoadMasterKey(config, {{"CLOUDOPTIM_MASTER_KEY", key}}).has_value());
  Result<store::SecretBox> missing = LoadMasterKey(config, {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(missing.error().message, HasSubstr("master_key_file"));
  config.master_key_file = "/nonexistent/master.key";
  Result<store::SecretBox> bad_file = LoadMasterKey(config, {{"CLOUDOPTIM_MASTER_KEY", key}});
  ASSERT_FALSE(bad_file.has_value());
  EXPECT_THAT(bad_file.error().message, HasSubstr("master_key_file"));
}

}  // namespace
}  // namespace cloudoptim::controlplane
