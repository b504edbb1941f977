// The AWS client against a real AWS emulator: moto_server on a free loopback port, reached
// through the production path (LoadAwsConfig -> AwsSession -> CurlHttpClient -> SigV4).
// Each test uses its own tags and names, so they share one moto process.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "aws/aws_error.h"
#include "aws/aws_session.h"
#include "aws/ec2_client.h"
#include "aws/interruption_poller.h"
#include "aws/sqs_client.h"
#include "aws/sts_client.h"
#include "net/curl_http_client.h"
#include "support/process.h"

namespace cloudoptim::aws {
namespace {

using cloudoptim::testing::ChildProcess;
using cloudoptim::testing::FreeLoopbackPort;
using cloudoptim::testing::MakeTempDirectory;
using cloudoptim::testing::RunCommand;
using cloudoptim::testing::WaitForPort;

// Counts the HTTP exchanges, so tests can see pagination happen.
class CountingHttpClient final : public HttpClient {
 public:
  explicit CountingHttpClient(HttpClient& inner) : inner_(inner) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    ++count_;
    return inner_.Send(request);
  }
  int count() const { return count_.load(); }

 private:
  HttpClient& inner_;
  std::atomic<int> count_{0};
};

class AwsMotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    port_ = FreeLoopbackPort();
    home_ = MakeTempDirectory("co-aws-moto");
    moto_ = new ChildProcess(
        ChildProcess::Start({"moto_server", "-p", std::to_string(port_)}, {}, home_ + "/moto.log"));
    // moto_server is a Python program: on a loaded machine its imports alone take many seconds.
    ASSERT_TRUE(WaitForPort(port_, std::chrono::seconds(120))) << "moto_server did not start";
  }
  static void TearDownTestSuite() {
    delete moto_;
    moto_ = nullptr;
    std::filesystem::remove_all(home_);
  }

  static std::string Endpoint() { return "http://127.0.0.1:" + std::to_string(port_); }
  static Environment BaseEnvironment() {
    return {{"HOME", home_},
            {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
            {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
            {"AWS_REGION", "us-east-1"},
            {"AWS_ENDPOINT_URL", Endpoint()}};
  }

  std::unique_ptr<AwsSession> MakeSession(const AwsOptions& options = {},
                                          Environment env = BaseEnvironment()) {
    Result<AwsConfig> config = LoadAwsConfig(options, env);
    EXPECT_TRUE(config.has_value()) << config.error().ToString();
    Result<std::unique_ptr<AwsSession>> session = AwsSession::Create(*config, counting_, clock_);
    EXPECT_TRUE(session.has_value()) << session.error().ToString();
    return std::move(*session);
  }
  Ec2Client Ec2(AwsSession& session) {
    return Ec2Client(session.transport(), session.config().Endpoint("ec2"));
  }
  // The aws CLI against moto, for setup the client itself does not offer.
  std::string AwsCli(std::vector<std::string> args) {
    args.insert(args.begin(), {"aws", "--endpoint-url", Endpoint(), "--output", "text"});
    std::map<std::string, std::string> env = {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                              {"AWS_SECRET_ACCESS_KEY", "x"},
                                              {"AWS_DEFAULT_REGION", "us-east-1"}};
    testing::CommandResult result = RunCommand(args, env);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    std::string out = result.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }
  std::string LaunchTemplate(const std::string& name) {
    return AwsCli({"ec2", "create-launch-template", "--launch-template-name", name,
                   "--launch-template-data", R"({"ImageId":"ami-12345678"})", "--query",
                   "LaunchTemplate.LaunchTemplateId"});
  }
  std::vector<Subnet> Subnets(Ec2Client& ec2) {
    Result<std::vector<Subnet>> subnets = ec2.DescribeSubnets({});
    EXPECT_TRUE(subnets.has_value()) << subnets.error().ToString();
    EXPECT_GE(subnets->size(), 3u);
    return *subnets;
  }

  static inline int port_ = 0;
  static inline std::string home_;
  static inline ChildProcess* moto_ = nullptr;
  CurlHttpClient http_;
  CountingHttpClient counting_{http_};
  SystemClock clock_;
};

TEST_F(AwsMotoTest, GetCallerIdentityNamesTheAccount) {
  auto session = MakeSession();
  StsClient sts(session->transport(), session->config().Endpoint("sts"));
  Result<CallerIdentity> me = sts.GetCallerIdentity();
  ASSERT_TRUE(me.has_value()) << me.error().ToString();
  EXPECT_EQ(me->account, "123456789012");
  EXPECT_FALSE(me->arn.empty());
}

TEST_F(AwsMotoTest, AssumeRoleWithExternalIdYieldsASessionThatWorks) {
  auto session = MakeSession({.role_arn = "arn:aws:iam::123456789012:role/cloudoptim-customer",
                              .external_id = "ext-7f3a"});
  StsClient sts(session->transport(), session->config().Endpoint("sts"));
  Result<CallerIdentity> me = sts.GetCallerIdentity();
  ASSERT_TRUE(me.has_value()) << me.error().ToString();
  EXPECT_NE(me->arn.find("assumed-role/cloudoptim-customer/cloudoptim"), std::string::npos)
      << me->arn;
  Result<AwsCredentials> credentials = session->credentials().Get();
  ASSERT_TRUE(credentials.has_value());
  EXPECT_FALSE(credentials->session_token.empty());
  EXPECT_TRUE(credentials->expiration.has_value());
}

TEST_F(AwsMotoTest, WebIdentityFromTheEnvironmentAssumesTheRole) {
  const std::string token_file = home_ + "/web-identity-token";
  std::ofstream(token_file) << "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2ln\n";
  Environment env = BaseEnvironment();
  env.erase("AWS_ACCESS_KEY_ID");
  env.erase("AWS_SECRET_ACCESS_KEY");
  env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/irsa-cloudoptim";
  env["AWS_WEB_IDENTITY_TOKEN_FILE"] = token_file;
  auto session = MakeSession({}, env);
  StsClient sts(session->transport(), session->config().Endpoint("sts"));
  Result<CallerIdentity> me = sts.GetCallerIdentity();
  ASSERT_TRUE(me.has_value()) << me.error().ToString();
  EXPECT_NE(me->arn.find("irsa-cloudoptim"), std::string::npos) << me->arn;
}

TEST_F(AwsMotoTest, ProfileWithRoleAndSourceProfileFromSharedFiles) {
  const std::string dir = MakeTempDirectory("co-aws-profile");
  std::ofstream(dir + "/credentials") << "[base]\naws_access_key_id = AKIDBASE\n"
                                         "aws_secret_access_key = s\n";
  std::ofstream(dir + "/config") << "[profile customer]\nregion = us-east-1\n"
                                    "role_arn = arn:aws:iam::123456789012:role/from-profile\n"
                                    "source_profile = base\nexternal_id = abc\n";
  Environment env = {{"HOME", home_},
                     {"AWS_CONFIG_FILE", dir + "/config"},
                     {"AWS_SHARED_CREDENTIALS_FILE", dir + "/credentials"},
                     {"AWS_ENDPOINT_URL_STS", Endpoint()},
                     {"AWS_PROFILE", "customer"}};
  auto session = MakeSession({}, env);
  StsClient sts(session->transport(), session->config().Endpoint("sts"));
  Result<CallerIdentity> me = sts.GetCallerIdentity();
  ASSERT_TRUE(me.has_value()) << me.error().ToString();
  EXPECT_NE(me->arn.find("from-profile"), std::string::npos) << me->arn;
  std::filesystem::remove_all(dir);
}

TEST_F(AwsMotoTest, LaunchThroughCreateFleetThenListAcrossPagesByClusterTag) {
  auto session = MakeSession();
  Ec2Client ec2 = Ec2(*session);
  const std::vector<Subnet> subnets = Subnets(ec2);
  FleetRequest request{
      .launch_template_id = LaunchTemplate("fleet-paging"),
      .overrides = {{"m5.large", subnets[0].subnet_id},
                    {"m5a.large", subnets[1].subnet_id},
                    {"c5.large", subnets[2].subnet_id}},
      .capacity = CapacityType::kSpot,
      .count = 7,
      .tags = {{"eks:cluster-name", "paging"}, {"kubernetes.io/cluster/paging", "owned"}}};
  Result<FleetResult> launched = ec2.Launch(request);
  ASSERT_TRUE(launched.has_value()) << launched.error().ToString();
  EXPECT_EQ(launched->instance_ids.size(), 7u);
  EXPECT_FALSE(launched->used_run_instances_fallback);

  const int before = counting_.count();
  Result<std::vector<Ec2Instance>> listed =
      ec2.DescribeInstances({{"tag:eks:cluster-name", {"paging"}}}, {}, /*page_size=*/5);
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  EXPECT_EQ(listed->size(), 7u);
  EXPECT_GE(counting_.count() - before, 2) << "7 instances at 5 per page need two pages";
  for (const Ec2Instance& instance : *listed) {
    EXPECT_EQ(instance.tags.at("kubernetes.io/cluster/paging"), "owned");
    EXPECT_EQ(instance.capacity, CapacityType::kSpot);
    EXPECT_FALSE(instance.availability_zone.empty());
    EXPECT_FALSE(instance.subnet_id.empty());
    EXPECT_FALSE(instance.private_ip.empty());
  }
  Result<std::vector<Ec2Instance>> by_cluster_tag =
      ec2.DescribeInstances({{"tag:kubernetes.io/cluster/paging", {"owned"}}});
  ASSERT_TRUE(by_cluster_tag.has_value());
  EXPECT_EQ(by_cluster_tag->size(), 7u);
}

TEST_F(AwsMotoTest, RunInstancesTagsAndTerminate) {
  auto session = MakeSession();
  Ec2Client ec2 = Ec2(*session);
  const std::vector<Subnet> subnets = Subnets(ec2);
  FleetRequest request{.launch_template_id = LaunchTemplate("run-direct"),
                       .tags = {{"eks:cluster-name", "direct"}}};
  Result<std::vector<Ec2Instance>> run =
      ec2.RunInstances(request, {"m5.large", subnets[0].subnet_id}, 2);
  ASSERT_TRUE(run.has_value()) << run.error().ToString();
  ASSERT_EQ(run->size(), 2u);
  const std::string id = run->front().instance_id;
  EXPECT_EQ(run->front().capacity, CapacityType::kOnDemand);

  ASSERT_TRUE(ec2.CreateTags({id}, {{"cloudoptim/managed", "true"}, {"team", "a"}}).has_value());
  ASSERT_TRUE(ec2.DeleteTags({id}, {"team"}).has_value());
  Result<std::vector<Ec2Instance>> one = ec2.DescribeInstances({}, {id});
  ASSERT_TRUE(one.has_value());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->front().tags.at("cloudoptim/managed"), "true");
  EXPECT_FALSE(one->front().tags.contains("team"));

  Result<std::vector<InstanceStateChange>> terminated = ec2.TerminateInstances({id});
  ASSERT_TRUE(terminated.has_value()) << terminated.error().ToString();
  ASSERT_EQ(terminated->size(), 1u);
  EXPECT_EQ(terminated->front().instance_id, id);
  EXPECT_EQ(terminated->front().previous_state, "running");
}

TEST_F(AwsMotoTest, UnknownInstanceIsNotFoundWithTheAwsCode) {
  auto session = MakeSession();
  Ec2Client ec2 = Ec2(*session);
  Result<std::vector<InstanceStateChange>> r = ec2.TerminateInstances({"i-0123456789abcdef0"});
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(IsNotFound(r.error())) << r.error().ToString();
  EXPECT_EQ(AwsErrorCode(r.error()), "InvalidInstanceID.NotFound");
}

TEST_F(AwsMotoTest, VolumesSnapshotsAndDelete) {
  auto session = MakeSession();
  Ec2Client ec2 = Ec2(*session);
  const std::string volume_id =
      AwsCli({"ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "20",
              "--volume-type", "gp3", "--tag-specifications",
              "ResourceType=volume,Tags=[{Key=kubernetes.io/created-for/pvc/name,Value=data-0}]",
              "--query", "VolumeId"});
  Result<std::vector<EbsVolume>> volumes =
      ec2.DescribeVolumes({{"status", {"available"}}}, {volume_id});
  ASSERT_TRUE(volumes.has_value()) << volumes.error().ToString();
  ASSERT_EQ(volumes->size(), 1u);
  EXPECT_EQ(volumes->front().size_gib, 20);
  EXPECT_EQ(volumes->front().volume_type, "gp3");
  EXPECT_EQ(volumes->front().state, VolumeState::kAvailable);
  EXPECT_EQ(volumes->front().tags.at("kubernetes.io/created-for/pvc/name"), "data-0");

  Result<EbsSnapshot> snapshot =
      ec2.CreateSnapshot(volume_id, "cloudoptim before delete", {{"cloudoptim/volume", volume_id}});
  ASSERT_TRUE(snapshot.has_value()) << snapshot.error().ToString();
  EXPECT_EQ(snapshot->volume_id, volume_id);
  Result<std::vector<EbsSnapshot>> snapshots = ec2.DescribeSnapshots({{"volume-id", {volume_id}}});
  ASSERT_TRUE(snapshots.has_value()) << snapshots.error().ToString();
  ASSERT_EQ(snapshots->size(), 1u);
  EXPECT_EQ(snapshots->front().snapshot_id, snapshot->snapshot_id);
  EXPECT_EQ(snapshots->front().tags.at("cloudoptim/volume"), volume_id);

  ASSERT_TRUE(ec2.DeleteVolume(volume_id).has_value());
  Result<std::vector<EbsVolume>> gone = ec2.DescribeVolumes({}, {volume_id});
  ASSERT_FALSE(gone.has_value());
  EXPECT_TRUE(IsNotFound(gone.error())) << gone.error().ToString();
}

TEST_F(AwsMotoTest, CatalogueReadsTypesOfferingsZonesAndSpotPrices) {
  auto session = MakeSession();
  Ec2Client ec2 = Ec2(*session);
  Result<std::vector<InstanceTypeInfo>> types = ec2.DescribeInstanceTypes({"m5.large"});
  ASSERT_TRUE(types.has_value()) << types.error().ToString();
  ASSERT_EQ(types->size(), 1u);
  EXPECT_EQ(types->front().vcpus, 2);
  EXPECT_EQ(types->front().memory_mib, 8192);
  EXPECT_GT(types->front().max_network_interfaces, 0);

  Result<std::vector<InstanceTypeOffering>> offerings =
      ec2.DescribeInstanceTypeOfferings({{"instance-type", {"m5.large"}}});
  ASSERT_TRUE(offerings.has_value()) << offerings.error().ToString();
  EXPECT_GE(offerings->size(), 3u);
  for (const auto& offering : *offerings) EXPECT_TRUE(offering.location.starts_with("us-east-1"));

  Result<std::vector<AvailabilityZone>> zones = ec2.DescribeAvailabilityZones();
  ASSERT_TRUE(zones.has_value()) << zones.error().ToString();
  EXPECT_GE(zones->size(), 3u);
  EXPECT_EQ(zones->front().state, "available");

  const TimePoint now = std::chrono::system_clock::now();
  Result<std::vector<SpotPricePoint>> prices =
      ec2.DescribeSpotPriceHistory({.instance_types = {"m5.large"},
                                    .product_descriptions = {},
                                    .start_time = now - std::chrono::hours(24),
                                    .end_time = now});
  ASSERT_TRUE(prices.has_value()) << prices.error().ToString();
  ASSERT_FALSE(prices->empty());
  for (const auto& point : *prices) {
    EXPECT_EQ(point.instance_type, "m5.large");
    EXPECT_GT(point.usd_per_hour.micros(), 0);
  }
}

TEST_F(AwsMotoTest, DryRunSaysAllowedForWrites) {
  auto session = MakeSession();
  Ec2Client ec2 = Ec2(*session);
  const std::vector<Subnet> subnets = Subnets(ec2);
  FleetRequest request{.launch_template_id = LaunchTemplate("dry-run")};
  Status run = ec2.DryRun(RunInstancesParams(request, {"m5.large", subnets[0].subnet_id}, 1));
  EXPECT_TRUE(run.has_value()) << run.error().ToString();
  QueryParams tags("CreateTags", kEc2ApiVersion);
  tags.Add("ResourceId.1", "i-0123456789abcdef0").Add("Tag.1.Key", "k").Add("Tag.1.Value", "v");
  Status tag = ec2.DryRun(tags);
  EXPECT_TRUE(tag.has_value()) << tag.error().ToString();
}

TEST_F(AwsMotoTest, SqsReceiveChangeVisibilityBatchDeleteAndAttributes) {
  auto session = MakeSession();
  SqsClient sqs(session->transport(), session->config().Endpoint("sqs"));
  Result<std::string> queue_url = sqs.CreateQueue("co-sqs-roundtrip");
  ASSERT_TRUE(queue_url.has_value()) << queue_url.error().ToString();
  Result<std::string> looked_up = sqs.GetQueueUrl("co-sqs-roundtrip");
  ASSERT_TRUE(looked_up.has_value()) << looked_up.error().ToString();
  EXPECT_EQ(*looked_up, *queue_url);

  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(sqs.SendMessage(*queue_url, "message " + std::to_string(i)).has_value());
  }
  Result<std::map<std::string, std::string>> attributes = sqs.GetQueueAttributes(*queue_url);
  ASSERT_TRUE(attributes.has_value()) << attributes.error().ToString();
  EXPECT_EQ(attributes->at("ApproximateNumberOfMessages"), "12");
  EXPECT_FALSE(attributes->at("QueueArn").empty());

  std::vector<BatchEntry> received;
  while (received.size() < 12) {
    Result<std::vector<SqsMessage>> batch = sqs.ReceiveMessage(
        *queue_url, {.max_messages = 10, .wait_seconds = 1, .visibility_timeout_seconds = 60});
    ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
    ASSERT_FALSE(batch->empty()) << "messages went missing after " << received.size();
    EXPECT_LE(batch->size(), 10u);
    for (const SqsMessage& m : *batch) {
      EXPECT_TRUE(m.body.starts_with("message "));
      EXPECT_EQ(m.receive_count, 1);
      received.push_back({"m" + std::to_string(received.size()), m.receipt_handle});
    }
  }
  ASSERT_TRUE(
      sqs.ChangeMessageVisibility(*queue_url, received.front().receipt_handle, 120).has_value());
  ASSERT_TRUE(sqs.DeleteMessage(*queue_url, received.back().receipt_handle).has_value());
  received.pop_back();
  Result<std::vector<BatchFailure>> failures = sqs.DeleteMessageBatch(*queue_url, received);
  ASSERT_TRUE(failures.has_value()) << failures.error().ToString();
  EXPECT_TRUE(failures->empty());
  attributes = sqs.GetQueueAttributes(
      *queue_url, {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"});
  ASSERT_TRUE(attributes.has_value());
  EXPECT_EQ(attributes->at("ApproximateNumberOfMessages"), "0");
  EXPECT_EQ(attributes->at("ApproximateNumberOfMessagesNotVisible"), "0");

  Result<std::vector<SqsMessage>> empty =
      sqs.ReceiveMessage(*queue_url, {.max_messages = 1, .wait_seconds = 1});
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST_F(AwsMotoTest, SqsUnknownQueueIsNotFoundAndBadOptionsAreRejectedLocally) {
  auto session = MakeSession();
  SqsClient sqs(session->transport(), session->config().Endpoint("sqs"));
  Result<std::string> missing = sqs.GetQueueUrl("co-no-such-queue");
  ASSERT_FALSE(missing.has_value());
  EXPECT_TRUE(IsNotFound(missing.error())) << missing.error().ToString();
  const int before = counting_.count();
  EXPECT_TRUE(IsInvalidArgument(sqs.ReceiveMessage("u", {.max_messages = 11}).error()));
  EXPECT_TRUE(IsInvalidArgument(sqs.ReceiveMessage("u", {.wait_seconds = 21}).error()));
  EXPECT_EQ(counting_.count(), before);
}

TEST_F(AwsMotoTest, EventBridgeRuleDeliversASpotWarningThatThePollerDecodes) {
  auto session = MakeSession();
  SqsClient sqs(session->transport(), session->config().Endpoint("sqs"));
  Result<std::string> queue_url = sqs.CreateQueue("co-interruptions");
  ASSERT_TRUE(queue_url.has_value()) << queue_url.error().ToString();
  Result<std::map<std::string, std::string>> attributes =
      sqs.GetQueueAttributes(*queue_url, {"QueueArn"});
  ASSERT_TRUE(attributes.has_value());
  const std::string queue_arn = attributes->at("QueueArn");

  // The rule and target a customer creates from our onboarding template.
  AwsCli({"events", "put-rule", "--name", "cloudoptim-spot", "--event-pattern",
          R"({"source":["aws.ec2"],"detail-type":["EC2 Spot Instance Interruption Warning",)"
          R"("EC2 Instance Rebalance Recommendation"]})"});
  AwsCli({"events", "put-targets", "--rule", "cloudoptim-spot", "--targets",
          "Id=sqs,Arn=" + queue_arn});
  AwsCli(
      {"events", "put-events", "--entries",
       R"([{"Source":"aws.ec2","DetailType":"EC2 Spot Instance Interruption Warning",)"
       R"("Detail":"{\"instance-id\":\"i-0feed0000000beef\",\"instance-action\":\"terminate\"}",)"
       R"("Resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-0feed0000000beef"]}])"});
  // Two bodies the poller must not act on: one malformed, one of another kind.
  ASSERT_TRUE(sqs.SendMessage(*queue_url, "{not json").has_value());
  ASSERT_TRUE(sqs.SendMessage(*queue_url, R"({"detail-type":"EC2 AMI State Change","detail":{}})")
                  .has_value());

  InterruptionPoller poller(sqs, *queue_url, {.max_messages = 10, .wait_seconds = 2});
  std::vector<InstanceEvent> handled;
  PollReport total;
  for (int round = 0; round < 5 && total.received < 3; ++round) {
    Result<PollReport> report = poller.PollOnce([&](const InstanceEvent& event) -> Status {
      handled.push_back(event);
      return Ok();
    });
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    total.received += report->received;
    total.handled += report->handled;
    total.skipped += report->skipped;
    total.malformed += report->malformed;
  }
  EXPECT_EQ(total.received, 3);
  EXPECT_EQ(total.handled, 1);
  EXPECT_EQ(total.skipped, 1);
  EXPECT_EQ(total.malformed, 1);
  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0].kind, InstanceEventKind::kSpotInterruptionWarning);
  EXPECT_EQ(handled[0].instance_ids.front(), "i-0feed0000000beef");
  EXPECT_EQ(handled[0].instance_action, "terminate");
  EXPECT_EQ(handled[0].region, "us-east-1");
  attributes = sqs.GetQueueAttributes(
      *queue_url, {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"});
  ASSERT_TRUE(attributes.has_value());
  EXPECT_EQ(attributes->at("ApproximateNumberOfMessages"), "0");
  EXPECT_EQ(attributes->at("ApproximateNumberOfMessagesNotVisible"), "0")
      << "every finished message is deleted";
}

TEST_F(AwsMotoTest, AwsCheckCommandPrintsAPassingChecklist) {
  auto session = MakeSession();
  SqsClient sqs(session->transport(), session->config().Endpoint("sqs"));
  Result<std::string> queue_url = sqs.CreateQueue("co-check-queue");
  ASSERT_TRUE(queue_url.has_value());
  testing::CommandResult result =
      RunCommand({CO_BINARY, "aws", "check", "--region", "us-east-1", "--endpoint-url", Endpoint(),
                  "--role-arn", "arn:aws:iam::123456789012:role/cloudoptim", "--external-id",
                  "ext-1", "--queue-url", *queue_url},
                 {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                  {"AWS_SECRET_ACCESS_KEY", "x"},
                  {"AWS_CONFIG_FILE", "/nonexistent"},
                  {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  for (const char* line :
       {"✓ sts:AssumeRole arn:aws:iam::123456789012:role/cloudoptim", "✓ sts:GetCallerIdentity",
        "✓ ec2:DescribeInstances", "✓ ec2:DescribeSpotPriceHistory", "✓ ec2:RunInstances",
        "✓ ec2:TerminateInstances", "✓ ec2:CreateTags", "✓ ec2:CreateSnapshot",
        "✓ ec2:DeleteVolume", "✓ sqs:GetQueueAttributes", "0 failed"}) {
    EXPECT_NE(result.output.find(line), std::string::npos) << line << " in\n" << result.output;
  }
}

TEST_F(AwsMotoTest, AwsCheckCommandFailsOnAMissingQueueSayingWhatToFix) {
  testing::CommandResult result =
      RunCommand({CO_BINARY, "aws", "check", "--region", "us-east-1", "--endpoint-url", Endpoint(),
                  "--queue-url", Endpoint() + "/123456789012/co-no-such-queue"},
                 {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                  {"AWS_SECRET_ACCESS_KEY", "x"},
                  {"AWS_CONFIG_FILE", "/nonexistent"},
                  {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("✗ sqs:GetQueueAttributes"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("does not exist in this account and region"), std::string::npos);
}

}  // namespace
}  // namespace cloudoptim::aws
