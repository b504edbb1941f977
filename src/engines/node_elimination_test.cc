// Node elimination on hand-built packings: a node whose pods fit the others' room is emptied,
// a pod that fits nowhere displaces a smaller one, constraints (node selector, anti-affinity,
// zone) keep pods where they are, and the state stays valid or is restored exactly.
#include "engines/node_elimination.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::kGi;

Node MakeNode(const std::string& name, int64_t cpu_millis, int64_t memory_gib,
              const std::string& zone = "z1", Labels extra = {}) {
  Node n;
  n.meta.name = name;
  n.meta.labels = {{"kubernetes.io/hostname", name}, {"topology.kubernetes.io/zone", zone}};
  for (const auto& [key, value] : extra) n.meta.labels[key] = value;
  n.allocatable = {cpu_millis, memory_gib * kGi, 100 * kGi, 110, 0};
  return n;
}

Pod MakePod(const std::string& name, int64_t cpu_millis, int64_t memory_gib,
            Labels labels = {{"app", "web"}}) {
  Pod p;
  p.meta.name = name;
  p.meta.namespace_name = "default";
  p.meta.labels = std::move(labels);
  Container c;
  c.name = "main";
  c.resources.requests.cpu_millis = cpu_millis;
  c.resources.requests.memory_bytes = memory_gib * kGi;
  p.containers.push_back(c);
  return p;
}

// Nodes and pods bound as listed: pods[k] goes to node at[k].
class Packing {
 public:
  void AddNode(Node node) { nodes_.push_back(state_.AddNode(std::move(node))); }
  void AddPod(Pod pod, size_t node) {
    pods_.push_back(std::move(pod));
    at_.push_back(node);
  }
  // Prepares and binds every pod; the bins in node order.
  std::vector<SlackBin> Bind() {
    prepared_.reserve(pods_.size());
    for (const Pod& p : pods_) prepared_.push_back(state_.Prepare(p));
    std::vector<SlackBin> bins;
    for (NodeId id : nodes_) bins.push_back({id, {}});
    for (size_t i = 0; i < pods_.size(); ++i) {
      state_.Bind(prepared_[i], nodes_[at_[i]]);
      bins[at_[i]].pods.push_back(i);
    }
    return bins;
  }
  std::vector<Resources> Requested() const {
    std::vector<Resources> out;
    for (NodeId id : nodes_) out.push_back(state_.Requested(id));
    return out;
  }
  // Every pod, taken off its node, fits it again: the arrangement passes the simulator.
  void ExpectValid(const NodeEliminator& eliminator) {
    size_t placed = 0;
    for (size_t b = 0; b < nodes_.size(); ++b) {
      if (eliminator.removed(b)) {
        EXPECT_TRUE(eliminator.bin(b).pods.empty());
        EXPECT_TRUE(state_.IsNodeRemoved(nodes_[b]));
        continue;
      }
      Resources sum;
      for (size_t i : eliminator.bin(b).pods) {
        sum += prepared_[i].requests;
        ASSERT_TRUE(state_.Unbind(prepared_[i], nodes_[b])) << pods_[i].meta.name;
        EXPECT_EQ(state_.Fits(prepared_[i], nodes_[b]), FitFailure::kNone) << pods_[i].meta.name;
        state_.Bind(prepared_[i], nodes_[b]);
        ++placed;
      }
      EXPECT_EQ(state_.Requested(nodes_[b]), sum);
    }
    EXPECT_EQ(placed, pods_.size());
  }

  ClusterState state_;
  std::vector<NodeId> nodes_;
  std::vector<Pod> pods_;
  std::vector<size_t> at_;
  std::vector<PreparedPod> prepared_;
};

TEST(NodeEliminationTest, EmptiesANodeWhosePodsFitTheOthersRoom) {
  Packing k;
  k.AddNode(MakeNode("a", 4000, 8));
  k.AddNode(MakeNode("b", 4000, 8));
  k.AddNode(MakeNode("c", 4000, 8));
  k.AddPod(MakePod("a1", 3000, 5), 0);
  k.AddPod(MakePod("b1", 2500, 5), 1);
  k.AddPod(MakePod("c1", 900, 2), 2);
  k.AddPod(MakePod("c2", 1400, 2), 2);
  NodeEliminator eliminator(k.state_, k.prepared_, k.Bind());
  int64_t budget = 1000;
  std::optional<Elimination> e = eliminator.Eliminate(2, budget);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->moves.size(), 2u);
  EXPECT_TRUE(eliminator.removed(2));
  // Largest first into the tightest room: c2 (1,400m) only fits b, c1 then fits a.
  EXPECT_EQ(eliminator.bin(0).pods, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(eliminator.bin(1).pods, (std::vector<size_t>{1, 3}));
  k.ExpectValid(eliminator);
  EXPECT_LT(budget, 1000);
}

TEST(NodeEliminationTest, APodThatFitsNowhereDisplacesASmallerOne) {
  Packing k;
  k.AddNode(MakeNode("a", 4000, 8));
  k.AddNode(MakeNode("b", 4000, 8));
  k.AddNode(MakeNode("c", 4000, 8));
  k.AddPod(MakePod("a1", 2000, 1), 0);
  k.AddPod(MakePod("a2", 1000, 1), 0);  // a has 1,000m free, b too
  k.AddPod(MakePod("b1", 3000, 1), 1);
  k.AddPod(MakePod("c1", 1500, 1), 2);  // fits neither a nor b as they are
  NodeEliminator eliminator(k.state_, k.prepared_, k.Bind());
  int64_t budget = 1000;
  std::optional<Elimination> e = eliminator.Eliminate(2, budget);
  ASSERT_TRUE(e.has_value());
  // c1 takes a2's place on a, a2 moves on to b.
  EXPECT_EQ(eliminator.bin(0).pods, (std::vector<size_t>{0, 3}));
  EXPECT_EQ(eliminator.bin(1).pods, (std::vector<size_t>{2, 1}));
  k.ExpectValid(eliminator);
}

// c1 fits nowhere, and the pod it could displace (a2) fits nowhere either: two deep, a2
// displaces b2, which fits d's room.
TEST(NodeEliminationTest, ADisplacedPodMayDisplaceASmallerOneInTurn) {
  for (int depth : {1, 2}) {
    Packing k;
    for (const char* name : {"a", "b", "c", "d"}) k.AddNode(MakeNode(name, 4000, 8));
    k.AddPod(MakePod("a1", 2000, 1), 0);
    k.AddPod(MakePod("a2", 1200, 1), 0);  // a: 800m free
    k.AddPod(MakePod("b1", 2800, 1), 1);
    k.AddPod(MakePod("b2", 700, 1), 1);  // b: 500m free
    k.AddPod(MakePod("c1", 1600, 1), 2);
    k.AddPod(MakePod("d1", 3300, 1), 3);  // d: 700m free
    std::vector<SlackBin> bins = k.Bind();
    std::vector<Resources> before = k.Requested();
    NodeEliminator eliminator(k.state_, k.prepared_, bins, depth);
    int64_t budget = 10000;
    std::optional<Elimination> e = eliminator.Eliminate(2, budget);
    if (depth == 1) {
      EXPECT_FALSE(e.has_value());
      EXPECT_EQ(k.Requested(), before);
      k.ExpectValid(eliminator);
      continue;
    }
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(eliminator.bin(0).pods, (std::vector<size_t>{0, 4}));
    EXPECT_EQ(eliminator.bin(1).pods, (std::vector<size_t>{2, 1}));
    EXPECT_EQ(eliminator.bin(3).pods, (std::vector<size_t>{5, 3}));
    k.ExpectValid(eliminator);
    eliminator.Undo(*e);
    EXPECT_EQ(k.Requested(), before);
    for (size_t b = 0; b < bins.size(); ++b) {
      std::vector<size_t> got = eliminator.bin(b).pods;
      std::sort(got.begin(), got.end());
      EXPECT_EQ(got, bins[b].pods) << "bin " << b;
    }
  }
}

// c2 fits nowhere; partly emptied, c keeps it (bound again, node kept) and c1 moves to a.
TEST(NodeEliminationTest, APartialEliminationKeepsThePodsThatFoundNoPlace) {
  Packing k;
  k.AddNode(MakeNode("a", 4000, 8));
  k.AddNode(MakeNode("b", 4000, 8));
  k.AddPod(MakePod("a1", 3000, 1), 0);
  k.AddPod(MakePod("b1", 3000, 7), 1);
  k.AddPod(MakePod("b2", 500, 1), 1);
  NodeEliminator eliminator(k.state_, k.prepared_, k.Bind());
  std::vector<Resources> before = k.Requested();
  int64_t budget = 1000;
  EXPECT_FALSE(eliminator.Eliminate(1, budget).has_value());  // b1 fits nowhere
  EXPECT_EQ(k.Requested(), before);
  std::optional<Elimination> e = eliminator.Eliminate(1, budget, /*partial=*/true);
  ASSERT_TRUE(e.has_value());
  EXPECT_FALSE(e->emptied);
  EXPECT_FALSE(eliminator.removed(1));
  EXPECT_FALSE(k.state_.IsNodeRemoved(k.nodes_[1]));
  EXPECT_EQ(eliminator.bin(0).pods, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(eliminator.bin(1).pods, (std::vector<size_t>{1}));
  k.ExpectValid(eliminator);
  eliminator.Undo(*e);
  EXPECT_EQ(k.Requested(), before);
  EXPECT_EQ(eliminator.bin(1).pods, (std::vector<size_t>{1, 2}));
  k.ExpectValid(eliminator);
}

TEST(NodeEliminationTest, UndoRestoresEveryPodAndTheNode) {
  Packing k;
  k.AddNode(MakeNode("a", 4000, 8));
  k.AddNode(MakeNode("b", 4000, 8));
  k.AddNode(MakeNode("c", 4000, 8));
  k.AddPod(MakePod("a1", 2000, 1), 0);
  k.AddPod(MakePod("a2", 1000, 1), 0);
  k.AddPod(MakePod("b1", 3000, 1), 1);
  k.AddPod(MakePod("c1", 1500, 1), 2);
  std::vector<SlackBin> bins = k.Bind();
  std::vector<Resources> before = k.Requested();
  NodeEliminator eliminator(k.state_, k.prepared_, bins);
  int64_t budget = 1000;
  std::optional<Elimination> e = eliminator.Eliminate(2, budget);
  ASSERT_TRUE(e.has_value());
  eliminator.Undo(*e);
  EXPECT_EQ(k.Requested(), before);
  EXPECT_FALSE(eliminator.removed(2));
  EXPECT_FALSE(k.state_.IsNodeRemoved(k.nodes_[2]));
  for (size_t b = 0; b < bins.size(); ++b) {
    std::vector<size_t> got = eliminator.bin(b).pods;
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, bins[b].pods) << "bin " << b;
  }
  k.ExpectValid(eliminator);
}

// Three ways a pod may be bound to its node: a node selector only it matches, anti-affinity
// against the pods everywhere else, and a zone the others are not in.
TEST(NodeEliminationTest, ConstraintsKeepThePodsWhereTheyAre) {
  for (int variant = 0; variant < 3; ++variant) {
    Packing k;
    k.AddNode(MakeNode("a", 4000, 8));
    k.AddNode(MakeNode("b", 4000, 8));
    k.AddNode(MakeNode("c", 4000, 8, variant == 2 ? "z2" : "z1", {{"disk", "ssd"}}));
    k.AddPod(MakePod("a1", 1000, 1), 0);
    k.AddPod(MakePod("b1", 1000, 1), 1);
    Pod picky = MakePod("c1", 500, 1, {{"app", "guard"}});
    if (variant == 0) picky.node_selector = {{"disk", "ssd"}};
    if (variant == 1) {
      picky.affinity.required_pod_anti_affinity = {PodAffinityTerm{
          LabelSelector::FromMatchLabels(Labels{{"app", "web"}}), {}, "kubernetes.io/hostname"}};
    }
    if (variant == 2) picky.node_selector = {{"topology.kubernetes.io/zone", "z2"}};
    k.AddPod(std::move(picky), 2);
    std::vector<SlackBin> bins = k.Bind();
    std::vector<Resources> before = k.Requested();
    NodeEliminator eliminator(k.state_, k.prepared_, bins);
    int64_t budget = 1000;
    EXPECT_FALSE(eliminator.Eliminate(2, budget).has_value()) << "variant " << variant;
    EXPECT_EQ(k.Requested(), before) << "variant " << variant;
    EXPECT_FALSE(eliminator.removed(2));
    EXPECT_FALSE(k.state_.IsNodeRemoved(k.nodes_[2]));
    k.ExpectValid(eliminator);
    // Without the constraint the same pod moves.
    EXPECT_TRUE(eliminator.Eliminate(1, budget).has_value()) << "variant " << variant;
  }
}

TEST(NodeEliminationTest, NoBudgetNoMove) {
  Packing k;
  k.AddNode(MakeNode("a", 4000, 8));
  k.AddNode(MakeNode("b", 4000, 8));
  k.AddPod(MakePod("a1", 1000, 1), 0);
  k.AddPod(MakePod("b1", 1000, 1), 1);
  std::vector<Resources> before;
  NodeEliminator eliminator(k.state_, k.prepared_, k.Bind());
  before = k.Requested();
  int64_t budget = 0;
  EXPECT_FALSE(eliminator.Eliminate(1, budget).has_value());
  EXPECT_EQ(k.Requested(), before);
  budget = 100;
  EXPECT_TRUE(eliminator.Eliminate(1, budget).has_value());
  EXPECT_EQ(k.state_.Requested(k.nodes_[0]).cpu_millis, 2000);
}

}  // namespace
}  // namespace cloudoptim
