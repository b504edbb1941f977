// CloudOptim's AWS client, unchanged, against the sandbox's simulated AWS endpoint (h/cloudsim):
// the same code path as production and as the moto tests — config, credentials chain with the
// customer role and ExternalId, SigV4, CurlHttpClient — on a loopback AwsEndpoint.
#include <gtest/gtest.h>

#include "aws/aws_error.h"
#include "aws/aws_session.h"
#include "aws/ec2_client.h"
#include "aws/interruption_poller.h"
#include "aws/sqs_client.h"
#include "aws/sts_client.h"
#include "cloudsim/aws_endpoint.h"
#include "net/curl_http_client.h"

namespace cloudoptim::aws {
namespace {

const TimePoint kStart = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26};

class AwsSandboxEndpointTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto catalog = Catalog::Load(std::string(CO_SOURCE_DIR) + "/data");
    ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();
    catalog_ = new Catalog(std::move(*catalog));
  }
  static void TearDownTestSuite() { delete catalog_; }

  AwsSandboxEndpointTest()
      : clock_(kStart),
        cloud_({.region = "us-east-1",
                .catalog = catalog_,
                .seed = 5,
                .zones = {"us-east-1a", "us-east-1b", "us-east-1c"}}),
        endpoint_(cloud_, clock_) {}

  void SetUp() override {
    endpoint_.RequireExternalId("ext-sandbox");
    // Node launches name it; EC2 (and the sandbox) refuse a template the account lacks.
    ASSERT_TRUE(cloud_.CreateLaunchTemplate("nodes", {}, {}, kStart).has_value());
    ASSERT_TRUE(endpoint_.Start("127.0.0.1", 0).has_value());
    Environment env = {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                       {"AWS_SECRET_ACCESS_KEY", "secret"},
                       {"AWS_CONFIG_FILE", "/nonexistent"},
                       {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}};
    Result<AwsConfig> config =
        LoadAwsConfig({.region = "us-east-1",
                       .endpoint_url = endpoint_.url(),
                       .role_arn = "arn:aws:iam::123456789012:role/cloudoptim",
                       .external_id = "ext-sandbox"},
                      env);
    ASSERT_TRUE(config.has_value()) << config.error().ToString();
    Result<std::unique_ptr<AwsSession>> session = AwsSession::Create(*config, http_, clock_);
    ASSERT_TRUE(session.has_value()) << session.error().ToString();
    session_ = std::move(*session);
  }
  void TearDown() override { endpoint_.Stop(); }

  Ec2Client Ec2() { return Ec2Client(session_->transport(), session_->config().Endpoint("ec2")); }

  static inline Catalog* catalog_ = nullptr;
  FakeClock clock_;
  SimulatedCloud cloud_;
  AwsEndpoint endpoint_;
  CurlHttpClient http_;
  std::unique_ptr<AwsSession> session_;
};

TEST_F(AwsSandboxEndpointTest, AssumesTheCustomerRoleWithItsExternalId) {
  StsClient sts(session_->transport(), session_->config().Endpoint("sts"));
  Result<CallerIdentity> me = sts.GetCallerIdentity();
  ASSERT_TRUE(me.has_value()) << me.error().ToString();
  EXPECT_EQ(me->account, "123456789012");
  EXPECT_NE(me->arn.find("cloudoptim"), std::string::npos) << me->arn;
}

TEST_F(AwsSandboxEndpointTest, LaunchesListsTagsAndTerminatesInstances) {
  Ec2Client ec2 = Ec2();
  Result<std::vector<Subnet>> subnets = ec2.DescribeSubnets({});
  ASSERT_TRUE(subnets.has_value()) << subnets.error().ToString();
  ASSERT_GE(subnets->size(), 3u);
  Result<FleetResult> launched = ec2.Launch(
      {.launch_template_name = "nodes",
       .overrides = {{"m5.large", (*subnets)[0].subnet_id}, {"c5.large", (*subnets)[1].subnet_id}},
       .capacity = CapacityType::kSpot,
       .count = 3,
       .tags = {{"eks:cluster-name", "sandbox"}}});
  ASSERT_TRUE(launched.has_value()) << launched.error().ToString();
  ASSERT_EQ(launched->instance_ids.size(), 3u);

  clock_.Advance(std::chrono::minutes(1));  // past registration: running
  Result<std::vector<Ec2Instance>> listed =
      ec2.DescribeInstances({{"tag:eks:cluster-name", {"sandbox"}}}, {}, 5);
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 3u);
  for (const Ec2Instance& instance : *listed) {
    EXPECT_EQ(instance.capacity, CapacityType::kSpot);
    EXPECT_EQ(instance.state, InstanceState::kRunning);
  }
  const std::string id = launched->instance_ids.front();
  ASSERT_TRUE(ec2.CreateTags({id}, {{"cloudoptim/managed", "true"}}).has_value());
  Result<std::vector<InstanceStateChange>> terminated = ec2.TerminateInstances({id});
  ASSERT_TRUE(terminated.has_value()) << terminated.error().ToString();
  EXPECT_EQ(terminated->front().instance_id, id);

  Result<std::vector<InstanceStateChange>> unknown = ec2.TerminateInstances({"i-0badbadbadbad0"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_TRUE(IsNotFound(unknown.error())) << unknown.error().ToString();
}

TEST_F(AwsSandboxEndpointTest, AnInjectedSpotInterruptionReachesThePoller) {
  auto launched = cloud_.RunInstances({.instance_type = "m5.large",
                                       .zone = "us-east-1a",
                                       .capacity = CapacityType::kSpot,
                                       .count = 1},
                                      clock_.Now());
  ASSERT_TRUE(launched.has_value()) << launched.error().ToString();
  clock_.Advance(std::chrono::minutes(1));
  const std::string id = launched->front().instance_id;
  ASSERT_TRUE(cloud_.InjectSpotInterruption(id, clock_.Now()).has_value());

  SqsClient sqs(session_->transport(), session_->config().Endpoint("sqs"));
  Result<std::string> queue_url = sqs.GetQueueUrl(cloud_.QueueName());
  ASSERT_TRUE(queue_url.has_value()) << queue_url.error().ToString();
  InterruptionPoller poller(sqs, *queue_url, {.max_messages = 10, .wait_seconds = 0});
  std::vector<InstanceEvent> events;
  Result<PollReport> report = poller.PollOnce([&](const InstanceEvent& event) -> Status {
    events.push_back(event);
    return Ok();
  });
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  ASSERT_EQ(events.size(), 1u) << "notes: " << (report->notes.empty() ? "" : report->notes[0]);
  EXPECT_EQ(events[0].kind, InstanceEventKind::kSpotInterruptionWarning);
  EXPECT_EQ(events[0].instance_ids.front(), id);
  Result<std::map<std::string, std::string>> attributes =
      sqs.GetQueueAttributes(*queue_url, {"ApproximateNumberOfMessages"});
  ASSERT_TRUE(attributes.has_value()) << attributes.error().ToString();
  EXPECT_EQ(attributes->at("ApproximateNumberOfMessages"), "0");
}

}  // namespace
}  // namespace cloudoptim::aws
