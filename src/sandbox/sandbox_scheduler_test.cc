#include "sandbox/sandbox_scheduler.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sandbox/node_factory.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

class SandboxSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.SetObserver("pods", [this](WatchEventType t, const json& pod) { index_.Apply(t, pod); });
    store_.SetObserver("nodes", [this](WatchEventType type, const json& node) {
      scheduler_.NodeChanged(type, node);
    });
  }

  // An m5.large (1930m, 29 pods) in `zone`.
  std::string AddNode(int n, const std::string& zone, const std::string& type = "m5.large") {
    Ec2Instance instance;
    instance.instance_id = "i-0" + std::to_string(n);
    instance.instance_type = type;
    instance.availability_zone = zone;
    instance.private_ip = "10.0.0." + std::to_string(n);
    Result<const InstanceType*> shape = FindNodeType(ShippedCatalog(), type);
    EXPECT_TRUE(shape);
    json node = MakeNodeObject(instance, "g", "us-east-1", **shape);
    std::string name = node["metadata"]["name"];
    EXPECT_TRUE(store_.Create("nodes", std::move(node)));
    return name;
  }

  json Pod(const std::string& name, const std::string& cpu, json extra_spec = json::object()) {
    json spec = {
        {"containers", {{{"name", "app"}, {"resources", {{"requests", {{"cpu", cpu}}}}}}}}};
    spec.merge_patch(extra_spec);
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", {{"app", "web"}}}}},
            {"spec", spec},
            {"status", {{"phase", "Pending"}}}};
  }
  void CreatePod(json pod) { ASSERT_TRUE(store_.Create("pods", std::move(pod))); }

  std::string NodeOf(const std::string& pod) {
    Result<json> p = store_.Get("pods", "default", pod);
    return p ? (*p)["spec"].value("nodeName", "") : "<missing>";
  }
  std::string WhyPending(const std::string& pod) {
    Result<json> p = store_.Get("pods", "default", pod);
    return p ? (*p)["status"]["conditions"][0].value("message", "") : "<missing>";
  }

  FakeClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000))};
  ObjectStore store_{&clock_};
  PodIndex index_;
  SandboxScheduler scheduler_{&store_, &index_};
};

TEST_F(SandboxSchedulerTest, PodWhosePvcVolumeIsInZoneAOnlyLandsOnAZoneANode) {
  std::string a = AddNode(1, "us-east-1a");
  AddNode(2, "us-east-1b");
  AddNode(3, "us-east-1c");
  json pv = json::parse(R"({"apiVersion": "v1", "kind": "PersistentVolume",
    "metadata": {"name": "pv-a"},
    "spec": {"capacity": {"storage": "10Gi"},
             "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-0a"},
             "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
               {"key": "topology.kubernetes.io/zone", "operator": "In",
                "values": ["us-east-1a"]}]}]}}},
    "status": {"phase": "Bound"}})");
  ASSERT_TRUE(store_.Create("persistentvolumes", pv));
  ASSERT_TRUE(store_.Create("persistentvolumeclaims",
                            {{"apiVersion", "v1"},
                             {"kind", "PersistentVolumeClaim"},
                             {"metadata", {{"name", "data"}, {"namespace", "default"}}},
                             {"spec", {{"volumeName", "pv-a"}}},
                             {"status", {{"phase", "Bound"}}}}));
  json volumes = json::parse(
      R"({"volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]})");
  // Zone a is the busiest node, so least-allocated scoring alone would pick another one.
  CreatePod(Pod("filler", "1500m", {{"nodeName", a}}));
  CreatePod(Pod("db", "200m", volumes));
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 1);
  EXPECT_EQ(NodeOf("db"), a);

  // With zone a full, the pod waits rather than land next to a volume it cannot attach.
  CreatePod(Pod("db2", "400m", volumes));
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 0);
  EXPECT_EQ(WhyPending("db2"),
            "0/3 nodes are available: 2 node(s) had volume node affinity conflict, 1 Insufficient "
            "cpu.");
}

TEST_F(SandboxSchedulerTest, ClaimWithoutAVolumeIsProvisionedInTheChosenNodesZone) {
  AddNode(1, "us-east-1a");
  const json claim_volume = json::parse(
      R"({"volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data-db-0"}}]})");
  ASSERT_TRUE(store_.Create("persistentvolumeclaims",
                            {{"apiVersion", "v1"},
                             {"kind", "PersistentVolumeClaim"},
                             {"metadata", {{"name", "data-db-0"}, {"namespace", "default"}}},
                             {"spec", {{"resources", {{"requests", {{"storage", "5Gi"}}}}}}}}));
  CreatePod(Pod("db-0", "100m", claim_volume));
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 1);
  Result<json> claim = store_.Get("persistentvolumeclaims", "default", "data-db-0");
  ASSERT_TRUE(claim);
  std::string pv_name = (*claim)["spec"].value("volumeName", "");
  ASSERT_FALSE(pv_name.empty());
  Result<json> pv = store_.Get("persistentvolumes", "", pv_name);
  ASSERT_TRUE(pv);
  EXPECT_EQ((*pv)["metadata"]["labels"]["topology.kubernetes.io/zone"], "us-east-1a");
  EXPECT_EQ((*pv)["spec"]["capacity"]["storage"], "5Gi");

  // A new node in zone b is emptier, but the recreated pod follows its volume to zone a.
  std::string b = AddNode(2, "us-east-1b");
  ASSERT_TRUE(store_.Delete("pods", "default", "db-0"));
  CreatePod(Pod("db-0", "100m", claim_volume));
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 1);
  EXPECT_NE(NodeOf("db-0"), b);
}

TEST_F(SandboxSchedulerTest, RequestsTaintsSelectorsAndAffinityAreHonoured) {
  std::string a = AddNode(1, "us-east-1a");
  std::string b = AddNode(2, "us-east-1b");
  ASSERT_TRUE(store_.Mutate("nodes", "", b, [](json& n) -> Status {
    n["spec"]["taints"] = {{{"key", "gpu"}, {"value", "true"}, {"effect", "NoSchedule"}}};
    return Ok();
  }));
  CreatePod(Pod("plain", "100m"));
  CreatePod(Pod("tolerant", "100m",
                {{"tolerations", {{{"key", "gpu"}, {"operator", "Exists"}}}},
                 {"nodeSelector", {{"topology.kubernetes.io/zone", "us-east-1b"}}}}));
  CreatePod(Pod("nowhere", "100m", json::parse(R"({"affinity": {"nodeAffinity": {
    "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
      {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["us-east-1c"]}]}]}}}})")));
  CreatePod(Pod("huge", "3"));
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 2);
  EXPECT_EQ(NodeOf("plain"), a);
  EXPECT_EQ(NodeOf("tolerant"), b);
  // The shared simulator checks the selector before taints (its FitFailure order).
  EXPECT_EQ(WhyPending("nowhere"),
            "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.");
  EXPECT_EQ(WhyPending("huge"),
            "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint.");
}

TEST_F(SandboxSchedulerTest, ZoneSpreadAndHostnameAntiAffinityAreHonoured) {
  for (int n = 1; n <= 3; ++n) AddNode(n, n == 3 ? "us-east-1b" : "us-east-1a");
  json spread = json::parse(R"({"topologySpreadConstraints": [{"maxSkew": 1,
    "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
    "labelSelector": {"matchLabels": {"app": "web"}}}]})");
  for (int i = 0; i < 4; ++i) CreatePod(Pod("web-" + std::to_string(i), "100m", spread));
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 4);
  int in_b = 0;
  for (int i = 0; i < 4; ++i)
    in_b += NodeOf("web-" + std::to_string(i)) == "ip-10-0-0-3.ec2.internal";
  EXPECT_EQ(in_b, 2);  // 2 + 2 across the two zones, though zone a has two nodes

  json anti = json::parse(R"({"affinity": {"podAntiAffinity": {
    "requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname",
      "labelSelector": {"matchLabels": {"app": "cache"}}}]}}})");
  for (int i = 0; i < 4; ++i) {
    json pod = Pod("cache-" + std::to_string(i), "100m", anti);
    pod["metadata"]["labels"]["app"] = "cache";
    CreatePod(pod);
  }
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 3);
  EXPECT_EQ(WhyPending("cache-3"),
            "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.");
}

TEST_F(SandboxSchedulerTest, ABoundPodsNewLabelsCountForAntiAffinityWithoutARebuild) {
  std::string a = AddNode(1, "us-east-1a");
  std::string b = AddNode(2, "us-east-1a");
  CreatePod(Pod("db", "100m"));  // app=web
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 1);
  std::string db_node = NodeOf("db");
  ASSERT_TRUE(db_node == a || db_node == b) << db_node;
  ASSERT_TRUE(store_.Mutate("pods", "default", "db", [](json& p) -> Status {
    p["metadata"]["labels"]["app"] = "cache";
    return Ok();
  }));
  json anti = json::parse(R"({"affinity": {"podAntiAffinity": {
    "requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname",
      "labelSelector": {"matchLabels": {"app": "cache"}}}]}}})");
  for (int i = 0; i < 2; ++i) {
    json pod = Pod("cache-" + std::to_string(i), "100m", anti);
    pod["metadata"]["labels"]["app"] = "cache";
    CreatePod(pod);
  }
  // Only the node without db takes one; counting db as app=web would have placed both.
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 1);
  std::string placed = NodeOf("cache-0").empty() ? NodeOf("cache-1") : NodeOf("cache-0");
  EXPECT_EQ(placed, db_node == a ? b : a);
  std::string waiting = NodeOf("cache-0").empty() ? "cache-0" : "cache-1";
  EXPECT_EQ(WhyPending(waiting),
            "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.");
  EXPECT_EQ(scheduler_.rebuilds(), 1);
}

TEST_F(SandboxSchedulerTest, PodsAreBoundIncrementallyAndCordonsApplyInPlace) {
  std::string a = AddNode(1, "us-east-1a");
  for (int i = 0; i < 19; ++i) CreatePod(Pod("p-" + std::to_string(i), "100m"));
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 19);  // 1900m of 1930m
  CreatePod(Pod("late", "100m"));
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 0);
  EXPECT_EQ(WhyPending("late"), "0/1 nodes are available: 1 Insufficient cpu.");
  // A deleted pod frees its share without a rebuild of the picture.
  ASSERT_TRUE(store_.Delete("pods", "default", "p-0"));
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 1);
  EXPECT_EQ(NodeOf("late"), a);
  EXPECT_EQ(scheduler_.rebuilds(), 1);
  // Cordoning changes the node in place: the next pass respects it without a rebuild.
  ASSERT_TRUE(store_.Mutate("nodes", "", a, [](json& n) -> Status {
    n["spec"]["unschedulable"] = true;
    return Ok();
  }));
  ASSERT_TRUE(store_.Delete("pods", "default", "p-1"));
  CreatePod(Pod("cordoned", "10m"));
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 0);
  EXPECT_EQ(WhyPending("cordoned"), "0/1 nodes are available: 1 node(s) were unschedulable.");
  EXPECT_EQ(scheduler_.rebuilds(), 1);
  // A NoSchedule taint instead of the cordon: still in place, and still respected.
  ASSERT_TRUE(store_.Mutate("nodes", "", a, [](json& n) -> Status {
    n["spec"]["unschedulable"] = false;
    n["spec"]["taints"] = json::array({{{"key", "spot"}, {"effect", "NoSchedule"}}});
    return Ok();
  }));
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 0);
  EXPECT_NE(WhyPending("cordoned").find("1 node(s) had untolerated taint"), std::string::npos)
      << WhyPending("cordoned");
  EXPECT_EQ(scheduler_.rebuilds(), 1);
  // Uncordoned and untainted: the pod lands, and a label change rebuilds.
  ASSERT_TRUE(store_.Mutate("nodes", "", a, [](json& n) -> Status {
    n["spec"].erase("taints");
    n["metadata"]["labels"]["team"] = "x";
    return Ok();
  }));
  EXPECT_EQ(scheduler_.SchedulePending(clock_.Now()), 1);
  EXPECT_EQ(NodeOf("cordoned"), a);
  EXPECT_EQ(scheduler_.rebuilds(), 2);
}

}  // namespace
}  // namespace cloudoptim::sandbox
