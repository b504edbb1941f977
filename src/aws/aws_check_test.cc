#include "aws/aws_check.h"

#include <gtest/gtest.h>

#include "net/fake_http_client.h"

namespace cloudoptim::aws {
namespace {

// An account where the CloudOptim identity lacks ec2:DescribeVolumes and ec2:DeleteVolume.
Result<HttpResponse> PartlyAllowedAccount(const HttpRequest& request) {
  auto error = [](int status, const std::string& code) {
    return HttpResponse{.status = status,
                        .body = "<Response><Errors><Error><Code>" + code +
                                "</Code><Message>m</Message></Error></Errors></Response>"};
  };
  const std::string& body = request.body;
  if (body.find("Action=GetCallerIdentity") != std::string::npos) {
    return HttpResponse{.status = 200,
                        .body =
                            "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>"
                            "arn:aws:iam::111122223333:user/co</Arn><Account>111122223333"
                            "</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"};
  }
  if (body.find("Action=DescribeVolumes") != std::string::npos ||
      body.find("Action=DeleteVolume") != std::string::npos) {
    return error(403, "UnauthorizedOperation");
  }
  if (body.find("DryRun=true") != std::string::npos) return error(412, "DryRunOperation");
  if (request.headers.Get("X-Amz-Target") == "AmazonSQS.GetQueueAttributes") {
    return HttpResponse{.status = 200,
                        .body = R"({"Attributes":{"ApproximateNumberOfMessages":"3"}})"};
  }
  return HttpResponse{.status = 200, .body = "<Ok/>"};
}

class AwsCheckTest : public ::testing::Test {
 protected:
  std::unique_ptr<AwsSession> Session() {
    Environment env = {{"AWS_ACCESS_KEY_ID", "AKID"},
                       {"AWS_SECRET_ACCESS_KEY", "s"},
                       {"AWS_REGION", "eu-west-1"},
                       {"AWS_CONFIG_FILE", "/nonexistent"},
                       {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}};
    Result<AwsConfig> config = LoadAwsConfig({}, env);
    EXPECT_TRUE(config.has_value());
    return std::move(*AwsSession::Create(*config, http_, clock_));
  }
  FakeHttpClient http_;
  FakeClock clock_{std::chrono::system_clock::from_time_t(1'764'000'000)};
};

const CheckItem* Find(const std::vector<CheckItem>& items, std::string_view name) {
  for (const CheckItem& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

TEST_F(AwsCheckTest, DeniedPermissionsAreFailedWithAFixAndTheRestPass) {
  http_.SetHandler(PartlyAllowedAccount);
  auto session = Session();
  std::vector<CheckItem> items = RunAwsChecks(*session, {.queue_url = "https://sqs/q"});
  const CheckItem* volumes = Find(items, "ec2:DescribeVolumes");
  ASSERT_NE(volumes, nullptr);
  EXPECT_EQ(volumes->outcome, CheckOutcome::kFailed);
  EXPECT_NE(volumes->fix.find("arn:aws:iam::111122223333:user/co"), std::string::npos);
  EXPECT_EQ(Find(items, "ec2:DeleteVolume")->outcome, CheckOutcome::kFailed);
  EXPECT_EQ(Find(items, "ec2:TerminateInstances")->outcome, CheckOutcome::kPassed);
  EXPECT_EQ(Find(items, "ec2:DescribeInstances")->outcome, CheckOutcome::kPassed);
  EXPECT_EQ(Find(items, "sqs:GetQueueAttributes")->outcome, CheckOutcome::kPassed);
  EXPECT_NE(Find(items, "sqs:GetQueueAttributes")->detail.find("3 message"), std::string::npos);
  EXPECT_FALSE(AllRequiredPassed(items));
  const std::string text = FormatChecklist(items);
  EXPECT_NE(text.find("✗ ec2:DescribeVolumes"), std::string::npos) << text;
  EXPECT_NE(text.find("✓ ec2:RunInstances"), std::string::npos) << text;
  EXPECT_NE(text.find("fix: allow \"ec2:DescribeVolumes\""), std::string::npos) << text;
  EXPECT_NE(text.find("2 failed"), std::string::npos) << text;
}

TEST_F(AwsCheckTest, BadCredentialsStopAfterTheIdentityCheck) {
  http_.SetHandler([](const HttpRequest&) -> Result<HttpResponse> {
    return HttpResponse{.status = 403,
                        .body =
                            "<ErrorResponse><Error><Code>InvalidClientTokenId</Code>"
                            "<Message>bad</Message></Error></ErrorResponse>"};
  });
  auto session = Session();
  std::vector<CheckItem> items = RunAwsChecks(*session, {});
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].name, "sts:GetCallerIdentity");
  EXPECT_EQ(items[0].outcome, CheckOutcome::kFailed);
  EXPECT_NE(items[0].fix.find("not valid"), std::string::npos);
  EXPECT_FALSE(AllRequiredPassed(items));
}

}  // namespace
}  // namespace cloudoptim::aws
