#include "controlplane/cluster_credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

TEST(ClusterCredentialsTest, EncodedKubeconfigAndAwsKeysRoundTrip) {
  std::string encoded = EncodeClusterCredentials(
      kKubeconfig, {.access_key_id = "AKIDEXAMPLE", .secret_access_key = "sandbox-secret"});
  Result<ClusterCredentials> parsed = ParseClusterCredentials(encoded);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->connection.server, "https://127.0.0.1:6443");
  EXPECT_TRUE(parsed->aws.configured());
  EXPECT_EQ(parsed->aws.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(parsed->aws.secret_access_key, "sandbox-secret");
}

TEST(ClusterCredentialsTest, TheDirectFormAndARole) {
  Result<ClusterCredentials> parsed = ParseClusterCredentials(
      R"({"server": "https://abc.eks.amazonaws.com", "token": "t", "ca_pem": "PEM",
          "aws": {"role_arn": "arn:aws:iam::123456789012:role/co", "external_id": "x-1"}})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->connection.server, "https://abc.eks.amazonaws.com");
  EXPECT_EQ(parsed->connection.ca_pem, "PEM");
  EXPECT_EQ(parsed->aws.role_arn, "arn:aws:iam::123456789012:role/co");
  EXPECT_EQ(parsed->aws.external_id, "x-1");
}

TEST(ClusterCredentialsTest, ErrorsNameTheFieldAndNeverTheSecret) {
  Result<ClusterCredentials> neither = ParseClusterCredentials(R"({"token": "s3cr3t"})");
  ASSERT_FALSE(neither.has_value());
  EXPECT_EQ(neither.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(neither.error().message, HasSubstr("kubeconfig"));
  EXPECT_THAT(neither.error().message, Not(HasSubstr("s3cr3t")));

  Result<ClusterCredentials> half_keys =
      ParseClusterCredentials(R"({"server": "https://x", "aws": {"access_key_id": "AKID"}})");
  ASSERT_FALSE(half_keys.has_value());
  EXPECT_THAT(half_keys.error().message, HasSubstr("secret_access_key"));

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
