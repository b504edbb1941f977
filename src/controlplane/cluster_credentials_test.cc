#include "controlplane/cluster_credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cloudoptim::controlplane {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kKubeconfig = R"(apiVersion: v1
kind: Config
current-context: admin
clusters:
- name: sandbox
  cluster:
    server: https://127.0.0.1:6443
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: s3cr3t-token
contexts:
- name: admin
  context: {cluster: sandbox, user: admin}
)";

TEST(ClusterCredentialsTest, APlainKubeconfigResolvesItsCurrentContext) {
  Result<ClusterCredentials> parsed = ParseClusterCredentials(kKubeconfig);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->connection.server, "https://127.0.0.1:6443");
  EXPECT_EQ(parsed->connection.token, "s3cr3t-token");
  EXPECT_FALSE(parsed->aws.configured());
}

TEST(ClusterCredentialsTest, TheOnboardingFormWithAKubeconfigAndARole) {
  nlohmann::json stored = {{"kubeconfig", kKubeconfig},
                           {"role_arn", "arn:aws:iam::123456789012:role/co"},
                           {"external_id", "x-1"}};
  Result<ClusterCredentials> parsed = ParseClusterCredentials(stored.dump());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->connection.server, "https://127.0.0.1:6443");
  EXPECT_TRUE(parsed->aws.configured());
  EXPECT_EQ(parsed->aws.role_arn, "arn:aws:iam::123456789012:role/co");
  EXPECT_EQ(parsed->aws.external_id, "x-1");
}

TEST(ClusterCredentialsTest, TheDirectForm) {
  Result<ClusterCredentials> parsed = ParseClusterCredentials(
      R"({"server": "https://abc.eks.amazonaws.com", "token": "t", "ca_certificate": "PEM"})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->connection.server, "https://abc.eks.amazonaws.com");
  EXPECT_EQ(parsed->connection.token, "t");
  EXPECT_EQ(parsed->connection.ca_pem, "PEM");
}

TEST(ClusterCredentialsTest, ErrorsNameTheFieldAndNeverTheSecret) {
  Result<ClusterCredentials> neither = ParseClusterCredentials(R"({"token": "s3cr3t"})");
  ASSERT_FALSE(neither.has_value());
  EXPECT_EQ(neither.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(neither.error().message, HasSubstr("kubeconfig"));
  EXPECT_THAT(neither.error().message, Not(HasSubstr("s3cr3t")));

  Result<ClusterCredentials> garbage = ParseClusterCredentials("{not json");
  ASSERT_FALSE(garbage.has_value());
  EXPECT_THAT(garbage.error().message, HasSubstr("credentials"));

  Result<ClusterCredentials> no_context =
      ParseClusterCredentials(R"({"kubeconfig": "apiVersion: v1\nkind: Config\n"})");
  ASSERT_FALSE(no_context.has_value());
  EXPECT_THAT(no_context.error().message, HasSubstr("credentials.kubeconfig"));
  EXPECT_THAT(no_context.error().message, Not(HasSubstr("/tmp/co-kubeconfig")));
}

}  // namespace
}  // namespace cloudoptim::controlplane
