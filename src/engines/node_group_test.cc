#include "engines/node_group.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

Node MakeNode(std::string name, Labels node_labels) {
  Node node;
  node.meta.name = std::move(name);
  node.meta.labels = std::move(node_labels);
  return node;
}

Pod MakePod(std::string name, std::string node, std::string ns = "default") {
  Pod pod;
  pod.meta.name = std::move(name);
  pod.meta.namespace_name = std::move(ns);
  pod.node_name = std::move(node);
  pod.phase = PodPhase::kRunning;
  return pod;
}

TEST(NodeGroupTest, ExplicitLabelWinsThenEksThenKarpenterThenInstanceType) {
  Snapshot snapshot;
  snapshot.nodes = {
      MakeNode("n1", {{"cloudoptim.io/node-group", "mine"}, {"eks.amazonaws.com/nodegroup", "ng"}}),
      MakeNode("n2", {{"eks.amazonaws.com/nodegroup", "ng"}, {"karpenter.sh/nodepool", "kp"}}),
      MakeNode("n3", {{"karpenter.sh/nodepool", "kp"}}),
      MakeNode("n4", {{"node.kubernetes.io/instance-type", "m5.large"}}),
      MakeNode("n5", {{"node.kubernetes.io/instance-type", "m5.large"}}),
  };
  const std::vector<NodeGroup> groups = GroupNodes(snapshot);
  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[0].name, "kp");
  EXPECT_EQ(groups[0].label_key, "karpenter.sh/nodepool");
  EXPECT_EQ(groups[1].name, "mine");
  EXPECT_EQ(groups[2].name, "ng");
  EXPECT_EQ(groups[2].nodes.size(), 1u);
  EXPECT_EQ(groups[3].name, "type/m5.large");
  EXPECT_EQ(groups[3].nodes.size(), 2u);
  EXPECT_EQ(groups[3].Target(), "node-group/type/m5.large");
}

TEST(NodeGroupTest, DaemonSetAndMirrorPodsAreOverheadNotWorkload) {
  Snapshot snapshot;
  snapshot.nodes = {MakeNode(
      "n1", {{"karpenter.sh/nodepool", "kp"}, {"topology.kubernetes.io/zone", "us-east-1a"}})};
  snapshot.pods = {MakePod("web", "n1"), MakePod("ds", "n1"), MakePod("mirror", "n1"),
                   MakePod("done", "n1"), MakePod("elsewhere", "n9")};
  snapshot.pods[1].meta.owner_references.push_back({"apps/v1", "DaemonSet", "ds", "", true});
  snapshot.pods[2].meta.annotations["kubernetes.io/config.mirror"] = "x";
  snapshot.pods[3].phase = PodPhase::kSucceeded;
  const std::vector<NodeGroup> groups = GroupNodes(snapshot);
  ASSERT_EQ(groups.size(), 1u);
  ASSERT_EQ(groups[0].workload_pods.size(), 1u);
  EXPECT_EQ(groups[0].workload_pods[0]->meta.name, "web");
  EXPECT_EQ(groups[0].daemon_pods.size(), 2u);
  EXPECT_EQ(groups[0].Zones(), std::vector<std::string>{"us-east-1a"});
}

TEST(NodeGroupTest, NodesBeingDeletedAreLeftOut) {
  Snapshot snapshot;
  snapshot.nodes = {MakeNode("n1", {}), MakeNode("n2", {})};
  snapshot.nodes[1].meta.deletion_timestamp = TimePoint{};
  const std::vector<NodeGroup> groups = GroupNodes(snapshot);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].nodes.size(), 1u);
  EXPECT_EQ(groups[0].name, "type/unknown");
}

TEST(NodeGroupTest, PodsOptOutOfSpotByAnnotationLabelOrNamespace) {
  const std::vector<std::string> excluded = {"kube-system"};
  Pod pod = MakePod("web", "n1", "shop");
  EXPECT_TRUE(PodAllowsSpot(pod, excluded));
  pod.meta.annotations["cloudoptim.io/spot"] = "false";
  EXPECT_FALSE(PodAllowsSpot(pod, excluded));
  pod.meta.annotations["cloudoptim.io/spot"] = "true";
  EXPECT_TRUE(PodAllowsSpot(pod, excluded));
  pod.meta.labels["cloudoptim.io/spot"] = "false";
  EXPECT_FALSE(PodAllowsSpot(pod, excluded));
  EXPECT_FALSE(PodAllowsSpot(MakePod("dns", "n1", "kube-system"), excluded));
  EXPECT_TRUE(PodAllowsSpot(MakePod("dns", "n1", "kube-system"), {}));
}

}  // namespace
}  // namespace cloudoptim
