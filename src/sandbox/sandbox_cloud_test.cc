// The sandbox cluster with a SimulatedCloud attached: launches go through the cloud, Nodes
// carry the cloud's instance ids, spot interruptions are the cloud's (an EventBridge warning on
// its queue, termination after the notice), and scenario volumes are EBS volumes.
#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cloudsim/simulated_cloud.h"
#include "sandbox/node_factory.h"
#include "sandbox/sandbox_cluster.h"
#include "sandbox/scenario.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

Catalog LoadTestCatalog() {
  auto catalog = Catalog::Load(std::string(CO_SOURCE_DIR) + "/src/cloudsim/testdata");
  if (!catalog) throw std::runtime_error(catalog.error().ToString());
  return std::move(*catalog);
}

class SandboxCloudTest : public ::testing::Test {
 protected:
  SandboxCloudTest()
      : catalog_(LoadTestCatalog()),
        cloud_({.region = "us-east-1",
                .catalog = &catalog_,
                .seed = 5,
                .zones = {"us-east-1a", "us-east-1b"}}) {
    cluster_.AttachCloud(&cloud_);
  }

  std::vector<std::string> NodeInstanceIds() {
    std::vector<std::string> ids;
    for (const json& node : cluster_.store().ParsedAll("nodes"))
      ids.push_back(InstanceIdOfNode(node));
    return ids;
  }

  Ec2Instance Spec(CapacityType capacity) {
    Ec2Instance spec;
    spec.instance_type = "m5.large";
    spec.availability_zone = "us-east-1a";
    spec.capacity = capacity;
    spec.launch_time = clock_.Now() - std::chrono::hours(1);
    return spec;
  }

  FakeClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000))};
  Catalog catalog_;
  SimulatedCloud cloud_;
  SandboxCluster cluster_{&clock_, {.seed = 3}};
};

TEST_F(SandboxCloudTest, LaunchedInstanceBecomesANodeWithTheCloudsInstanceId) {
  auto launched = cluster_.LaunchInstance(Spec(CapacityType::kOnDemand), "general", true);
  ASSERT_TRUE(launched.has_value()) << launched.error().ToString();
  EXPECT_TRUE(NodeInstanceIds().empty());  // not yet advanced
  cluster_.SyncCloud();
  EXPECT_EQ(NodeInstanceIds(), std::vector<std::string>{launched->instance_id});
  auto described = cloud_.FindInstance(launched->instance_id);
  ASSERT_TRUE(described.has_value());
  EXPECT_EQ(described->state, InstanceState::kRunning);
  EXPECT_EQ(described->tags.at(std::string(kNodeGroupTag)), "general");
}

// As an EKS managed node group: the group's launch template exists in the account and EC2's
// aws:ec2launchtemplate tags on every instance name it, so an instance launched from it through
// the AWS API joins the same group.
TEST_F(SandboxCloudTest, NodeGroupInstancesComeFromTheGroupsLaunchTemplate) {
  auto first = cluster_.LaunchInstance(Spec(CapacityType::kOnDemand), "general", true);
  auto second = cluster_.LaunchInstance(Spec(CapacityType::kSpot), "general", true);
  ASSERT_TRUE(first && second);
  std::vector<SimulatedLaunchTemplate> templates = cloud_.LaunchTemplates();
  ASSERT_EQ(templates.size(), 1u);
  EXPECT_EQ(templates[0].launch_template_name, "eks-general");
  for (const Ec2Instance& instance : {*first, *second}) {
    EXPECT_EQ(instance.tags.at("aws:ec2launchtemplate:id"), templates[0].launch_template_id);
    EXPECT_EQ(instance.tags.at("aws:ec2launchtemplate:version"), "1");
  }
  auto replacement = cloud_.RunInstances({.instance_type = "m5.xlarge",
                                          .zone = "us-east-1b",
                                          .launch_template_id = templates[0].launch_template_id},
                                         clock_.Now());
  ASSERT_TRUE(replacement) << replacement.error().ToString();
  EXPECT_EQ(replacement->front().tags.at(std::string(kNodeGroupTag)), "general");
}

// A StatefulSet's claim is provisioned on first use as an EBS volume of the account, in the
// zone of the node the pod was bound to and attached to that node's instance.
TEST_F(SandboxCloudTest, ClaimsBecomeEbsVolumesAttachedToTheNodesInstance) {
  auto launched = cluster_.LaunchInstance(Spec(CapacityType::kOnDemand), "general", true);
  ASSERT_TRUE(launched.has_value());
  cluster_.SyncCloud();
  auto scenario = ParseScenario(R"(
workloads:
- name: db
  kind: StatefulSet
  replicas: 1
  containers: [{name: db, requests: {cpu: 100m, memory: 128Mi}}]
  volumeClaims: [{name: data, size: 8Gi}]
)");
  ASSERT_TRUE(scenario);
  ASSERT_TRUE(ApplyScenario(*scenario, &cluster_));
  for (int i = 0; i < 4; ++i) cluster_.Tick();
  auto claim = cluster_.store().Get("persistentvolumeclaims", "default", "data-db-0");
  ASSERT_TRUE(claim);
  auto pv = cluster_.store().Get("persistentvolumes", "", (*claim)["spec"].value("volumeName", ""));
  ASSERT_TRUE(pv);
  std::string volume_id = (*pv)["spec"]["csi"]["volumeHandle"];
  std::vector<EbsVolume> volumes = cloud_.Volumes();
  auto volume = std::find_if(volumes.begin(), volumes.end(),
                             [&](const EbsVolume& v) { return v.volume_id == volume_id; });
  ASSERT_NE(volume, volumes.end());
  EXPECT_EQ(volume->availability_zone, "us-east-1a");
  EXPECT_EQ(volume->size_gib, 8);
  ASSERT_EQ(volume->attachments.size(), 1u);
  EXPECT_EQ(volume->attachments[0].instance_id, launched->instance_id);
}

TEST_F(SandboxCloudTest, OrphansRunInTheCloudWithoutANode) {
  auto orphan = cluster_.LaunchInstance(Spec(CapacityType::kOnDemand), "", false);
  ASSERT_TRUE(orphan.has_value());
  cluster_.SyncCloud();
  EXPECT_TRUE(NodeInstanceIds().empty());
  EXPECT_EQ(cluster_.Instances().size(), 1u);
}

TEST_F(SandboxCloudTest, SpotInterruptionIsQueuedAndTheCloudTerminatesTheNode) {
  auto spot = cluster_.LaunchInstance(Spec(CapacityType::kSpot), "spot", true);
  ASSERT_TRUE(spot.has_value());
  cluster_.Tick();
  ASSERT_EQ(NodeInstanceIds().size(), 1u);
  ASSERT_TRUE(cluster_.Interrupt(spot->instance_id).has_value());
  std::vector<QueueMessage> messages =
      cloud_.ReceiveMessages(10, std::chrono::seconds(30), clock_.Now());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].body.find("EC2 Spot Instance Interruption Warning"), std::string::npos);
  EXPECT_NE(messages[0].body.find(spot->instance_id), std::string::npos);
  clock_.Advance(std::chrono::seconds(119));
  cluster_.Tick();
  EXPECT_EQ(NodeInstanceIds().size(), 1u);  // still within the notice
  clock_.Advance(std::chrono::seconds(2));
  cluster_.Tick();
  EXPECT_TRUE(NodeInstanceIds().empty());
  EXPECT_NE(cloud_.FindInstance(spot->instance_id)->state, InstanceState::kRunning);
}

TEST_F(SandboxCloudTest, InterruptedOnDemandInstanceIsTerminatedInTheCloudToo) {
  auto instance = cluster_.LaunchInstance(Spec(CapacityType::kOnDemand), "general", true);
  ASSERT_TRUE(instance.has_value());
  cluster_.Tick();
  ASSERT_TRUE(cluster_.Interrupt(instance->instance_id).has_value());
  clock_.Advance(std::chrono::minutes(3));
  cluster_.Tick();
  EXPECT_TRUE(NodeInstanceIds().empty());
  EXPECT_NE(cloud_.FindInstance(instance->instance_id)->state, InstanceState::kRunning);
}

TEST_F(SandboxCloudTest, ScenarioLaunchesNodeGroupsAndVolumesInTheCloud) {
  Result<Scenario> scenario = ParseScenario(R"(nodeGroups:
- name: general
  instanceTypes: [m5.large]
  zones: [us-east-1a, us-east-1b]
  count: 3
  labels: {team: web}
volumes:
- zone: us-east-1b
  sizeGiB: 40
  count: 2
)");
  ASSERT_TRUE(scenario.has_value()) << scenario.error().ToString();
  ASSERT_TRUE(ApplyScenario(*scenario, &cluster_).has_value());
  std::vector<json> nodes = cluster_.store().ParsedAll("nodes");
  ASSERT_EQ(nodes.size(), 3u);
  for (const json& node : nodes) {
    EXPECT_TRUE(cloud_.FindInstance(InstanceIdOfNode(node)).has_value());
    EXPECT_EQ(node["metadata"]["labels"].value("team", ""), "web");
  }
  std::vector<EbsVolume> volumes = cloud_.Volumes();
  ASSERT_EQ(volumes.size(), 2u);
  std::string handles;
  for (const json& pv : cluster_.store().ParsedAll("persistentvolumes")) {
    handles += pv["spec"]["csi"].value("volumeHandle", "") + " ";
  }
  for (const EbsVolume& volume : volumes) {
    EXPECT_EQ(volume.size_gib, 40);
    EXPECT_NE(handles.find(volume.volume_id), std::string::npos);
  }
}

}  // namespace
}  // namespace cloudoptim::sandbox
