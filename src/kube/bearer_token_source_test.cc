#include "kube/bearer_token_source.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace cloudoptim {
namespace {

class ExecPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    count_file_ = (std::filesystem::temp_directory_path() /
                   ("exec-count-" + std::to_string(::getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                      .string();
    std::filesystem::remove(count_file_);
    connection_.server = "https://cluster.example";
    connection_.ca_pem = "CA";
    connection_.exec = ExecPluginConfig{
        .api_version = "client.authentication.k8s.io/v1",
        .command = std::string(CO_SOURCE_DIR) + "/testdata/kube/exec-credential-plugin.sh",
        .env = {{"COUNT_FILE", count_file_}, {"TOKEN_PREFIX", "eks"}},
        .provide_cluster_info = true};
  }
  void TearDown() override {
    std::filesystem::remove(count_file_);
    std::filesystem::remove(count_file_ + ".info");
  }

  std::string count_file_;
  ClusterConnection connection_;
  FakeClock clock_{TimePoint{} + std::chrono::hours(24 * 365 * 56)};
};

TEST_F(ExecPluginTest, PluginTokenIsCachedWithoutExpiry) {
  BearerTokenSource tokens(connection_, clock_);
  EXPECT_EQ(*tokens.Token(), "eks-1");
  EXPECT_EQ(*tokens.Token(), "eks-1");  // cached: the plugin ran once
  tokens.Invalidate();
  EXPECT_EQ(*tokens.Token(), "eks-2");
  std::ifstream info(count_file_ + ".info");
  std::string exec_info((std::istreambuf_iterator<char>(info)), {});
  EXPECT_NE(exec_info.find("\"interactive\":false"), std::string::npos) << exec_info;
  EXPECT_NE(exec_info.find("https://cluster.example"), std::string::npos) << exec_info;
}

TEST_F(ExecPluginTest, PluginTokenRenewedAtExpirationTimestamp) {
  TimePoint expiry = clock_.Now() + std::chrono::minutes(15);
  connection_.exec->env.emplace_back("EXPIRES", FormatRfc3339(expiry));
  BearerTokenSource tokens(connection_, clock_);
  EXPECT_EQ(*tokens.Token(), "eks-1");
  clock_.Advance(std::chrono::minutes(10));
  EXPECT_EQ(*tokens.Token(), "eks-1");
  clock_.Advance(std::chrono::minutes(5));
  EXPECT_EQ(*tokens.Token(), "eks-2");
}

TEST_F(ExecPluginTest, V1beta1AndWrongVersion) {
  connection_.exec->api_version = "client.authentication.k8s.io/v1beta1";
  connection_.exec->env.emplace_back("API_VERSION", "client.authentication.k8s.io/v1beta1");
  BearerTokenSource tokens(connection_, clock_);
  EXPECT_EQ(*tokens.Token(), "eks-1");
  connection_.exec->env.pop_back();  // the plugin now answers v1 to a v1beta1 request
  BearerTokenSource mismatched(connection_, clock_);
  Result<std::string> token = mismatched.Token();
  ASSERT_FALSE(token.has_value());
  EXPECT_NE(token.error().message.find("expected \"client.authentication.k8s.io/v1beta1\""),
            std::string::npos)
      << token.error().message;
}

TEST_F(ExecPluginTest, FailingPluginReportsItsStderr) {
  connection_.exec->env.emplace_back("FAIL", "no AWS credentials");
  BearerTokenSource tokens(connection_, clock_);
  Result<std::string> token = tokens.Token();
  ASSERT_FALSE(token.has_value());
  EXPECT_EQ(token.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(token.error().message.find("no AWS credentials"), std::string::npos);
}

TEST_F(ExecPluginTest, MissingCommandAndInteractiveAlwaysAreExplained) {
  connection_.exec->command = "definitely-not-installed-plugin";
  auto missing = RunExecPlugin(*connection_.exec, connection_);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("definitely-not-installed-plugin"), std::string::npos);
  connection_.exec->interactive_mode = "Always";
  auto interactive = RunExecPlugin(*connection_.exec, connection_);
  ASSERT_FALSE(interactive.has_value());
  EXPECT_NE(interactive.error().message.find("interactive"), std::string::npos);
}

TEST(BearerTokenSource, TokenFileIsReReadAfterAMinute) {
  std::string path =
      (std::filesystem::temp_directory_path() / ("token-file-" + std::to_string(::getpid())))
          .string();
  std::ofstream(path) << "first\n";
  FakeClock clock(TimePoint{});
  ClusterConnection connection;
  connection.token_file = path;
  BearerTokenSource tokens(connection, clock);
  EXPECT_EQ(*tokens.Token(), "first");
  std::ofstream(path) << "rotated\n";
  EXPECT_EQ(*tokens.Token(), "first");
  clock.Advance(std::chrono::seconds(61));
  EXPECT_EQ(*tokens.Token(), "rotated");
  std::filesystem::remove(path);
}

TEST(BearerTokenSource, StaticTokenAndNone) {
  FakeClock clock(TimePoint{});
  ClusterConnection connection;
  EXPECT_EQ(*BearerTokenSource(connection, clock).Token(), "");
  connection.token = "abc";
  BearerTokenSource tokens(connection, clock);
  EXPECT_EQ(*tokens.Token(), "abc");
  EXPECT_FALSE(tokens.CanRefresh());
}

}  // namespace
}  // namespace cloudoptim
