#include "safety/disruption_guards.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

TEST(DisruptionCapTest, IsTenPercentOfNodesAndAtLeastOne) {
  EXPECT_EQ(MaxConcurrentDisruptions(0), 1);
  EXPECT_EQ(MaxConcurrentDisruptions(3), 1);
  EXPECT_EQ(MaxConcurrentDisruptions(19), 1);
  EXPECT_EQ(MaxConcurrentDisruptions(20), 2);
  EXPECT_EQ(MaxConcurrentDisruptions(25), 2);
  EXPECT_EQ(MaxConcurrentDisruptions(100), 10);
  EXPECT_EQ(MaxConcurrentDisruptions(100, 0.25), 25);
}

TEST(DisruptionCapTest, ShouldOnlyAllowTwoNodesAtOnceInATwentyNodeCluster) {
  EXPECT_TRUE(CheckDisruptionCap(0, 20).has_value());
  EXPECT_TRUE(CheckDisruptionCap(1, 20).has_value());
  Status refused = CheckDisruptionCap(2, 20);
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(IsResourceExhausted(refused.error()));
  EXPECT_EQ(refused.error().message,
            "2 of at most 2 concurrent disruptions already run in a cluster of 20 nodes");
}

Node ReadyNode(bool ready) {
  Node node;
  node.meta.name = "ip-10-0-1-2";
  node.conditions = {{"Ready", ready ? "True" : "False", ""}};
  return node;
}

Pod PodOwnedBy(const std::string& name, const std::string& owner_kind) {
  Pod pod;
  pod.meta.name = name;
  pod.meta.namespace_name = "shop";
  pod.phase = PodPhase::kRunning;
  if (!owner_kind.empty()) pod.meta.owner_references = {{"apps/v1", owner_kind, "o", "u", true}};
  return pod;
}

TEST(NodeDrainedTest, RefusesAReadyNodeThatStillRunsWorkloadPods) {
  Pod app = PodOwnedBy("cart", "ReplicaSet");
  Status refused = CheckNodeDrained(ReadyNode(true), {&app});
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("still runs 1 pods (shop/cart)"), std::string::npos);
}

TEST(NodeDrainedTest, DaemonSetMirrorAndFinishedPodsDoNotCount) {
  Pod daemon = PodOwnedBy("fluentbit", "DaemonSet");
  Pod mirror = PodOwnedBy("kube-proxy", "");
  mirror.meta.annotations = {{"kubernetes.io/config.mirror", "abc"}};
  Pod done = PodOwnedBy("job-1", "Job");
  done.phase = PodPhase::kSucceeded;
  EXPECT_TRUE(CheckNodeDrained(ReadyNode(true), {&daemon, &mirror, &done}).has_value());
}

TEST(NodeDrainedTest, ANodeThatIsNotReadyMayGo) {
  Pod app = PodOwnedBy("cart", "ReplicaSet");
  EXPECT_TRUE(CheckNodeDrained(ReadyNode(false), {&app}).has_value());
}

const TimePoint kT0 = TimePoint(std::chrono::seconds(1'790'000'000));

EbsVolume Detached() {
  EbsVolume volume;
  volume.volume_id = "vol-1";
  volume.state = VolumeState::kAvailable;
  return volume;
}

EbsSnapshot SnapshotOf(const std::string& volume, const std::string& state, TimePoint start) {
  EbsSnapshot s;
  s.snapshot_id = "snap-" + state;
  s.volume_id = volume;
  s.state = state;
  s.start_time = start;
  return s;
}

TEST(VolumeDeletableTest, NeedsACompletedSnapshotOfThatVolume) {
  Status none = CheckVolumeDeletable(Detached(), {}, std::nullopt);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().message, "volume vol-1 has no completed snapshot");
  EXPECT_FALSE(
      CheckVolumeDeletable(Detached(), {SnapshotOf("vol-1", "pending", kT0)}, std::nullopt));
  EXPECT_FALSE(
      CheckVolumeDeletable(Detached(), {SnapshotOf("vol-2", "completed", kT0)}, std::nullopt));
  EXPECT_TRUE(
      CheckVolumeDeletable(Detached(), {SnapshotOf("vol-1", "completed", kT0)}, std::nullopt));
}

TEST(VolumeDeletableTest, TheSnapshotMustBeNewerThanTheLastAttachment) {
  std::vector<EbsSnapshot> old{SnapshotOf("vol-1", "completed", kT0)};
  Status refused = CheckVolumeDeletable(Detached(), old, kT0 + std::chrono::hours(1));
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("after its last attachment"), std::string::npos);
  EXPECT_TRUE(CheckVolumeDeletable(Detached(), old, kT0 - std::chrono::hours(1)));
}

TEST(VolumeDeletableTest, RefusesAnAttachedVolume) {
  EbsVolume volume = Detached();
  volume.state = VolumeState::kInUse;
  volume.attachments = {{"i-0abc", "/dev/xvdf", "attached"}};
  EXPECT_FALSE(CheckVolumeDeletable(volume, {SnapshotOf("vol-1", "completed", kT0)}, std::nullopt));
}

}  // namespace
}  // namespace cloudoptim
