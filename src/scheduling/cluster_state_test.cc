#include "scheduling/cluster_state.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

constexpr int64_t kGi = int64_t{1} << 30;

Node MakeNode(const std::string& name, const std::string& zone, int64_t cpu_millis = 4000,
              int64_t memory_gib = 16, int64_t max_pods = 110) {
  Node n;
  n.meta.name = name;
  n.meta.labels = {{"kubernetes.io/hostname", name}, {"topology.kubernetes.io/zone", zone}};
  n.allocatable = {cpu_millis, memory_gib * kGi, 100 * kGi, max_pods, 0};
  return n;
}

Pod MakePod(const std::string& name, int64_t cpu_millis, int64_t memory_bytes,
            Labels labels = {{"app", "web"}}) {
  Pod p;
  p.meta.name = name;
  p.meta.namespace_name = "default";
  p.meta.labels = std::move(labels);
  Container c;
  c.name = "main";
  c.resources.requests.cpu_millis = cpu_millis;
  c.resources.requests.memory_bytes = memory_bytes;
  p.containers.push_back(c);
  return p;
}

LabelSelector AppSelector(const std::string& app) {
  return LabelSelector{{SelectorRequirement{"app", SelectorOperator::kIn, {app}}}};
}

TEST(ClusterStateTest, PodFitsWhenRequestsAreBelowFreeResources) {
  ClusterState state;
  NodeId n = state.AddNode(MakeNode("a", "z1", 1000, 2));
  Pod small = MakePod("small", 600, kGi);
  Pod big = MakePod("big", 600, kGi);
  PreparedPod p1 = state.Prepare(small);
  EXPECT_EQ(state.Fits(p1, n), FitFailure::kNone);
  state.Bind(p1, n);
  PreparedPod p2 = state.Prepare(big);
  EXPECT_EQ(state.Fits(p2, n), FitFailure::kInsufficientCpu);
  EXPECT_TRUE(state.Unbind(p1, n));
  EXPECT_EQ(state.Fits(p2, n), FitFailure::kNone);
}

TEST(ClusterStateTest, MemoryAndMaxPodsAreChecked) {
  ClusterState state;
  NodeId n = state.AddNode(MakeNode("a", "z1", 8000, 1, 1));
  Pod hungry = MakePod("hungry", 100, 2 * kGi);
  EXPECT_EQ(state.Fits(state.Prepare(hungry), n), FitFailure::kInsufficientMemory);
  Pod one = MakePod("one", 100, 1);
  Pod two = MakePod("two", 100, 1);
  state.Bind(state.Prepare(one), n);
  EXPECT_EQ(state.Fits(state.Prepare(two), n), FitFailure::kTooManyPods);
}

TEST(ClusterStateTest, UnschedulableNodeRejectsUnlessTolerated) {
  ClusterState state;
  Node cordoned = MakeNode("a", "z1");
  cordoned.unschedulable = true;
  NodeId n = state.AddNode(cordoned);
  Pod pod = MakePod("p", 100, 1);
  EXPECT_EQ(state.Fits(state.Prepare(pod), n), FitFailure::kNodeUnschedulable);
  Pod tolerant = MakePod("t", 100, 1);
  tolerant.tolerations.push_back(
      Toleration{"node.kubernetes.io/unschedulable", true, "", TaintEffect::kNoSchedule});
  EXPECT_EQ(state.Fits(state.Prepare(tolerant), n), FitFailure::kNone);
}

TEST(ClusterStateTest, NodeSelectorAndRequiredAffinityFilterNodes) {
  ClusterState state;
  Node gpu = MakeNode("gpu", "z1");
  gpu.meta.labels["accelerator"] = "a100";
  gpu.meta.labels["generation"] = "7";
  NodeId g = state.AddNode(gpu);
  NodeId plain = state.AddNode(MakeNode("plain", "z1"));
  Pod selecting = MakePod("s", 100, 1);
  selecting.node_selector = {{"accelerator", "a100"}};
  PreparedPod s = state.Prepare(selecting);
  EXPECT_EQ(state.Fits(s, g), FitFailure::kNone);
  EXPECT_EQ(state.Fits(s, plain), FitFailure::kNodeSelectorMismatch);

  // Terms are ORed: Gt on one term, a matchFields name on the other.
  Pod affine = MakePod("aff", 100, 1);
  NodeSelectorTerm newer;
  newer.match_expressions.push_back({"generation", SelectorOperator::kGt, {"6"}});
  NodeSelectorTerm by_name;
  by_name.match_fields.push_back({"metadata.name", SelectorOperator::kIn, {"plain"}});
  affine.affinity.required_node_terms = {newer, by_name};
  PreparedPod a = state.Prepare(affine);
  EXPECT_EQ(state.Fits(a, g), FitFailure::kNone);
  EXPECT_EQ(state.Fits(a, plain), FitFailure::kNone);

  Pod excluded = MakePod("ex", 100, 1);
  NodeSelectorTerm not_gpu;
  not_gpu.match_expressions.push_back({"accelerator", SelectorOperator::kDoesNotExist, {}});
  not_gpu.match_expressions.push_back({"generation", SelectorOperator::kLt, {"5"}});
  excluded.affinity.required_node_terms = {not_gpu};
  PreparedPod e = state.Prepare(excluded);
  EXPECT_EQ(state.Fits(e, g), FitFailure::kNodeSelectorMismatch);
  // "plain" has no generation label, so Lt does not match either.
  EXPECT_EQ(state.Fits(e, plain), FitFailure::kNodeSelectorMismatch);
}

TEST(ClusterStateTest, NoScheduleTaintsBlockUntoleratedPods) {
  ClusterState state;
  Node tainted = MakeNode("t", "z1");
  tainted.taints.push_back({"dedicated", "batch", TaintEffect::kNoSchedule});
  tainted.taints.push_back({"soft", "x", TaintEffect::kPreferNoSchedule});
  NodeId n = state.AddNode(tainted);
  Pod pod = MakePod("p", 100, 1);
  EXPECT_EQ(state.Fits(state.Prepare(pod), n), FitFailure::kTaintNotTolerated);
  Pod tolerant = MakePod("q", 100, 1);
  tolerant.tolerations.push_back({"dedicated", false, "batch", TaintEffect::kNoSchedule});
  EXPECT_EQ(state.Fits(state.Prepare(tolerant), n), FitFailure::kNone);
}

TEST(ClusterStateTest, BoundClaimPinsPodToThePersistentVolumeZone) {
  ClusterState state;
  NodeId a = state.AddNode(MakeNode("a", "z1"));
  NodeId b = state.AddNode(MakeNode("b", "z2"));
  state.SetClaimZone("default/data", "z2");
  Pod pod = MakePod("db", 100, 1);
  pod.volumes.push_back(Volume{"data", "data"});
  PreparedPod p = state.Prepare(pod);
  EXPECT_EQ(state.Fits(p, a), FitFailure::kVolumeZoneConflict);
  EXPECT_EQ(state.Fits(p, b), FitFailure::kNone);
}

TEST(ClusterStateTest, ZoneSpreadRespectsMaxSkewAndPotentialDomains) {
  ClusterState state;
  NodeId a = state.AddNode(MakeNode("a", "z1"));
  NodeId b = state.AddNode(MakeNode("b", "z2"));
  TopologySpreadConstraint spread{1, "topology.kubernetes.io/zone",
                                  UnsatisfiableAction::kDoNotSchedule, AppSelector("web")};
  std::vector<Pod> pods;
  for (int i = 0; i < 4; ++i) {
    pods.push_back(MakePod("w" + std::to_string(i), 100, 1));
    pods.back().topology_spread = {spread};
  }
  state.Bind(state.Prepare(pods[0]), a);
  PreparedPod second = state.Prepare(pods[1]);
  EXPECT_EQ(state.Fits(second, a), FitFailure::kTopologySpread);
  EXPECT_EQ(state.Fits(second, b), FitFailure::kNone);
  state.Bind(second, b);
  EXPECT_EQ(state.Fits(state.Prepare(pods[2]), a), FitFailure::kNone);
  // A third zone with no node yet counts as an empty domain: z1 and z2 are now full.
  state.AddPotentialDomain("topology.kubernetes.io/zone", "z3");
  EXPECT_EQ(state.Fits(state.Prepare(pods[2]), a), FitFailure::kTopologySpread);
}

TEST(ClusterStateTest, ScheduleAnywayNeverBlocksAndMissingLabelDoes) {
  ClusterState state;
  Node unlabeled = MakeNode("u", "z1");
  unlabeled.meta.labels.erase("topology.kubernetes.io/zone");
  NodeId u = state.AddNode(unlabeled);
  Pod soft = MakePod("soft", 100, 1);
  soft.topology_spread = {
      {1, "topology.kubernetes.io/zone", UnsatisfiableAction::kScheduleAnyway, AppSelector("web")}};
  EXPECT_EQ(state.Fits(state.Prepare(soft), u), FitFailure::kNone);
  Pod hard = MakePod("hard", 100, 1);
  hard.topology_spread = {
      {1, "topology.kubernetes.io/zone", UnsatisfiableAction::kDoNotSchedule, AppSelector("web")}};
  EXPECT_EQ(state.Fits(state.Prepare(hard), u), FitFailure::kTopologySpreadMissingLabel);
}

TEST(ClusterStateTest, MinDomainsTreatsTheGlobalMinimumAsZero) {
  ClusterState state;
  NodeId a = state.AddNode(MakeNode("a", "z1"));
  NodeId b = state.AddNode(MakeNode("b", "z2"));
  TopologySpreadConstraint spread{1, "topology.kubernetes.io/zone",
                                  UnsatisfiableAction::kDoNotSchedule, AppSelector("web"), 3};
  Pod p0 = MakePod("p0", 100, 1), p1 = MakePod("p1", 100, 1), p2 = MakePod("p2", 100, 1);
  p0.topology_spread = p1.topology_spread = p2.topology_spread = {spread};
  state.Bind(state.Prepare(p0), a);
  state.Bind(state.Prepare(p1), b);
  // Both zones hold one pod; without minDomains the min is 1 and z1 would take a second.
  EXPECT_EQ(state.Fits(state.Prepare(p2), a), FitFailure::kTopologySpread);
}

TEST(ClusterStateTest, HostnameSpreadPutsAtMostOneMoreOnANode) {
  ClusterState state;
  NodeId a = state.AddNode(MakeNode("a", "z1"));
  NodeId b = state.AddNode(MakeNode("b", "z1"));
  TopologySpreadConstraint spread{1, "kubernetes.io/hostname", UnsatisfiableAction::kDoNotSchedule,
                                  AppSelector("web")};
  Pod p0 = MakePod("p0", 100, 1), p1 = MakePod("p1", 100, 1);
  p0.topology_spread = p1.topology_spread = {spread};
  state.Bind(state.Prepare(p0), a);
  PreparedPod second = state.Prepare(p1);
  EXPECT_EQ(state.Fits(second, a), FitFailure::kTopologySpread);
  EXPECT_EQ(state.Fits(second, b), FitFailure::kNone);
}

TEST(ClusterStateTest, HostnameAntiAffinityIsSymmetric) {
  ClusterState state;
  NodeId a = state.AddNode(MakeNode("a", "z1"));
  NodeId b = state.AddNode(MakeNode("b", "z1"));
  Pod guard = MakePod("guard", 100, 1, {{"app", "guard"}});
  guard.affinity.required_pod_anti_affinity = {
      PodAffinityTerm{AppSelector("web"), {}, "kubernetes.io/hostname"}};
  state.Bind(state.Prepare(guard), a);
  // The web pod has no rule itself, but the bound guard pod repels it.
  Pod web = MakePod("web", 100, 1);
  PreparedPod w = state.Prepare(web);
  EXPECT_EQ(state.Fits(w, a), FitFailure::kExistingPodAntiAffinity);
  EXPECT_EQ(state.Fits(w, b), FitFailure::kNone);
  // And a pod with anti-affinity to guards avoids node a.
  Pod shy = MakePod("shy", 100, 1, {{"app", "shy"}});
  shy.affinity.required_pod_anti_affinity = {
      PodAffinityTerm{AppSelector("guard"), {}, "kubernetes.io/hostname"}};
  EXPECT_EQ(state.Fits(state.Prepare(shy), a), FitFailure::kPodAntiAffinity);
}

TEST(ClusterStateTest, ZoneSelfAffinityLetsTheFirstPodChooseAndThenPins) {
  ClusterState state;
  NodeId a = state.AddNode(MakeNode("a", "z1"));
  NodeId b = state.AddNode(MakeNode("b", "z2"));
  PodAffinityTerm self{AppSelector("cache"), {}, "topology.kubernetes.io/zone"};
  Pod first = MakePod("c0", 100, 1, {{"app", "cache"}});
  Pod second = MakePod("c1", 100, 1, {{"app", "cache"}});
  first.affinity.required_pod_affinity = second.affinity.required_pod_affinity = {self};
  PreparedPod f = state.Prepare(first);
  EXPECT_EQ(state.Fits(f, b), FitFailure::kNone);
  state.Bind(f, b);
  PreparedPod s = state.Prepare(second);
  EXPECT_EQ(state.Fits(s, a), FitFailure::kPodAffinity);
  EXPECT_EQ(state.Fits(s, b), FitFailure::kNone);
}

TEST(ClusterStateTest, CountersCreatedLateCountPodsAlreadyBound) {
  ClusterState state;
  NodeId a = state.AddNode(MakeNode("a", "z1"));
  Pod plain = MakePod("plain", 100, 1);
  state.Bind(state.Prepare(plain), a);
  Pod shy = MakePod("shy", 100, 1, {{"app", "shy"}});
  shy.affinity.required_pod_anti_affinity = {
      PodAffinityTerm{AppSelector("web"), {}, "kubernetes.io/hostname"}};
  EXPECT_EQ(state.Fits(state.Prepare(shy), a), FitFailure::kPodAntiAffinity);
}

TEST(ClusterStateTest, RemovedNodesFitNothingAndFindNodePrefersTheFullest) {
  ClusterState state;
  NodeId a = state.AddNode(MakeNode("a", "z1"));
  NodeId b = state.AddNode(MakeNode("b", "z1"));
  Pod filler = MakePod("filler", 2000, kGi);
  state.Bind(state.Prepare(filler), b);
  Pod pod = MakePod("p", 100, 1);
  PreparedPod p = state.Prepare(pod);
  EXPECT_EQ(state.FindNode(p), b);
  state.SetNodeRemoved(b, true);
  std::vector<FitFailure> failures;
  EXPECT_EQ(state.FindNode(p, &failures), a);
  EXPECT_EQ(failures[b], FitFailure::kNodeRemoved);
}

TEST(ClusterStateTest, FromSnapshotBindsPodsAndClaimZones) {
  Snapshot snapshot;
  snapshot.nodes = {MakeNode("a", "z1", 1000, 4), MakeNode("b", "z2", 1000, 4)};
  Pod running = MakePod("running", 800, kGi);
  running.node_name = "a";
  running.phase = PodPhase::kRunning;
  Pod done = MakePod("done", 800, kGi);
  done.node_name = "b";
  done.phase = PodPhase::kSucceeded;
  snapshot.pods = {running, done};
  PersistentVolume pv;
  pv.meta.name = "pv-1";
  pv.zone = "z1";
  PersistentVolumeClaim pvc;
  pvc.meta.name = "data";
  pvc.meta.namespace_name = "default";
  pvc.volume_name = "pv-1";
  snapshot.persistent_volumes = {pv};
  snapshot.persistent_volume_claims = {pvc};
  ClusterState state = ClusterState::FromSnapshot(snapshot);
  EXPECT_EQ(state.Requested(0).cpu_millis, 800);
  EXPECT_EQ(state.Requested(1).cpu_millis, 0);  // terminal pods hold nothing
  Pod claimant = MakePod("claimant", 500, 1);
  claimant.volumes.push_back(Volume{"data", "data"});
  std::vector<FitFailure> failures;
  EXPECT_EQ(state.FindNode(state.Prepare(claimant), &failures), std::nullopt);
  EXPECT_EQ(FailedSchedulingMessage(failures),
            "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had volume node affinity "
            "conflict.");
}

}  // namespace
}  // namespace cloudoptim
