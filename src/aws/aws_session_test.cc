#include "aws/aws_session.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "aws/aws_error.h"
#include "net/fake_http_client.h"

namespace cloudoptim::aws {
namespace {

namespace fs = std::filesystem;

TimePoint Start() { return std::chrono::system_clock::from_time_t(1'764'000'000); }

std::string AssumeRoleXml(const std::string& action, const std::string& key, TimePoint expiry) {
  return "<" + action + "Response><" + action + "Result><Credentials><AccessKeyId>" + key +
         "</AccessKeyId><SecretAccessKey>secret-" + key + "</SecretAccessKey><SessionToken>token-" +
         key + "</SessionToken><Expiration>" + FormatRfc3339(expiry) +
         "</Expiration></Credentials></" + action + "Result></" + action + "Response>";
}

std::string AccessKeyOf(const HttpRequest& request) {
  std::string authorization(request.headers.Get("Authorization").value_or(""));
  const size_t start = authorization.find("Credential=");
  if (start == std::string::npos) return "";
  return authorization.substr(start + 11, authorization.find('/', start) - start - 11);
}

class AwsSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("co-aws-session-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    env_ = {{"AWS_CONFIG_FILE", (dir_ / "config").string()},
            {"AWS_SHARED_CREDENTIALS_FILE", (dir_ / "credentials").string()},
            {"AWS_REGION", "us-east-1"},
            {"AWS_ENDPOINT_URL", "http://aws.test"}};
    // STS answers AssumeRole* with a session named after the call count; others say OK.
    http_.SetHandler([this](const HttpRequest& request) -> Result<HttpResponse> {
      if (request.body.find("Action=AssumeRoleWithWebIdentity") != std::string::npos) {
        return HttpResponse{.status = 200,
                            .body = AssumeRoleXml("AssumeRoleWithWebIdentity",
                                                  "ASIAWEB" + std::to_string(++sts_calls_),
                                                  clock_.Now() + std::chrono::hours(1))};
      }
      if (request.body.find("Action=AssumeRole") != std::string::npos) {
        return HttpResponse{
            .status = 200,
            .body = AssumeRoleXml("AssumeRole", "ASIAROLE" + std::to_string(++sts_calls_),
                                  clock_.Now() + std::chrono::hours(1))};
      }
      return HttpResponse{.status = 200, .body = "<ok/>"};
    });
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<AwsSession> MakeSession(const AwsOptions& options = {}) {
    Result<AwsConfig> config = LoadAwsConfig(options, env_);
    EXPECT_TRUE(config.has_value()) << config.error().ToString();
    Result<std::unique_ptr<AwsSession>> session = AwsSession::Create(*config, http_, clock_);
    EXPECT_TRUE(session.has_value()) << session.error().ToString();
    return session ? std::move(*session) : nullptr;
  }
  Result<std::string> CallEc2(AwsSession& session) {
    return session.transport().Post(session.config().Endpoint("ec2"), "DescribeInstances",
                                    "application/x-www-form-urlencoded", "Action=X");
  }

  fs::path dir_;
  Environment env_;
  FakeClock clock_{Start()};
  FakeHttpClient http_;
  int sts_calls_ = 0;
};

TEST_F(AwsSessionTest, EnvironmentKeysSignRequestsWithTheSessionToken) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "secret";
  env_["AWS_SESSION_TOKEN"] = "tok";
  auto session = MakeSession();
  ASSERT_TRUE(CallEc2(*session).has_value());
  ASSERT_EQ(http_.requests().size(), 1u);
  EXPECT_EQ(AccessKeyOf(http_.requests()[0]), "AKIDENV");
  EXPECT_EQ(http_.requests()[0].headers.Get("X-Amz-Security-Token"), "tok");
  EXPECT_EQ(http_.requests()[0].url, "http://aws.test/");
  EXPECT_EQ(session->credentials_description(), "environment variables");
}

TEST_F(AwsSessionTest, ProfileRoleWithSourceProfileAndExternalIdIsAssumedAndCached) {
  std::ofstream(dir_ / "credentials") << "[base]\naws_access_key_id = AKIDBASE\n"
                                         "aws_secret_access_key = s\n";
  std::ofstream(dir_ / "config") << "[profile customer]\nrole_arn = arn:aws:iam::111:role/co\n"
                                    "source_profile = base\nexternal_id = ext-42\n";
  auto session = MakeSession({.profile = "customer"});
  ASSERT_TRUE(CallEc2(*session).has_value());
  ASSERT_TRUE(CallEc2(*session).has_value());
  std::vector<HttpRequest> requests = http_.requests();
  ASSERT_EQ(requests.size(), 3u) << "one AssumeRole, then two calls with the cached session";
  EXPECT_EQ(AccessKeyOf(requests[0]), "AKIDBASE");
  EXPECT_NE(requests[0].body.find("ExternalId=ext-42"), std::string::npos);
  EXPECT_NE(requests[0].body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A111%3Arole%2Fco"),
            std::string::npos);
  EXPECT_EQ(AccessKeyOf(requests[1]), "ASIAROLE1");
  EXPECT_EQ(requests[1].headers.Get("X-Amz-Security-Token"), "token-ASIAROLE1");
  EXPECT_EQ(AccessKeyOf(requests[2]), "ASIAROLE1");
}

TEST_F(AwsSessionTest, SessionsAreRefreshedBeforeTheyExpire) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "secret";
  auto session = MakeSession({.role_arn = "arn:aws:iam::222:role/customer", .external_id = "xyz"});
  ASSERT_TRUE(CallEc2(*session).has_value());
  clock_.Advance(std::chrono::minutes(50));  // 10 minutes left: still used
  ASSERT_TRUE(CallEc2(*session).has_value());
  EXPECT_EQ(sts_calls_, 1);
  clock_.Advance(std::chrono::minutes(6));  // 4 minutes left: refreshed first
  ASSERT_TRUE(CallEc2(*session).has_value());
  EXPECT_EQ(sts_calls_, 2);
  EXPECT_EQ(AccessKeyOf(http_.requests().back()), "ASIAROLE2");
}

TEST_F(AwsSessionTest, WebIdentityFromTheEnvironmentIsUnsignedAndReadsTheTokenFile) {
  std::ofstream(dir_ / "token") << "eyJhbGciOi.token\n";
  env_["AWS_ROLE_ARN"] = "arn:aws:iam::333:role/irsa";
  env_["AWS_WEB_IDENTITY_TOKEN_FILE"] = (dir_ / "token").string();
  auto session = MakeSession();
  ASSERT_TRUE(CallEc2(*session).has_value());
  std::vector<HttpRequest> requests = http_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_FALSE(requests[0].headers.Has("Authorization"));
  EXPECT_EQ(requests[0].body.ends_with("WebIdentityToken=eyJhbGciOi.token"), true)
      << requests[0].body;
  EXPECT_EQ(AccessKeyOf(requests[1]), "ASIAWEB1");
}

TEST_F(AwsSessionTest, NoCredentialsIsUnauthenticatedSayingWhereItLooked) {
  Result<AwsConfig> config = LoadAwsConfig({}, env_);
  ASSERT_TRUE(config.has_value());
  Result<std::unique_ptr<AwsSession>> session = AwsSession::Create(*config, http_, clock_);
  ASSERT_FALSE(session.has_value());
  EXPECT_TRUE(IsUnauthenticated(session.error()));
  EXPECT_NE(session.error().message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
}

TEST_F(AwsSessionTest, ProfileWebIdentityAndRoleChainsAreFollowed) {
  std::ofstream(dir_ / "token") << "jwt-from-profile";
  std::ofstream(dir_ / "config") << "[profile irsa]\nrole_arn = arn:aws:iam::1:role/web\n"
                                    "web_identity_token_file = " +
                                        (dir_ / "token").string() +
                                        "\n[profile hop]\nrole_arn = arn:aws:iam::1:role/hop\n"
                                        "source_profile = irsa\n";
  auto session = MakeSession({.profile = "hop"});
  ASSERT_TRUE(CallEc2(*session).has_value());
  std::vector<HttpRequest> requests = http_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_TRUE(requests[0].body.ends_with("WebIdentityToken=jwt-from-profile"));
  EXPECT_EQ(AccessKeyOf(requests[1]), "ASIAWEB1");
  EXPECT_NE(requests[1].body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fhop"),
            std::string::npos);
  EXPECT_EQ(AccessKeyOf(requests[2]), "ASIAROLE2");
}

TEST_F(AwsSessionTest, ASourceProfileCycleIsAClearError) {
  std::ofstream(dir_ / "config") << "[profile a]\nrole_arn = arn:aws:iam::1:role/a\n"
                                    "source_profile = b\n[profile b]\n"
                                    "role_arn = arn:aws:iam::1:role/b\nsource_profile = a\n";
  Result<AwsConfig> config = LoadAwsConfig({.profile = "a"}, env_);
  ASSERT_TRUE(config.has_value());
  Result<std::unique_ptr<AwsSession>> session = AwsSession::Create(*config, http_, clock_);
  ASSERT_FALSE(session.has_value());
  EXPECT_TRUE(IsInvalidArgument(session.error()));
  EXPECT_NE(session.error().message.find("cycle"), std::string::npos);
}

TEST_F(AwsSessionTest, ThrottlingIsRetriedWithBackoffThenSucceeds) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "secret";
  const std::string throttled =
      "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
      "exceeded.</Message></Error></Errors></Response>";
  http_.Enqueue(HttpResponse{.status = 503, .body = throttled});
  http_.Enqueue(HttpResponse{.status = 503, .body = throttled});
  auto session = MakeSession();
  Result<std::string> r = CallEc2(*session);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(session->transport().last_attempts(), 3);
  EXPECT_GT(clock_.Now(), Start()) << "the retries waited on the clock";
}

TEST_F(AwsSessionTest, PersistentFailureGivesUpWithinTheBounds) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "secret";
  http_.SetHandler([](const HttpRequest&) -> Result<HttpResponse> {
    return HttpResponse{.status = 500,
                        .body =
                            "<Response><Errors><Error><Code>InternalError"
                            "</Code></Error></Errors></Response>"};
  });
  auto session = MakeSession();
  Result<std::string> r = CallEc2(*session);
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(IsUnavailable(r.error()));
  EXPECT_EQ(http_.requests().size(), 5u);
  EXPECT_NE(r.error().message.find("gave up after 5 attempts"), std::string::npos);
  EXPECT_LE(clock_.Now() - Start(), std::chrono::seconds(60));
}

TEST_F(AwsSessionTest, PermissionErrorsAreNotRetried) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "secret";
  http_.Enqueue(HttpResponse{.status = 403,
                             .body = "<Response><Errors><Error><Code>UnauthorizedOperation</Code>"
                                     "</Error></Errors></Response>"});
  auto session = MakeSession();
  Result<std::string> r = CallEc2(*session);
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(IsPermissionDenied(r.error()));
  EXPECT_EQ(http_.requests().size(), 1u);
}

}  // namespace
}  // namespace cloudoptim::aws
