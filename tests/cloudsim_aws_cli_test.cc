// The sandbox's AWS endpoint driven by the real AWS CLI: an AwsEndpoint serves a seeded
// SimulatedCloud in-process on a free loopback port and `aws --endpoint-url` inspects and
// changes it the way an engineer would a real account (EC2, SQS, STS), including the error
// cases, after which the endpoint must still serve.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "cloudsim/aws_endpoint.h"
#include "support/process.h"

namespace cloudoptim {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAreArray;

const TimePoint kStart = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26};

class RecordingListener : public SimulatedCloud::Listener {
 public:
  void OnInstanceRunning(const Ec2Instance& instance, bool) override {
    std::lock_guard lock(mutex);
    running.push_back(instance.instance_id);
  }
  void OnInstanceTerminated(const Ec2Instance& instance) override {
    std::lock_guard lock(mutex);
    terminated.push_back(instance.instance_id);
  }
  bool Ran(const std::string& id) {
    std::lock_guard lock(mutex);
    return std::find(running.begin(), running.end(), id) != running.end();
  }
  bool Terminated(const std::string& id) {
    std::lock_guard lock(mutex);
    return std::find(terminated.begin(), terminated.end(), id) != terminated.end();
  }
  std::mutex mutex;
  std::vector<std::string> running;
  std::vector<std::string> terminated;
};

struct CliResult {
  int exit_code;
  std::string output;
  json body;  // stdout parsed, when it was JSON
};

class CloudsimAwsCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto catalog = Catalog::Load(std::string(CO_SOURCE_DIR) + "/data");
    ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();
    catalog_ = new Catalog(std::move(*catalog));
  }
  static void TearDownTestSuite() { delete catalog_; }

  CloudsimAwsCliTest()
      : clock_(kStart),
        cloud_({.region = "us-east-1",
                .catalog = catalog_,
                .seed = 11,
                .zones = {"us-east-1a", "us-east-1b", "us-east-1c"}}),
        endpoint_(cloud_, clock_) {}

  void SetUp() override {
    cloud_.AddListener(&listener_);
    auto web = cloud_.RunInstances({.instance_type = "m5.large",
                                    .zone = "us-east-1a",
                                    .capacity = CapacityType::kSpot,
                                    .count = 2,
                                    .tags = {{"team", "web"}}},
                                   clock_.Now());
    auto db = cloud_.RunInstances(
        {.instance_type = "r5.large", .zone = "us-east-1b", .tags = {{"team", "db"}}},
        clock_.Now());
    ASSERT_TRUE(web.has_value() && db.has_value());
    web_ids_ = {(*web)[0].instance_id, (*web)[1].instance_id};
    db_id_ = (*db)[0].instance_id;
    clock_.Advance(std::chrono::minutes(1));
    cloud_.Advance(clock_.Now());
    auto unattached =
        cloud_.CreateVolume("us-east-1a", 20, "gp3", {{"owner", "nobody"}}, clock_.Now());
    auto attached = cloud_.CreateVolume("us-east-1b", 100, "gp3", {}, clock_.Now());
    ASSERT_TRUE(unattached.has_value() && attached.has_value());
    unattached_volume_ = unattached->volume_id;
    attached_volume_ = attached->volume_id;
    ASSERT_TRUE(cloud_.AttachVolume(attached_volume_, db_id_).has_value());
    ASSERT_TRUE(endpoint_.Start("127.0.0.1", 0).has_value());
  }

  CliResult Aws(std::vector<std::string> args,
                std::map<std::string, std::string> credentials = {}) {
    std::vector<std::string> argv = {"aws", "--endpoint-url", endpoint_.url(), "--output", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::map<std::string, std::string> env = {
        {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
        {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
        {"AWS_DEFAULT_REGION", "us-east-1"},
        {"AWS_MAX_ATTEMPTS", "1"},
        {"AWS_CONFIG_FILE", "/dev/null"},
        {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
        {"AWS_PAGER", ""}};
    for (const auto& [key, value] : credentials) env[key] = value;
    testing::CommandResult result = testing::RunCommand(argv, env, std::chrono::seconds(60));
    CliResult out{result.exit_code, result.output, json()};
    const size_t brace = result.output.find('{');
    if (result.exit_code == 0 && brace != std::string::npos) {
      out.body = json::parse(result.output.substr(brace), nullptr, false);
    }
    return out;
  }

  std::vector<std::string> InstanceIds(const json& describe) {
    std::vector<std::string> ids;
    for (const json& reservation : describe["Reservations"]) {
      for (const json& instance : reservation["Instances"]) {
        ids.push_back(instance["InstanceId"].get<std::string>());
      }
    }
    return ids;
  }

  static Catalog* catalog_;
  FakeClock clock_;
  SimulatedCloud cloud_;
  AwsEndpoint endpoint_;
  RecordingListener listener_;
  std::vector<std::string> web_ids_;
  std::string db_id_;
  std::string unattached_volume_;
  std::string attached_volume_;
};

Catalog* CloudsimAwsCliTest::catalog_ = nullptr;

TEST_F(CloudsimAwsCliTest, DescribeInstancesListsTheSimulatedInstancesAndFilters) {
  CliResult all = Aws({"ec2", "describe-instances"});
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_THAT(InstanceIds(all.body), UnorderedElementsAreArray({web_ids_[0], web_ids_[1], db_id_}));
  const json& first = all.body["Reservations"][0]["Instances"][0];
  EXPECT_EQ(first["State"]["Name"], "running");
  EXPECT_EQ(first["State"]["Code"], 16);
  EXPECT_EQ(first["InstanceLifecycle"], "spot");
  EXPECT_EQ(first["Placement"]["AvailabilityZone"], "us-east-1a");
  EXPECT_EQ(first["InstanceType"], "m5.large");

  CliResult web = Aws({"ec2", "describe-instances", "--filters", "Name=tag:team,Values=web",
                       "Name=instance-state-name,Values=running"});
  ASSERT_EQ(web.exit_code, 0) << web.output;
  EXPECT_THAT(InstanceIds(web.body), UnorderedElementsAreArray(web_ids_));

  CliResult on_demand =
      Aws({"ec2", "describe-instances", "--filters", "Name=availability-zone,Values=us-east-1b"});
  EXPECT_THAT(InstanceIds(on_demand.body), UnorderedElementsAreArray({db_id_}));
}

TEST_F(CloudsimAwsCliTest, DescribeInstancesPagesThroughEveryInstance) {
  ASSERT_TRUE(
      cloud_.RunInstances({.instance_type = "c5.large", .count = 9}, clock_.Now()).has_value());
  // --page-size makes the CLI send MaxResults=5 and follow NextToken to the end.
  CliResult paged = Aws({"ec2", "describe-instances", "--page-size", "5"});
  ASSERT_EQ(paged.exit_code, 0) << paged.output;
  EXPECT_THAT(InstanceIds(paged.body), SizeIs(12));
}

TEST_F(CloudsimAwsCliTest, DescribeVolumesFiltersTheUnattachedOnes) {
  CliResult available =
      Aws({"ec2", "describe-volumes", "--filters", "Name=status,Values=available"});
  ASSERT_EQ(available.exit_code, 0) << available.output;
  ASSERT_THAT(available.body["Volumes"], SizeIs(1));
  EXPECT_EQ(available.body["Volumes"][0]["VolumeId"], unattached_volume_);
  EXPECT_EQ(available.body["Volumes"][0]["Size"], 20);
  CliResult in_use = Aws({"ec2", "describe-volumes", "--volume-ids", attached_volume_});
  ASSERT_EQ(in_use.exit_code, 0) << in_use.output;
  EXPECT_EQ(in_use.body["Volumes"][0]["State"], "in-use");
  EXPECT_EQ(in_use.body["Volumes"][0]["Attachments"][0]["InstanceId"], db_id_);
}

TEST_F(CloudsimAwsCliTest, RunInstancesLaunchesAnInstanceThatRunsAfterTheRegistrationDelay) {
  CliResult run = Aws({"ec2", "run-instances", "--image-id", "ami-12345678", "--instance-type",
                       "c5.xlarge", "--count", "1", "--placement", "AvailabilityZone=us-east-1c",
                       "--instance-market-options", "MarketType=spot", "--tag-specifications",
                       "ResourceType=instance,Tags=[{Key=team,Value=batch}]"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::string id = run.body["Instances"][0]["InstanceId"];
  EXPECT_EQ(run.body["Instances"][0]["State"]["Name"], "pending");
  EXPECT_FALSE(listener_.Ran(id));
  clock_.Advance(std::chrono::seconds(31));
  CliResult described = Aws({"ec2", "describe-instances", "--instance-ids", id});
  ASSERT_EQ(described.exit_code, 0) << described.output;
  const json& instance = described.body["Reservations"][0]["Instances"][0];
  EXPECT_EQ(instance["State"]["Name"], "running");
  EXPECT_EQ(instance["Placement"]["AvailabilityZone"], "us-east-1c");
  EXPECT_EQ(instance["Tags"][0]["Value"], "batch");
  EXPECT_TRUE(listener_.Ran(id));
}

TEST_F(CloudsimAwsCliTest, TerminateInstancesShutsDownThenTerminates) {
  CliResult terminate = Aws({"ec2", "terminate-instances", "--instance-ids", web_ids_[0]});
  ASSERT_EQ(terminate.exit_code, 0) << terminate.output;
  const json& change = terminate.body["TerminatingInstances"][0];
  EXPECT_EQ(change["CurrentState"]["Name"], "shutting-down");
  EXPECT_EQ(change["PreviousState"]["Name"], "running");
  CliResult described = Aws({"ec2", "describe-instances", "--instance-ids", web_ids_[0]});
  EXPECT_EQ(described.body["Reservations"][0]["Instances"][0]["State"]["Name"], "terminated");
  EXPECT_TRUE(listener_.Terminated(web_ids_[0]));
}

TEST_F(CloudsimAwsCliTest, CreateSnapshotThenDeleteVolume) {
  CliResult snapshot = Aws({"ec2", "create-snapshot", "--volume-id", unattached_volume_,
                            "--description", "before cleanup"});
  ASSERT_EQ(snapshot.exit_code, 0) << snapshot.output;
  const std::string snapshot_id = snapshot.body["SnapshotId"];
  EXPECT_EQ(snapshot.body["State"], "pending");
  CliResult deleted = Aws({"ec2", "delete-volume", "--volume-id", unattached_volume_});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.output;
  CliResult volumes = Aws({"ec2", "describe-volumes"});
  ASSERT_EQ(volumes.exit_code, 0) << volumes.output;
  ASSERT_THAT(volumes.body["Volumes"], SizeIs(1));
  EXPECT_EQ(volumes.body["Volumes"][0]["VolumeId"], attached_volume_);
  clock_.Advance(std::chrono::minutes(1));
  CliResult snapshots = Aws({"ec2", "describe-snapshots", "--owner-ids", "self"});
  ASSERT_EQ(snapshots.exit_code, 0) << snapshots.output;
  EXPECT_EQ(snapshots.body["Snapshots"][0]["SnapshotId"], snapshot_id);
  EXPECT_EQ(snapshots.body["Snapshots"][0]["State"], "completed");
  EXPECT_EQ(snapshots.body["Snapshots"][0]["Description"], "before cleanup");
}

TEST_F(CloudsimAwsCliTest, ReceiveMessageReturnsAnInjectedSpotInterruptionAndDeleteRemovesIt) {
  ASSERT_TRUE(cloud_.InjectSpotInterruption(web_ids_[1], clock_.Now()).has_value());
  CliResult url = Aws({"sqs", "get-queue-url", "--queue-name", "cloudoptim-interruptions"});
  ASSERT_EQ(url.exit_code, 0) << url.output;
  const std::string queue_url = url.body["QueueUrl"];
  EXPECT_EQ(queue_url, cloud_.QueueUrl(endpoint_.url()));
  CliResult received = Aws({"sqs", "receive-message", "--queue-url", queue_url, "--attribute-names",
                            "All", "--wait-time-seconds", "1"});
  ASSERT_EQ(received.exit_code, 0) << received.output;
  ASSERT_THAT(received.body["Messages"], SizeIs(1));
  const json& message = received.body["Messages"][0];
  const json event = json::parse(message["Body"].get<std::string>());
  EXPECT_EQ(event["detail-type"], "EC2 Spot Instance Interruption Warning");
  EXPECT_EQ(event["detail"]["instance-id"], web_ids_[1]);
  EXPECT_EQ(message["Attributes"]["ApproximateReceiveCount"], "1");
  CliResult deleted = Aws({"sqs", "delete-message", "--queue-url", queue_url, "--receipt-handle",
                           message["ReceiptHandle"].get<std::string>()});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.output;
  CliResult attributes =
      Aws({"sqs", "get-queue-attributes", "--queue-url", queue_url, "--attribute-names", "All"});
  ASSERT_EQ(attributes.exit_code, 0) << attributes.output;
  EXPECT_EQ(attributes.body["Attributes"]["ApproximateNumberOfMessages"], "0");
  EXPECT_EQ(attributes.body["Attributes"]["ApproximateNumberOfMessagesNotVisible"], "0");
  // Two minutes later the instance is gone, and its state changes are on the queue.
  clock_.Advance(std::chrono::minutes(2));
  CliResult described = Aws({"ec2", "describe-instances", "--instance-ids", web_ids_[1]});
  EXPECT_EQ(described.body["Reservations"][0]["Instances"][0]["State"]["Name"], "terminated");
  EXPECT_TRUE(listener_.Terminated(web_ids_[1]));
}

TEST_F(CloudsimAwsCliTest, ALongPollReturnsAsSoonAsAMessageArrives) {
  std::thread injector([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_TRUE(cloud_.InjectRebalanceRecommendation(web_ids_[0], clock_.Now()).has_value());
  });
  CliResult received = Aws({"sqs", "receive-message", "--queue-url",
                            cloud_.QueueUrl(endpoint_.url()), "--wait-time-seconds", "20"});
  injector.join();
  ASSERT_EQ(received.exit_code, 0) << received.output;
  ASSERT_THAT(received.body["Messages"], SizeIs(1));
  EXPECT_THAT(received.body["Messages"][0]["Body"].get<std::string>(),
              HasSubstr("EC2 Instance Rebalance Recommendation"));
}

TEST_F(CloudsimAwsCliTest, StsNamesTheCallerAndAssumesRolesWithTheExternalId) {
  CliResult identity = Aws({"sts", "get-caller-identity"});
  ASSERT_EQ(identity.exit_code, 0) << identity.output;
  EXPECT_EQ(identity.body["Account"], "123456789012");
  endpoint_.RequireExternalId("cloudoptim-42");
  const std::string role = "arn:aws:iam::123456789012:role/CloudOptimRole";
  CliResult denied = Aws({"sts", "assume-role", "--role-arn", role, "--role-session-name", "co"});
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_THAT(denied.output, HasSubstr("AccessDenied"));
  CliResult assumed = Aws({"sts", "assume-role", "--role-arn", role, "--role-session-name", "co",
                           "--external-id", "cloudoptim-42"});
  ASSERT_EQ(assumed.exit_code, 0) << assumed.output;
  const json& credentials = assumed.body["Credentials"];
  CliResult as_role = Aws({"sts", "get-caller-identity"},
                          {{"AWS_ACCESS_KEY_ID", credentials["AccessKeyId"]},
                           {"AWS_SECRET_ACCESS_KEY", credentials["SecretAccessKey"]},
                           {"AWS_SESSION_TOKEN", credentials["SessionToken"]}});
  ASSERT_EQ(as_role.exit_code, 0) << as_role.output;
  EXPECT_EQ(as_role.body["Arn"], "arn:aws:sts::123456789012:assumed-role/CloudOptimRole/co");
}

TEST_F(CloudsimAwsCliTest, CreateFleetLaunchesInTheCheapestSpotPool) {
  CliResult created = Aws({"ec2", "create-launch-template", "--launch-template-name", "nodes",
                           "--launch-template-data", R"({"ImageId":"ami-12345678"})"});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string id = created.body["LaunchTemplate"]["LaunchTemplateId"].get<std::string>();
  CliResult fleet = Aws(
      {"ec2", "create-fleet", "--type", "instant", "--launch-template-configs",
       R"([{"LaunchTemplateSpecification":{"LaunchTemplateId":")" + id +
           R"(","Version":"1"},)"
           R"("Overrides":[{"InstanceType":"m5.xlarge","AvailabilityZone":"us-east-1a"},)"
           R"({"InstanceType":"c5.large","AvailabilityZone":"us-east-1b"}]}])",
       "--target-capacity-specification", "TotalTargetCapacity=2,DefaultTargetCapacityType=spot",
       "--spot-options", "AllocationStrategy=lowest-price"});
  ASSERT_EQ(fleet.exit_code, 0) << fleet.output;
  ASSERT_THAT(fleet.body["Instances"], SizeIs(1));
  const json& launched = fleet.body["Instances"][0];
  EXPECT_EQ(launched["InstanceType"], "c5.large");
  EXPECT_EQ(launched["Lifecycle"], "spot");
  EXPECT_THAT(launched["InstanceIds"], SizeIs(2));
  auto instance = cloud_.FindInstance(launched["InstanceIds"][0].get<std::string>());
  ASSERT_TRUE(instance.has_value());
  EXPECT_EQ(instance->capacity, CapacityType::kSpot);

  // A template the account does not have fails the whole request, as on EC2; nothing launches.
  const size_t before = cloud_.Instances().size();
  CliResult unknown = Aws(
      {"ec2", "create-fleet", "--type", "instant", "--launch-template-configs",
       R"([{"LaunchTemplateSpecification":{"LaunchTemplateId":"lt-0abc","Version":"1"},)"
       R"("Overrides":[{"InstanceType":"c5.large","AvailabilityZone":"us-east-1b"}]}])",
       "--target-capacity-specification", "TotalTargetCapacity=1,DefaultTargetCapacityType=spot"});
  EXPECT_NE(unknown.exit_code, 0) << unknown.output;
  EXPECT_THAT(unknown.output, HasSubstr("InvalidLaunchTemplateId.NotFound"));
  EXPECT_EQ(cloud_.Instances().size(), before);
}

TEST_F(CloudsimAwsCliTest, CatalogueViewsAnswerFromTheShippedData) {
  CliResult types = Aws({"ec2", "describe-instance-types", "--instance-types", "m5.large"});
  ASSERT_EQ(types.exit_code, 0) << types.output;
  EXPECT_EQ(types.body["InstanceTypes"][0]["VCpuInfo"]["DefaultVCpus"], 2);
  EXPECT_EQ(types.body["InstanceTypes"][0]["MemoryInfo"]["SizeInMiB"], 8192);
  CliResult offerings =
      Aws({"ec2", "describe-instance-type-offerings", "--location-type", "availability-zone",
           "--filters", "Name=instance-type,Values=m5.large"});
  ASSERT_EQ(offerings.exit_code, 0) << offerings.output;
  EXPECT_THAT(offerings.body["InstanceTypeOfferings"], SizeIs(3));
  CliResult zones = Aws({"ec2", "describe-availability-zones"});
  EXPECT_THAT(zones.body["AvailabilityZones"], SizeIs(3));
  CliResult subnets =
      Aws({"ec2", "describe-subnets", "--filters", "Name=availability-zone,Values=us-east-1a"});
  ASSERT_THAT(subnets.body["Subnets"], SizeIs(1));
  EXPECT_EQ(subnets.body["Subnets"][0]["SubnetId"], cloud_.SubnetsByZone().at("us-east-1a"));
  CliResult prices =
      Aws({"ec2", "describe-spot-price-history", "--instance-types", "m5.large",
           "--product-descriptions", "Linux/UNIX", "--start-time", "2026-11-25T12:00:00Z"});
  ASSERT_EQ(prices.exit_code, 0) << prices.output;
  // 3 zones x 13 hourly steps (12:00 .. 00:00).
  EXPECT_THAT(prices.body["SpotPriceHistory"], SizeIs(39));
  const double estimate = catalog_->SpotPriceEstimate("us-east-1", "m5.large")->usd();
  for (const json& entry : prices.body["SpotPriceHistory"]) {
    const double price = std::stod(entry["SpotPrice"].get<std::string>());
    EXPECT_NEAR(price, estimate, estimate * 0.05 + 1e-6);
  }
}

TEST_F(CloudsimAwsCliTest, ErrorsCarryAwsCodesAndTheEndpointKeepsServing) {
  CliResult unknown = Aws({"ec2", "terminate-instances", "--instance-ids", "i-0123456789abcdef0"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.output, HasSubstr("InvalidInstanceID.NotFound"));
  CliResult in_use = Aws({"ec2", "delete-volume", "--volume-id", attached_volume_});
  EXPECT_NE(in_use.exit_code, 0);
  EXPECT_THAT(in_use.output, HasSubstr("VolumeInUse"));
  CliResult dry_run = Aws(
      {"ec2", "run-instances", "--dry-run", "--image-id", "ami-1", "--instance-type", "m5.large"});
  EXPECT_THAT(dry_run.output, HasSubstr("DryRunOperation"));

  httplib::Client raw("127.0.0.1", endpoint_.port());
  httplib::Headers signed_headers = {
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/ec2/aws4_request, "
       "SignedHeaders=host;x-amz-date, Signature=" +
           std::string(64, 'a')}};
  auto no_action = raw.Post("/", signed_headers, "Version=2016-11-15&InstanceId.1=i-1",
                            "application/x-www-form-urlencoded");
  ASSERT_TRUE(no_action);
  EXPECT_EQ(no_action->status, 400);
  EXPECT_THAT(no_action->body, HasSubstr("<Code>MissingAction</Code>"));
  auto garbage = raw.Post("/", signed_headers, "%%%\x01=&&==", "application/x-www-form-urlencoded");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400);
  EXPECT_THAT(garbage->body, HasSubstr("<Code>InvalidParameterValue</Code>"));
  auto unsigned_request = raw.Post("/", "Action=DescribeInstances&Version=2016-11-15",
                                   "application/x-www-form-urlencoded");
  ASSERT_TRUE(unsigned_request);
  EXPECT_EQ(unsigned_request->status, 401);
  EXPECT_THAT(unsigned_request->body, HasSubstr("MissingAuthenticationToken"));

  CliResult still_serving = Aws({"ec2", "describe-instances"});
  ASSERT_EQ(still_serving.exit_code, 0) << still_serving.output;
  EXPECT_THAT(InstanceIds(still_serving.body), SizeIs(3));
}

}  // namespace
}  // namespace cloudoptim
