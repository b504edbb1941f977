// `cloudoptim sandbox` as one account for both tools: the real AWS CLI against its AWS
// endpoint and the real kubectl against its Kubernetes API must see the same fleet. Instances
// launched or terminated with `aws ec2` come and go as Nodes, Node providerIDs are EC2 instance
// ids, the scenario's unattached volumes are EBS volumes, and an injected spot interruption is
// an EventBridge message on the SQS queue. One sandbox (a small scenario at 60x simulated time,
// so the 30 s registration delay and the 2 min notice pass in about a second) serves every test.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.h"

namespace cloudoptim::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kScenario = R"(cluster:
  name: aws-cli-test
  region: us-east-1
nodeGroups:
- name: general-od
  instanceTypes: [m5.large]
  zones: [us-east-1a, us-east-1b]
  capacityType: on-demand
  count: 2
- name: general-spot
  instanceTypes: [m5.xlarge]
  zones: [us-east-1a, us-east-1b]
  capacityType: spot
  count: 2
volumes:
- zone: us-east-1a
  sizeGiB: 100
  type: gp3
  count: 2
orphanInstances:
- instanceType: m5.large
  zone: us-east-1b
  count: 1
)";

struct CliResult {
  int exit_code = -1;
  std::string output;
  json body;  // stdout parsed, when it was JSON
};

// KEY=value lines of sandbox.env.
std::map<std::string, std::string> ReadEnvFile(const std::string& path) {
  std::map<std::string, std::string> values;
  std::istringstream in(ReadFileOrEmpty(path));
  for (std::string line; std::getline(in, line);) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return values;
}

class SandboxAwsCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDirectory("sandbox-aws-cli"));
    kubeconfig_ = new std::string(*dir_ + "/kubeconfig");
    std::ofstream(*dir_ + "/scenario.yaml") << kScenario;
    port_ = FreeLoopbackPort();
    aws_port_ = FreeLoopbackPort();
    sandbox_ = new ChildProcess(ChildProcess::Start(
        {CO_BINARY, "sandbox", "--scenario", *dir_ + "/scenario.yaml", "--port",
         std::to_string(port_), "--aws-port", std::to_string(aws_port_), "--kubeconfig-out",
         *kubeconfig_, "--speed", "60", "--admin-token", "test-admin-token"},
        {}, *dir_ + "/sandbox.log"));
    ASSERT_TRUE(WaitForPort(port_, std::chrono::seconds(120)));
    ASSERT_TRUE(WaitForPort(aws_port_, std::chrono::seconds(120)));
    Eventually([] { return std::filesystem::exists(*dir_ + "/sandbox.env"); });
    env_ = new std::map<std::string, std::string>(ReadEnvFile(*dir_ + "/sandbox.env"));
  }
  static void TearDownTestSuite() {
    delete sandbox_;
    std::filesystem::remove_all(*dir_);
    delete env_;
    delete kubeconfig_;
    delete dir_;
  }

  static std::string EndpointUrl() { return "http://127.0.0.1:" + std::to_string(aws_port_); }

  static CliResult Aws(std::vector<std::string> args) {
    std::vector<std::string> argv = {"aws", "--endpoint-url", EndpointUrl(), "--output", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::map<std::string, std::string> env = {
        {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
        {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
        {"AWS_DEFAULT_REGION", "us-east-1"},
        {"AWS_MAX_ATTEMPTS", "1"},
        {"AWS_CONFIG_FILE", "/dev/null"},
        {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
        {"AWS_PAGER", ""}};
    CommandResult result = RunCommand(argv, env, std::chrono::seconds(60));
    CliResult out{result.exit_code, result.output, json()};
    const size_t brace = result.output.find('{');
    if (result.exit_code == 0 && brace != std::string::npos) {
      out.body = json::parse(result.output.substr(brace), nullptr, false);
    }
    return out;
  }

  static CommandResult Kubectl(std::vector<std::string> args) {
    std::vector<std::string> argv = {"kubectl", "--kubeconfig", *kubeconfig_};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, {}, std::chrono::seconds(90));
  }

  // Instance ids behind the Nodes, from their providerIDs (aws:///<zone>/<instance id>).
  static std::set<std::string> NodeInstanceIds() {
    CommandResult r = Kubectl(
        {"get", "nodes", "-o", "jsonpath={range .items[*]}{.spec.providerID}{\"\\n\"}{end}"});
    std::set<std::string> ids;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);) {
      size_t slash = line.rfind('/');
      if (line.starts_with("aws:///") && slash != std::string::npos) {
        ids.insert(line.substr(slash + 1));
      }
    }
    return ids;
  }

  // (id, tags) of instances in a state, from describe-instances.
  static std::map<std::string, json> InstancesInState(const std::string& state) {
    CliResult r =
        Aws({"ec2", "describe-instances", "--filters", "Name=instance-state-name,Values=" + state});
    std::map<std::string, json> out;
    if (r.exit_code != 0 || !r.body.is_object()) return out;
    for (const json& reservation : r.body["Reservations"]) {
      for (const json& instance : reservation["Instances"]) {
        out[instance["InstanceId"].get<std::string>()] = instance.value("Tags", json::array());
      }
    }
    return out;
  }

  static bool HasTag(const json& tags, const std::string& key) {
    return std::any_of(tags.begin(), tags.end(),
                       [&](const json& tag) { return tag.value("Key", "") == key; });
  }

  // Polls until `done()` holds or 120 s pass: long enough for a loaded machine, and only
  // ever waited in full when the state never comes.
  template <typename Predicate>
  static bool Eventually(Predicate done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return done();
  }

  // Polls until the Node set does or does not contain `id`.
  static bool EventuallyNode(const std::string& id, bool present) {
    return Eventually([&] { return NodeInstanceIds().contains(id) == present; });
  }

  static inline std::string* dir_ = nullptr;
  static inline std::string* kubeconfig_ = nullptr;
  static inline std::map<std::string, std::string>* env_ = nullptr;
  static inline int port_ = 0;
  static inline int aws_port_ = 0;
  static inline ChildProcess* sandbox_ = nullptr;
};

TEST_F(SandboxAwsCliTest, SandboxEnvNamesTheEndpointTheQueueAndTheRegion) {
  EXPECT_EQ((*env_)["AWS_ENDPOINT_URL"], EndpointUrl());
  EXPECT_THAT((*env_)["CLOUDOPTIM_QUEUE_URL"], HasSubstr(EndpointUrl() + "/"));
  EXPECT_EQ((*env_)["AWS_REGION"], "us-east-1");
}

TEST_F(SandboxAwsCliTest, DescribeInstancesIdsAreTheNodesProviderIds) {
  std::map<std::string, json> running = InstancesInState("running");
  std::set<std::string> joined;
  int orphans = 0;
  for (const auto& [id, tags] : running) {
    if (HasTag(tags, "sandbox:orphan")) {
      ++orphans;
    } else {
      joined.insert(id);
    }
  }
  EXPECT_EQ(orphans, 1);
  EXPECT_EQ(joined.size(), 4u);
  EXPECT_EQ(NodeInstanceIds(), joined);
}

TEST_F(SandboxAwsCliTest, DescribeVolumesListsTheScenariosUnattachedVolumes) {
  CliResult available =
      Aws({"ec2", "describe-volumes", "--filters", "Name=status,Values=available"});
  ASSERT_EQ(available.exit_code, 0) << available.output;
  std::set<std::string> volume_ids;
  for (const json& volume : available.body["Volumes"]) {
    if (volume["Size"] == 100) volume_ids.insert(volume["VolumeId"].get<std::string>());
  }
  EXPECT_EQ(volume_ids.size(), 2u) << available.output;
  // The Released PersistentVolumes name the same EBS volumes.
  CommandResult pvs = Kubectl(
      {"get", "pv", "-o", "jsonpath={range .items[*]}{.spec.csi.volumeHandle}{\"\\n\"}{end}"});
  ASSERT_EQ(pvs.exit_code, 0) << pvs.output;
  for (const std::string& id : volume_ids) EXPECT_THAT(pvs.output, HasSubstr(id));
}

// m7g.large is in no scenario: any of the catalogue's types becomes a Node with the
// catalogue's shape (data/instance-types.csv: arm64, 1930m, 6844Mi, 29 pods allocatable).
TEST_F(SandboxAwsCliTest, RunInstancesAddsANodeAndTerminateInstancesRemovesIt) {
  CliResult run = Aws({"ec2", "run-instances", "--image-id", "ami-12345678", "--instance-type",
                       "m7g.large", "--count", "1", "--placement", "AvailabilityZone=us-east-1a"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::string id = run.body["Instances"][0]["InstanceId"];
  EXPECT_TRUE(EventuallyNode(id, true)) << "no Node for " << id;
  CommandResult nodes = Kubectl({"get", "nodes"});
  EXPECT_THAT(nodes.output, HasSubstr("Ready"));
  CommandResult shapes = Kubectl(
      {"get", "nodes", "-o",
       "jsonpath={range .items[*]}{.spec.providerID} {.metadata.labels.kubernetes\\.io/arch} "
       "{.status.allocatable.cpu} {.status.allocatable.memory} {.status.allocatable.pods}{\"\\n\"}"
       "{end}"});
  ASSERT_EQ(shapes.exit_code, 0) << shapes.output;
  EXPECT_THAT(shapes.output, HasSubstr("/" + id + " arm64 1930m 6844Mi 29\n"));

  CliResult terminate = Aws({"ec2", "terminate-instances", "--instance-ids", id});
  ASSERT_EQ(terminate.exit_code, 0) << terminate.output;
  EXPECT_TRUE(EventuallyNode(id, false)) << "Node for " << id << " still there";
}

TEST_F(SandboxAwsCliTest, CreateSnapshotThenDeleteVolume) {
  CliResult created = Aws({"ec2", "create-volume", "--availability-zone", "us-east-1a", "--size",
                           "10", "--volume-type", "gp3"});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string volume = created.body["VolumeId"];
  CliResult snapshot =
      Aws({"ec2", "create-snapshot", "--volume-id", volume, "--description", "before cleanup"});
  ASSERT_EQ(snapshot.exit_code, 0) << snapshot.output;
  EXPECT_THAT(snapshot.body.value("SnapshotId", ""), HasSubstr("snap-"));
  CliResult deleted = Aws({"ec2", "delete-volume", "--volume-id", volume});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.output;
  CliResult gone = Aws({"ec2", "describe-volumes", "--volume-ids", volume});
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_THAT(gone.output, HasSubstr("InvalidVolume.NotFound"));
}

TEST_F(SandboxAwsCliTest, InjectedSpotInterruptionIsOnTheQueueAndTheNodeGoes) {
  CommandResult spot = Kubectl({"get", "nodes", "-l", "eks.amazonaws.com/nodegroup=general-spot",
                                "-o", "jsonpath={.items[0].spec.providerID}"});
  ASSERT_EQ(spot.exit_code, 0) << spot.output;
  const std::string id = spot.output.substr(spot.output.rfind('/') + 1);
  ASSERT_TRUE(id.starts_with("i-")) << spot.output;
  CommandResult posted = RunCommand(
      {"curl", "-sk", "-X", "POST", "-d", "", "-H", "Authorization: Bearer test-admin-token", "-w",
       "\n%{http_code}",
       "https://127.0.0.1:" + std::to_string(port_) + "/sandbox/v1/interrupt?instance=" + id});
  EXPECT_THAT(posted.output, HasSubstr("\n202"));

  const std::string queue = (*env_)["CLOUDOPTIM_QUEUE_URL"];
  std::string message_id;
  std::string receipt;
  for (int i = 0; i < 20 && receipt.empty(); ++i) {
    CliResult received = Aws({"sqs", "receive-message", "--queue-url", queue,
                              "--max-number-of-messages", "10", "--wait-time-seconds", "1"});
    ASSERT_EQ(received.exit_code, 0) << received.output;
    if (!received.body.is_object()) continue;  // no messages: empty output
    for (const json& message : received.body.value("Messages", json::array())) {
      const std::string body = message.value("Body", "");
      if (body.find("EC2 Spot Instance Interruption Warning") != std::string::npos &&
          body.find(id) != std::string::npos) {
        message_id = message["MessageId"];
        receipt = message["ReceiptHandle"];
      }
    }
  }
  ASSERT_FALSE(receipt.empty()) << "no interruption warning for " << id;
  CliResult deleted =
      Aws({"sqs", "delete-message", "--queue-url", queue, "--receipt-handle", receipt});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.output;
  // Deleted for good: never received again, even with no visibility timeout.
  for (int i = 0; i < 3; ++i) {
    CliResult again = Aws({"sqs", "receive-message", "--queue-url", queue,
                           "--max-number-of-messages", "10", "--visibility-timeout", "0"});
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_THAT(again.output, Not(HasSubstr(message_id)));
  }
  // Two simulated minutes later the cloud terminates the instance and the Node goes.
  EXPECT_TRUE(EventuallyNode(id, false)) << "Node for " << id << " still there";
  std::map<std::string, json> terminated = InstancesInState("terminated");
  EXPECT_TRUE(terminated.contains(id));
}

TEST_F(SandboxAwsCliTest, ErrorsUseAwsCodesAndTheSandboxKeepsServing) {
  CliResult unknown = Aws({"ec2", "terminate-instances", "--instance-ids", "i-0123456789abcdef0"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.output, HasSubstr("InvalidInstanceID.NotFound"));

  CliResult in_zone =
      Aws({"ec2", "describe-instances", "--filters", "Name=availability-zone,Values=us-east-1a",
           "Name=instance-state-name,Values=running"});
  ASSERT_EQ(in_zone.exit_code, 0) << in_zone.output;
  ASSERT_FALSE(in_zone.body["Reservations"].empty()) << in_zone.output;
  const std::string instance = in_zone.body["Reservations"][0]["Instances"][0]["InstanceId"];
  CliResult created =
      Aws({"ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "20"});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string volume = created.body["VolumeId"];
  CliResult attached = Aws({"ec2", "attach-volume", "--volume-id", volume, "--instance-id",
                            instance, "--device", "/dev/sdf"});
  ASSERT_EQ(attached.exit_code, 0) << attached.output;
  CliResult in_use = Aws({"ec2", "delete-volume", "--volume-id", volume});
  EXPECT_NE(in_use.exit_code, 0);
  EXPECT_THAT(in_use.output, HasSubstr("VolumeInUse"));

  // A malformed request (a broken SigV4 header) gets AWS error XML, not a crash.
  CommandResult malformed =
      RunCommand({"curl", "-s", "-X", "POST", "-d", "Action=DescribeInstances&Version=2016-11-15",
                  "-H", "Authorization: AWS4-HMAC-SHA256 garbage", EndpointUrl() + "/"});
  EXPECT_THAT(malformed.output, HasSubstr("<Code>IncompleteSignature</Code>"));

  EXPECT_EQ(Aws({"ec2", "describe-instances"}).exit_code, 0);
  CommandResult nodes = Kubectl({"get", "nodes"});
  EXPECT_EQ(nodes.exit_code, 0) << nodes.output;
  EXPECT_THAT(nodes.output, HasSubstr("Ready"));
}

}  // namespace
}  // namespace cloudoptim::testing
