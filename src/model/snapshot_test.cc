// Snapshot lookups and the small value types around it (pools, EC2/EBS state names, kinds).
#include "model/snapshot.h"

#include <gtest/gtest.h>

#include "model/pool.h"

namespace cloudoptim {
namespace {

Pod PodOn(std::string name, std::string node, PodPhase phase) {
  Pod pod;
  pod.meta.name = std::move(name);
  pod.node_name = std::move(node);
  pod.phase = phase;
  return pod;
}

TEST(SnapshotTest, FindsNodesAndNamespacesByName) {
  Snapshot s;
  s.nodes.resize(2);
  s.nodes[0].meta.name = "a";
  s.nodes[1].meta.name = "b";
  s.namespaces.resize(1);
  s.namespaces[0].meta.name = "prod";
  ASSERT_NE(s.FindNode("b"), nullptr);
  EXPECT_EQ(s.FindNode("b"), &s.nodes[1]);
  EXPECT_EQ(s.FindNode("c"), nullptr);
  EXPECT_EQ(s.FindNamespace("prod"), &s.namespaces[0]);
  EXPECT_EQ(s.FindNamespace("dev"), nullptr);
}

TEST(SnapshotTest, PodsOnNodeSkipsTerminalPodsAndOtherNodes) {
  Snapshot s;
  s.pods = {PodOn("web", "a", PodPhase::kRunning), PodOn("job", "a", PodPhase::kSucceeded),
            PodOn("db", "b", PodPhase::kRunning), PodOn("new", "a", PodPhase::kPending),
            PodOn("crashed", "a", PodPhase::kFailed)};
  const std::vector<const Pod*> on_a = s.PodsOnNode("a");
  ASSERT_EQ(on_a.size(), 2u);
  EXPECT_EQ(on_a[0]->meta.name, "web");
  EXPECT_EQ(on_a[1]->meta.name, "new");
  EXPECT_TRUE(s.PodsOnNode("z").empty());
}

TEST(PoolKeyTest, PrintsAndOrders) {
  const PoolKey spot{"m5.large", "us-east-1a", CapacityType::kSpot};
  const PoolKey on_demand{"m5.large", "us-east-1a", CapacityType::kOnDemand};
  EXPECT_EQ(spot.ToString(), "m5.large/us-east-1a/spot");
  EXPECT_EQ(on_demand.ToString(), "m5.large/us-east-1a/on-demand");
  EXPECT_LT(on_demand, spot);
  EXPECT_EQ(spot, (PoolKey{"m5.large", "us-east-1a", CapacityType::kSpot}));
}

TEST(CloudStateTest, InstanceAndVolumeStatesUseEc2Names) {
  for (InstanceState state :
       {InstanceState::kPending, InstanceState::kRunning, InstanceState::kShuttingDown,
        InstanceState::kTerminated, InstanceState::kStopping, InstanceState::kStopped}) {
    EXPECT_EQ(ParseInstanceState(InstanceStateName(state)), state);
  }
  EXPECT_EQ(InstanceStateName(InstanceState::kShuttingDown), "shutting-down");
  EXPECT_EQ(ParseInstanceState("Running"), std::nullopt);
  for (VolumeState state : {VolumeState::kCreating, VolumeState::kAvailable, VolumeState::kInUse,
                            VolumeState::kDeleting, VolumeState::kDeleted, VolumeState::kError}) {
    EXPECT_EQ(ParseVolumeState(VolumeStateName(state)), state);
  }
  EXPECT_EQ(VolumeStateName(VolumeState::kInUse), "in-use");
  EXPECT_EQ(ParseVolumeState("attached"), std::nullopt);
}

TEST(WorkloadKindTest, HasKubernetesKindNames) {
  EXPECT_EQ(WorkloadKindName(WorkloadKind::kDeployment), "Deployment");
  EXPECT_EQ(WorkloadKindName(WorkloadKind::kStatefulSet), "StatefulSet");
  EXPECT_EQ(WorkloadKindName(WorkloadKind::kDaemonSet), "DaemonSet");
  EXPECT_EQ(WorkloadKindName(WorkloadKind::kCronJob), "CronJob");
  EXPECT_EQ(WorkloadKindName(WorkloadKind::kJob), "Job");
  EXPECT_EQ(WorkloadKindName(WorkloadKind::kReplicaSet), "ReplicaSet");
}

}  // namespace
}  // namespace cloudoptim
