#include "safety/execution_gate.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

const TimePoint kGateT0 = TimePoint(std::chrono::seconds(1'790'000'000));

Pod AppPod(const std::string& name, const std::string& node) {
  Pod pod;
  pod.meta.name = name;
  pod.meta.namespace_name = "shop";
  pod.meta.labels = {{"app", "web"}};
  pod.meta.owner_references = {{"apps/v1", "ReplicaSet", "web-5d9f", "u", true}};
  pod.node_name = node;
  pod.phase = PodPhase::kRunning;
  pod.container_statuses = {{.name = "web", .ready = true}};
  return pod;
}

// 20 Ready nodes; web-1..3 on node-0..2 under a PDB of minAvailable 2; node-5 runs only a
// DaemonSet pod; vol-1 has a completed snapshot, vol-2 none.
Snapshot Cluster() {
  Snapshot s;
  s.cluster_name = "prod";
  for (int i = 0; i < 20; ++i) {
    Node node;
    node.meta.name = "node-" + std::to_string(i);
    node.provider_id = "aws:///us-east-1a/i-000" + std::to_string(i);
    node.conditions = {{"Ready", "True", ""}};
    s.nodes.push_back(node);
  }
  for (int i = 0; i < 3; ++i)
    s.pods.push_back(AppPod("web-" + std::to_string(i + 1), "node-" + std::to_string(i)));
  Pod daemon = AppPod("fluentbit-x", "node-5");
  daemon.meta.labels = {{"app", "fluentbit"}};
  daemon.meta.owner_references = {{"apps/v1", "DaemonSet", "fluentbit", "u2", true}};
  s.pods.push_back(daemon);
  PodDisruptionBudget pdb;
  pdb.meta.name = "web";
  pdb.meta.namespace_name = "shop";
  pdb.selector = LabelSelector::FromMatchLabels({{"app", "web"}});
  pdb.min_available = "2";
  s.disruption_budgets.push_back(pdb);
  for (const char* id : {"vol-1", "vol-2"}) {
    EbsVolume volume;
    volume.volume_id = id;
    s.volumes.push_back(volume);
  }
  s.ebs_snapshots.push_back({"snap-1", "vol-1", "completed", 10, kGateT0, {}});
  return s;
}

ActionRequest Request(ActionType type, const std::string& target, bool approved = false) {
  ActionRequest request;
  request.action = {type, target, {}};
  request.recommendation_id = "rec-1";
  request.approved = approved;
  return request;
}

ExecutionGate Autopilot() {
  GateConfig config;
  config.cluster_modes["prod"] = ExecutionMode::kAutopilot;
  return ExecutionGate(std::move(config));
}

void ExpectBlocked(const GateDecision& d, Guard guard, const std::string& part) {
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(GuardName(d.blocked_by), GuardName(guard)) << d.reason;
  EXPECT_NE(d.reason.find(part), std::string::npos) << d.reason;
}

TEST(ExecutionGateTest, ByDefaultNothingActs) {
  ExecutionGate gate{GateConfig{}};
  EXPECT_EQ(gate.ModeFor("prod"), ExecutionMode::kRecommendOnly);
  ExpectBlocked(gate.MayRun(Cluster(), Request(ActionType::kLaunchNodes, "nodegroup/a", true)),
                Guard::kMode, "recommend-only");
}

TEST(ExecutionGateTest, ApproveModeActsOnlyOnApprovedRecommendations) {
  GateConfig config;
  config.cluster_modes["prod"] = ExecutionMode::kApprove;
  ExecutionGate gate(std::move(config));
  ExpectBlocked(gate.MayRun(Cluster(), Request(ActionType::kDrainNode, "node/node-0")),
                Guard::kMode, "recommendation rec-1 is not approved");
  EXPECT_TRUE(gate.MayRun(Cluster(), Request(ActionType::kDrainNode, "node/node-0", true)).allowed);
}

TEST(ExecutionGateTest, AutopilotActsWithoutApproval) {
  ExecutionGate gate = Autopilot();
  GateDecision d = gate.MayRun(Cluster(), Request(ActionType::kDrainNode, "node/node-0"));
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_EQ(d.blocked_by, Guard::kNone);
}

TEST(ExecutionGateTest, KillSwitchesStopEvenAutopilot) {
  ExecutionGate gate = Autopilot();
  Snapshot staging = Cluster();
  staging.cluster_name = "staging";
  gate.config().cluster_modes["staging"] = ExecutionMode::kAutopilot;
  gate.config().kill_switches.Engage("prod", "game day");
  auto request = Request(ActionType::kLaunchNodes, "nodegroup/a");
  ExpectBlocked(gate.MayRun(Cluster(), request), Guard::kKillSwitch, "cluster prod");
  EXPECT_TRUE(gate.MayRun(staging, request).allowed);
  gate.config().kill_switches.EngageGlobal("incident");
  ExpectBlocked(gate.MayRun(staging, request), Guard::kKillSwitch, "global");
  gate.config().kill_switches.ReleaseGlobal();
  gate.config().kill_switches.Release("prod");
  EXPECT_TRUE(gate.MayRun(Cluster(), request).allowed);
}

TEST(ExecutionGateTest, HonoursDoNotDisruptOnTheNodeAndOnItsPods) {
  ExecutionGate gate = Autopilot();
  Snapshot s = Cluster();
  s.nodes[0].meta.annotations = {{"cloudoptim.io/do-not-disrupt", "true"}};
  ExpectBlocked(gate.MayRun(s, Request(ActionType::kDrainNode, "node/node-0")),
                Guard::kDoNotDisrupt, "node node-0 has cloudoptim.io/do-not-disrupt");
  s = Cluster();
  s.pods[1].meta.annotations = {{"cluster-autoscaler.kubernetes.io/safe-to-evict", "false"}};
  ExpectBlocked(gate.MayRun(s, Request(ActionType::kReplaceNode, "node/node-1")),
                Guard::kDoNotDisrupt, "pod shop/web-2");
}

TEST(ExecutionGateTest, CapsConcurrentDisruptionsAtTenPercentOfNodes) {
  ExecutionGate gate = Autopilot();
  auto request = Request(ActionType::kDrainNode, "node/node-0");
  request.disruptions_in_flight = 1;
  EXPECT_TRUE(gate.MayRun(Cluster(), request).allowed);
  request.disruptions_in_flight = 2;
  ExpectBlocked(gate.MayRun(Cluster(), request), Guard::kConcurrency, "at most 2");
  gate.config().max_disruption_fraction = 0.5;
  EXPECT_TRUE(gate.MayRun(Cluster(), request).allowed);
}

TEST(ExecutionGateTest, RefusesADrainThatWouldBreakAPodDisruptionBudget) {
  ExecutionGate gate = Autopilot();
  Snapshot s = Cluster();
  s.disruption_budgets[0].min_available = "3";
  ExpectBlocked(gate.MayRun(s, Request(ActionType::kDrainNode, "node/node-0")),
                Guard::kDisruptionBudget, "PDB shop/web");
}

TEST(ExecutionGateTest, NeverTerminatesAReadyNodeThatWasNotDrained) {
  ExecutionGate gate = Autopilot();
  ExpectBlocked(gate.MayRun(Cluster(), Request(ActionType::kTerminateNode, "node/node-0")),
                Guard::kNotDrained, "still runs 1 pods (shop/web-1)");
  ExpectBlocked(gate.MayRun(Cluster(), Request(ActionType::kTerminateInstance, "instance/i-0000")),
                Guard::kNotDrained, "node node-0");
  EXPECT_TRUE(gate.MayRun(Cluster(), Request(ActionType::kTerminateNode, "node/node-5")).allowed);
  EXPECT_TRUE(
      gate.MayRun(Cluster(), Request(ActionType::kTerminateInstance, "instance/i-orphan")).allowed);
}

TEST(ExecutionGateTest, NeverDeletesAVolumeWithoutACompletedSnapshot) {
  ExecutionGate gate = Autopilot();
  EXPECT_TRUE(gate.MayRun(Cluster(), Request(ActionType::kDeleteVolume, "volume/vol-1")).allowed);
  ExpectBlocked(gate.MayRun(Cluster(), Request(ActionType::kDeleteVolume, "volume/vol-2")),
                Guard::kNoSnapshot, "vol-2 has no completed snapshot");
  auto request = Request(ActionType::kDeleteVolume, "volume/vol-1");
  request.volume_last_attached_at = kGateT0 + std::chrono::minutes(5);
  ExpectBlocked(gate.MayRun(Cluster(), request), Guard::kNoSnapshot, "after its last attachment");
}

TEST(ExecutionGateTest, RefusesTargetsItCannotFind) {
  ExecutionGate gate = Autopilot();
  ExpectBlocked(gate.MayRun(Cluster(), Request(ActionType::kDrainNode, "node/ghost")),
                Guard::kTarget, "node/ghost");
  ExpectBlocked(gate.MayRun(Cluster(), Request(ActionType::kDeleteVolume, "volume/vol-9")),
                Guard::kTarget, "vol-9");
  ExpectBlocked(gate.MayRun(Cluster(), Request(ActionType::kDeleteVolume, "vol-1")), Guard::kTarget,
                "not a volume");
}

TEST(ExecutionGateTest, ChecksOnlyTheBatchOfPodsTheExecutorEvictsNow) {
  ExecutionGate gate = Autopilot();
  Snapshot s = Cluster();
  s.pods[1].node_name = "node-0";  // web-1 and web-2 on node-0; the PDB allows 1
  auto request = Request(ActionType::kDrainNode, "node/node-0");
  ExpectBlocked(gate.MayRun(s, request), Guard::kDisruptionBudget, "evicting 2 healthy pods");
  request.evict_pods = {"shop/web-2"};
  EXPECT_TRUE(gate.MayRun(s, request).allowed);
}

TEST(ExecutionGateTest, InterruptionResponsesRunInAnyModeButNotPastKillSwitchesOrBudgets) {
  ExecutionGate gate{GateConfig{}};  // recommend-only
  Snapshot s = Cluster();
  s.nodes[0].meta.annotations = {{"karpenter.sh/do-not-disrupt", "true"}};
  auto request = Request(ActionType::kDrainNode, "node/node-0");
  request.origin = ActionOrigin::kInterruption;
  request.disruptions_in_flight = 5;
  GateDecision d = gate.MayRun(s, request);
  EXPECT_TRUE(d.allowed) << d.reason;
  s.disruption_budgets[0].min_available = "3";
  ExpectBlocked(gate.MayRun(s, request), Guard::kDisruptionBudget, "PDB shop/web");
  gate.config().kill_switches.EngageGlobal("stop");
  ExpectBlocked(gate.MayRun(s, request), Guard::kKillSwitch, "global");
}

}  // namespace
}  // namespace cloudoptim
