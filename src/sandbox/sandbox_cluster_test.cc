#include "sandbox/sandbox_cluster.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sandbox/node_factory.h"
#include "sandbox/quantity_text.h"
#include "sandbox/sandbox_scheduler.h"
#include "sandbox/scenario.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

Ec2Instance Instance(const std::string& id, const std::string& ip, const std::string& zone,
                     CapacityType capacity = CapacityType::kOnDemand) {
  Ec2Instance i;
  i.instance_id = id;
  i.instance_type = "m5.large";
  i.availability_zone = zone;
  i.private_ip = ip;
  i.capacity = capacity;
  return i;
}

class SandboxClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.AddInstance(
        Instance("i-01", "10.0.0.1", "us-east-1a", CapacityType::kSpot), "general"));
    ASSERT_TRUE(cluster_.AddInstance(Instance("i-02", "10.0.0.2", "us-east-1b"), "general"));
  }
  void Settle() {
    for (int i = 0; i < 8; ++i) cluster_.Tick();
  }
  std::vector<json> Pods() { return cluster_.store().ParsedAll("pods"); }

  FakeClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000))};
  SandboxCluster cluster_{&clock_, {.seed = 3}};
};

TEST_F(SandboxClusterTest, InstancesBecomeNodesWithEksLabels) {
  auto node = cluster_.store().Get("nodes", "", "ip-10-0-0-1.ec2.internal");
  ASSERT_TRUE(node);
  const json& labels = (*node)["metadata"]["labels"];
  EXPECT_EQ((*node)["spec"]["providerID"], "aws:///us-east-1a/i-01");
  EXPECT_EQ(labels["node.kubernetes.io/instance-type"], "m5.large");
  EXPECT_EQ(labels["karpenter.sh/capacity-type"], "spot");
  EXPECT_EQ(labels["eks.amazonaws.com/capacityType"], "SPOT");
  EXPECT_EQ(labels["eks.amazonaws.com/nodegroup"], "general");
  EXPECT_EQ((*node)["status"]["allocatable"]["cpu"], "1930m");
  Ec2Instance unknown = Instance("i-03", "10.0.0.3", "us-east-1a");
  unknown.instance_type = "z9.huge";
  EXPECT_TRUE(IsInvalidArgument(cluster_.AddInstance(unknown, "x").error()));
}

TEST_F(SandboxClusterTest, DeploymentCreatesAReplicaSetAndRunningPods) {
  auto scenario = ParseScenario(R"(
workloads:
- name: web
  replicas: 3
  containers: [{name: app, requests: {cpu: 200m, memory: 128Mi}}]
)");
  ASSERT_TRUE(scenario) << scenario.error().ToString();
  ASSERT_TRUE(ApplyScenario(*scenario, &cluster_));
  Settle();
  auto replica_sets = cluster_.store().ParsedAll("replicasets.apps");
  ASSERT_EQ(replica_sets.size(), 1u);
  std::string hash = replica_sets[0]["metadata"]["labels"]["pod-template-hash"];
  auto pods = Pods();
  ASSERT_EQ(pods.size(), 3u);
  for (const json& pod : pods) {
    EXPECT_EQ(pod["status"]["phase"], "Running");
    EXPECT_EQ(pod["metadata"]["labels"]["pod-template-hash"], hash);
    EXPECT_FALSE(pod["spec"]["nodeName"].get<std::string>().empty());
  }
  auto deployment = cluster_.store().Get("deployments.apps", "default", "web");
  EXPECT_EQ((*deployment)["status"]["readyReplicas"], 3);
  // Scaling down removes pods; deleting the Deployment collects the rest.
  ASSERT_TRUE(cluster_.store().Mutate("deployments.apps", "default", "web", [](json& d) -> Status {
    d["spec"]["replicas"] = 1;
    return Ok();
  }));
  Settle();
  EXPECT_EQ(Pods().size(), 1u);
  ASSERT_TRUE(cluster_.store().Delete("deployments.apps", "default", "web"));
  Settle();
  EXPECT_EQ(Pods().size(), 0u);
}

TEST_F(SandboxClusterTest, SchedulerHonoursRequestsAndReportsWhyAPodCannotFit) {
  auto scenario = ParseScenario(R"(
workloads:
- name: big
  replicas: 3
  containers: [{name: app, requests: {cpu: 1500m, memory: 1Gi}}]
)");
  ASSERT_TRUE(ApplyScenario(*scenario, &cluster_));
  Settle();
  int running = 0;
  std::string message;
  for (const json& pod : Pods()) {
    if (pod["status"]["phase"] == "Running") ++running;
    if (pod["status"]["phase"] == "Pending") message = pod["status"]["conditions"][0]["message"];
  }
  EXPECT_EQ(running, 2);  // 1930m allocatable per m5.large: one such pod per node
  EXPECT_EQ(message, "0/2 nodes are available: 2 Insufficient cpu.");
}

TEST_F(SandboxClusterTest, StatefulSetPodsAreOrderedAndGetTheirClaims) {
  auto scenario = ParseScenario(R"(
workloads:
- name: db
  kind: StatefulSet
  replicas: 2
  containers: [{name: db, requests: {cpu: 100m, memory: 128Mi}}]
  volumeClaims: [{name: data, size: 5Gi}]
)");
  ASSERT_TRUE(ApplyScenario(*scenario, &cluster_));
  Settle();
  EXPECT_TRUE(cluster_.store().Get("pods", "default", "db-0"));
  EXPECT_TRUE(cluster_.store().Get("pods", "default", "db-1"));
  EXPECT_TRUE(cluster_.store().Get("persistentvolumeclaims", "default", "data-db-1"));
}

TEST_F(SandboxClusterTest, DaemonSetRunsOnePodPerNodeAndFollowsNewNodes) {
  auto scenario = ParseScenario(R"(
workloads:
- name: agent
  kind: DaemonSet
  containers: [{name: agent, requests: {cpu: 10m, memory: 16Mi}}]
)");
  ASSERT_TRUE(ApplyScenario(*scenario, &cluster_));
  Settle();
  EXPECT_EQ(Pods().size(), 2u);
  ASSERT_TRUE(cluster_.AddInstance(Instance("i-04", "10.0.0.4", "us-east-1c"), "general"));
  Settle();
  EXPECT_EQ(Pods().size(), 3u);
}

TEST_F(SandboxClusterTest, InterruptedSpotNodeGoesAfterTheNoticeAndItsPodsAreRecreated) {
  auto scenario = ParseScenario(R"(
workloads:
- name: web
  replicas: 2
  containers: [{name: app, requests: {cpu: 100m, memory: 64Mi}}]
)");
  ASSERT_TRUE(ApplyScenario(*scenario, &cluster_));
  Settle();
  ASSERT_TRUE(cluster_.Interrupt("ip-10-0-0-1.ec2.internal"));
  clock_.Advance(std::chrono::seconds(119));
  Settle();
  EXPECT_TRUE(cluster_.store().Get("nodes", "", "ip-10-0-0-1.ec2.internal"));
  clock_.Advance(std::chrono::seconds(2));
  Settle();
  EXPECT_FALSE(cluster_.store().Get("nodes", "", "ip-10-0-0-1.ec2.internal"));
  auto pods = Pods();
  ASSERT_EQ(pods.size(), 2u);
  for (const json& pod : pods) EXPECT_EQ(pod["spec"]["nodeName"], "ip-10-0-0-2.ec2.internal");
  EXPECT_TRUE(IsNotFound(cluster_.Interrupt("i-unknown").error()));
}

TEST_F(SandboxClusterTest, OomProneContainerIsOomKilledWithAnEvent) {
  auto scenario = ParseScenario(R"(
workloads:
- name: leaky
  containers: [{name: app, requests: {cpu: 100m, memory: 100Mi}, limits: {memory: 120Mi}}]
  usage: {cpu: 0.3, memory: 0.9, oom: true}
)");
  ASSERT_TRUE(ApplyScenario(*scenario, &cluster_));
  Settle();
  // The usage model climbs past the limit during one 10-minute window per hour.
  bool killed = false;
  for (int minute = 0; minute < 70 && !killed; ++minute) {
    clock_.Advance(std::chrono::minutes(1));
    cluster_.Tick();
    const json pod = Pods().at(0);
    const json& status = pod["status"]["containerStatuses"][0];
    killed =
        status.contains("lastState") && status["lastState"]["terminated"]["reason"] == "OOMKilled";
    if (killed) {
      EXPECT_EQ(status["restartCount"], 1);
    }
  }
  EXPECT_TRUE(killed);
  bool event = false;
  for (const json& e : cluster_.store().ParsedAll("events"))
    event = event || e["reason"] == "OOMKilling";
  EXPECT_TRUE(event);
}

TEST_F(SandboxClusterTest, MetricsReportUsageForNodesAndPods) {
  auto scenario = ParseScenario(R"(
workloads:
- name: web
  containers: [{name: app, requests: {cpu: 500m, memory: 256Mi}}]
)");
  ASSERT_TRUE(ApplyScenario(*scenario, &cluster_));
  Settle();
  auto nodes = cluster_.NodeMetrics("");
  ASSERT_TRUE(nodes);
  EXPECT_EQ((*nodes)["kind"], "NodeMetricsList");
  EXPECT_EQ((*nodes)["items"].size(), 2u);
  auto pods = cluster_.PodMetrics("default", "");
  ASSERT_EQ((*pods)["items"].size(), 1u);
  std::string cpu = (*pods)["items"][0]["containers"][0]["usage"]["cpu"];
  EXPECT_TRUE(cpu.ends_with("n"));
  auto again = cluster_.PodMetrics("default", "");
  EXPECT_EQ((*again)["items"][0]["containers"][0]["usage"]["cpu"], cpu);  // deterministic
}

TEST(ScenarioTest, TheDefaultScenarioParsesAndNamesBadFields) {
  auto s = LoadScenarioFile(std::string(CO_SOURCE_DIR) + "/scenarios/default.yaml");
  ASSERT_TRUE(s) << s.error().ToString();
  int nodes = 0;
  for (const auto& g : s->node_groups) nodes += g.count;
  EXPECT_GE(nodes, 40);
  EXPECT_LE(nodes, 60);
  EXPECT_FALSE(s->orphans.empty());
  EXPECT_FALSE(s->volumes.empty());
  auto bad = ParseScenario("workloads:\n- name: x\n  replicas: 1\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "workloads[0].containers: at least one container is required");
}

// Any type of the 1,365 in the catalogue can be a Node, with the catalogue's EKS allocatable.
TEST_F(SandboxClusterTest, NodeShapesComeFromTheCatalogue) {
  Ec2Instance graviton = Instance("i-07", "10.0.0.7", "us-east-1c");
  graviton.instance_type = "m7g.large";
  ASSERT_TRUE(cluster_.AddInstance(graviton, "arm"));
  auto node = cluster_.store().Get("nodes", "", "ip-10-0-0-7.ec2.internal");
  ASSERT_TRUE(node);
  const InstanceType* type = cluster_.catalog()->FindType("m7g.large");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ((*node)["metadata"]["labels"]["kubernetes.io/arch"], "arm64");
  EXPECT_EQ((*node)["status"]["capacity"]["cpu"], "2");
  EXPECT_EQ((*node)["status"]["allocatable"]["cpu"], FormatCpu(type->allocatable.cpu_millis));
  EXPECT_EQ((*node)["status"]["allocatable"]["memory"],
            std::to_string(type->allocatable.memory_bytes >> 20) + "Mi");
  EXPECT_EQ((*node)["status"]["allocatable"]["pods"], std::to_string(type->allocatable.pods));

  auto unknown =
      ParseScenario("nodeGroups:\n- {name: g, instanceTypes: [z9.huge], zones: [a], count: 1}\n");
  ASSERT_TRUE(unknown);
  Status applied = ApplyScenario(*unknown, &cluster_);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().message,
            "nodeGroups[0].instanceTypes: instance type \"z9.huge\" has no entry in the instance "
            "catalogue");
}

}  // namespace
}  // namespace cloudoptim::sandbox
