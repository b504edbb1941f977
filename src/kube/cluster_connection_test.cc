#include "kube/cluster_connection.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace cloudoptim {
namespace {

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kubeconfig-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path dir_;
};

constexpr char kFirst[] = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example:6443/
    certificate-authority-data: Q0EtUEVNLURFVg==
    tls-server-name: kubernetes.default
- name: shared
  cluster:
    server: https://first.example
users:
- name: dev-user
  user:
    token: dev-token
- name: eks-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./bin/get-token
      args: [eks, get-token, --cluster-name, prod]
      env:
      - name: AWS_PROFILE
        value: prod
      interactiveMode: Never
      provideClusterInfo: true
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user}
- name: prod
  context: {cluster: shared, user: eks-user}
)";

constexpr char kSecond[] = R"(apiVersion: v1
kind: Config
current-context: second-wins-not
clusters:
- name: shared
  cluster:
    server: https://second.example
    insecure-skip-tls-verify: true
- name: files
  cluster:
    server: https://files.example
    certificate-authority: certs/ca.pem
users:
- name: cert-user
  user:
    client-certificate: certs/client.pem
    client-key: certs/client-key.pem
    tokenFile: token.txt
contexts:
- name: files
  context: {cluster: files, user: cert-user}
)";

TEST_F(KubeconfigTest, FirstFileWinsAndSetsCurrentContext) {
  std::string first = Write("first.yaml", kFirst);
  std::string second = Write("second.yaml", kSecond);
  Result<ClusterConnection> c = LoadKubeconfig({.kubeconfig_env = first + ":" + second});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->context_name, "dev");
  EXPECT_EQ(c->server, "https://dev.example:6443");  // trailing slash dropped
  EXPECT_EQ(c->ca_pem, "CA-PEM-DEV");
  EXPECT_EQ(c->tls_server_name, "kubernetes.default");
  EXPECT_EQ(c->token, "dev-token");

  // "shared" is in both files: the first file's definition wins.
  Result<ClusterConnection> prod =
      LoadKubeconfig({.context = "prod", .kubeconfig_env = first + ":" + second});
  ASSERT_TRUE(prod.has_value()) << prod.error().ToString();
  EXPECT_EQ(prod->server, "https://first.example");
  EXPECT_FALSE(prod->insecure_skip_tls_verify);
  ASSERT_TRUE(prod->exec.has_value());
  EXPECT_EQ(prod->exec->api_version, "client.authentication.k8s.io/v1beta1");
  EXPECT_EQ(prod->exec->command, (dir_ / "bin/get-token").string());  // relative to the file
  EXPECT_EQ(prod->exec->args.size(), 4u);
  EXPECT_EQ(prod->exec->env.at(0).first, "AWS_PROFILE");
  EXPECT_EQ(prod->exec->interactive_mode, "Never");
  EXPECT_TRUE(prod->exec->provide_cluster_info);
}

TEST_F(KubeconfigTest, ContextFromSecondFileResolvesRelativeFiles) {
  std::filesystem::create_directories(dir_ / "certs");
  Write("certs/ca.pem", "CA-FROM-FILE");
  Write("certs/client.pem", "CLIENT-CERT");
  Write("certs/client-key.pem", "CLIENT-KEY");
  std::string first = Write("first.yaml", kFirst);
  std::string second = Write("second.yaml", kSecond);
  Result<ClusterConnection> c =
      LoadKubeconfig({.context = "files", .kubeconfig_env = first + ":" + second});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->ca_pem, "CA-FROM-FILE");
  EXPECT_EQ(c->client_cert_pem, "CLIENT-CERT");
  EXPECT_EQ(c->client_key_pem, "CLIENT-KEY");
  EXPECT_EQ(c->token_file, (dir_ / "token.txt").string());
}

TEST_F(KubeconfigTest, ExplicitPathIgnoresEnvironmentList) {
  std::string second = Write("second.yaml", kSecond);
  Result<ClusterConnection> c =
      LoadKubeconfig({.explicit_path = second, .kubeconfig_env = "/nonexistent"});
  ASSERT_FALSE(c.has_value());
  // second.yaml's current-context names a context it does not define.
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
  EXPECT_NE(c.error().message.find("second-wins-not"), std::string::npos);
}

TEST_F(KubeconfigTest, ErrorsSayWhatIsMissing) {
  std::string first = Write("first.yaml", kFirst);
  auto missing_context = LoadKubeconfig({.context = "nope", .kubeconfig_env = first});
  ASSERT_FALSE(missing_context.has_value());
  EXPECT_NE(missing_context.error().message.find("context \"nope\""), std::string::npos);
  auto no_file = LoadKubeconfig({.kubeconfig_env = "", .home = dir_.string()});
  ASSERT_FALSE(no_file.has_value());
  EXPECT_NE(no_file.error().message.find(".kube/config"), std::string::npos);
  std::string bad = Write("bad.yaml", "clusters: [unclosed");
  auto bad_yaml = LoadKubeconfig({.explicit_path = bad});
  ASSERT_FALSE(bad_yaml.has_value());
  EXPECT_EQ(bad_yaml.error().code, ErrorCode::kInvalidArgument);
  std::string bad_b64 = Write("b64.yaml", R"(current-context: x
clusters: [{name: c, cluster: {server: "https://x", certificate-authority-data: "%%%"}}]
contexts: [{name: x, context: {cluster: c}}]
)");
  auto bad_data = LoadKubeconfig({.explicit_path = bad_b64});
  ASSERT_FALSE(bad_data.has_value());
  EXPECT_NE(bad_data.error().message.find("certificate-authority-data"), std::string::npos);
}

TEST_F(KubeconfigTest, InClusterReadsServiceAccountFiles) {
  std::string token = Write("token", "sa-token\n");
  std::string ca = Write("ca.crt", "SA-CA");
  auto c = LoadInClusterConnection(
      {.token_file = token, .ca_file = ca, .host = "10.100.0.1", .port = "443"});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->server, "https://10.100.0.1:443");
  EXPECT_EQ(c->ca_pem, "SA-CA");
  EXPECT_EQ(c->token_file, token);
}

TEST(DirectConnection, KeepsUrlTokenAndCa) {
  ClusterConnection c = DirectConnection("https://abc.eks.amazonaws.com/", "t", "pem");
  EXPECT_EQ(c.server, "https://abc.eks.amazonaws.com");
  EXPECT_EQ(c.token, "t");
  EXPECT_EQ(c.ca_pem, "pem");
}

TEST(Base64, RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(EncodeBase64("hello!?"), "aGVsbG8hPw==");
  EXPECT_EQ(*DecodeBase64("aGVsbG8hPw=="), "hello!?");
  EXPECT_EQ(*DecodeBase64("aGVsbG8hPw"), "hello!?");  // padding optional
  EXPECT_EQ(*DecodeBase64("aGVs\nbG8h"), "hello!");
  EXPECT_FALSE(DecodeBase64("%%%%").has_value());
}

}  // namespace
}  // namespace cloudoptim
