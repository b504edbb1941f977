#include "engines/cluster_repack.h"

#include <gtest/gtest.h>

#include "catalog/shipped_catalog_test_util.h"
#include "engines/bin_packer.h"
#include "engines/idle_node_test_util.h"
#include "engines/packing_test_fixtures.h"

namespace cloudoptim {
namespace {

using packing_test::kGi;

class ClusterRepackTest : public ::testing::Test {
 protected:
  void AddNode(const std::string& name, const std::string& type, const std::string& zone) {
    const InstanceType* t = catalog_.FindType(type);
    ASSERT_NE(t, nullptr) << type;
    snapshot_.nodes.push_back(IdleOnDemandNode(name, zone, *t));
  }
  Pod& AddPod(const std::string& name, const std::string& node, int64_t cpu_millis,
              int64_t memory_bytes) {
    Pod pod;
    pod.meta.name = name;
    pod.meta.namespace_name = "shop";
    pod.meta.owner_references.push_back({"apps/v1", "ReplicaSet", "web", "", true});
    pod.node_name = node;
    pod.phase = PodPhase::kRunning;
    Container c;
    c.name = "main";
    c.resources.requests = {cpu_millis, memory_bytes, 0, 0, 0};
    pod.containers.push_back(c);
    snapshot_.pods.push_back(std::move(pod));
    return snapshot_.pods.back();
  }
  RepackEstimate Estimate() {
    snapshot_.region = "us-east-1";
    return EstimateRepack({.snapshot = snapshot_, .policy = policy_, .catalog = catalog_});
  }
  Money OnDemand(const std::string& type) { return *catalog_.OnDemandPrice("us-east-1", type); }

  const Catalog& catalog_ = ShippedCatalog();
  Snapshot snapshot_;
  Policy policy_;
};

// Four large nodes each half a core busy: the same pods fit on far less, and the lower bound
// sits at or below the plan.
TEST_F(ClusterRepackTest, AnOverProvisionedClusterRepacksCheaperAboveTheBound) {
  for (int n = 0; n < 4; ++n) {
    const std::string node = "big-" + std::to_string(n);
    AddNode(node, "m5.4xlarge", "us-east-1a");
    AddPod("web-" + std::to_string(2 * n), node, 250, kGi / 2);
    AddPod("web-" + std::to_string(2 * n + 1), node, 250, kGi / 2);
  }
  RepackEstimate e = Estimate();
  EXPECT_EQ(e.current_nodes, 4);
  EXPECT_EQ(e.current_hourly, OnDemand("m5.4xlarge") * 4);
  EXPECT_EQ(e.pods, 8);
  EXPECT_TRUE(e.pinned_pods.empty());
  EXPECT_EQ(e.kept_nodes, 0);
  EXPECT_EQ(e.search_steps_per_pod, kThoroughSearchStepsPerPod);
  EXPECT_GE(e.repacked_nodes, 1);
  EXPECT_LT(e.repacked_hourly, OnDemand("m5.4xlarge"));  // less than one of today's nodes
  EXPECT_GT(e.lower_bound_hourly, Money());
  EXPECT_LE(e.lower_bound_hourly, e.repacked_hourly);
  int32_t typed = 0;
  for (const auto& [type, count] : e.repacked_types) typed += count;
  EXPECT_EQ(typed, e.repacked_nodes);
}

// A pod that selects a label only today's node carries cannot move: it stays, and its node is
// kept at its price in the plan and in the bound alike.
TEST_F(ClusterRepackTest, PodsPinnedToTodaysNodesKeepTheirNode) {
  AddNode("payments", "m5.xlarge", "us-east-1a");
  snapshot_.nodes.back().meta.labels["team"] = "payments";
  AddNode("shared", "m5.xlarge", "us-east-1b");
  AddPod("ledger", "payments", 500, kGi).node_selector["team"] = "payments";
  AddPod("web-1", "shared", 500, kGi);
  RepackEstimate e = Estimate();
  ASSERT_EQ(e.pinned_pods.size(), 1u);
  EXPECT_EQ(e.pinned_pods[0], "shop/ledger");
  EXPECT_EQ(e.kept_nodes, 1);
  EXPECT_EQ(e.pods, 1);
  EXPECT_GE(e.repacked_hourly, OnDemand("m5.xlarge"));
  EXPECT_GE(e.lower_bound_hourly, OnDemand("m5.xlarge"));
  EXPECT_LE(e.lower_bound_hourly, e.repacked_hourly);
}

// The estimate is about packing on on-demand prices: a pod pinned to spot is repacked on
// demand rather than reported as unmovable.
TEST_F(ClusterRepackTest, CapacityTypePinsAreDroppedForTheEstimate) {
  AddNode("n1", "m5.large", "us-east-1a");
  AddPod("batch", "n1", 500, kGi).node_selector[std::string(labels::kKarpenterCapacityType)] =
      "spot";
  RepackEstimate e = Estimate();
  EXPECT_TRUE(e.pinned_pods.empty());
  EXPECT_EQ(e.pods, 1);
  EXPECT_GT(e.repacked_hourly, Money());
}

// DaemonSet, mirror, finished and unbound pods are not the workload: they are not repacked.
TEST_F(ClusterRepackTest, OnlyBoundRunningWorkloadPodsAreRepacked) {
  AddNode("n1", "m5.large", "us-east-1a");
  AddPod("web", "n1", 500, kGi);
  AddPod("agent", "n1", 100, kGi / 4).meta.owner_references = {
      OwnerReference{"apps/v1", "DaemonSet", "agent", "", true}};
  AddPod("done", "n1", 500, kGi).phase = PodPhase::kSucceeded;
  AddPod("pending", "", 500, kGi).phase = PodPhase::kPending;
  AddPod("static", "n1", 100, kGi / 4).meta.annotations["kubernetes.io/config.mirror"] = "x";
  RepackEstimate e = Estimate();
  EXPECT_EQ(e.pods, 1);
}

TEST_F(ClusterRepackTest, AnEmptyClusterCostsNothingEitherWay) {
  RepackEstimate e = Estimate();
  EXPECT_EQ(e.pods, 0);
  EXPECT_EQ(e.current_hourly, Money());
  EXPECT_EQ(e.repacked_hourly, Money());
  EXPECT_EQ(e.lower_bound_hourly, Money());
}

// Many pods on many nodes: the plan never costs less than the proven bound (the bound is
// computed independently of the packer, so a packer bug or an invalid bound shows here).
TEST_F(ClusterRepackTest, TheBoundNeverExceedsThePlanOnAMixedCluster) {
  for (int n = 0; n < 12; ++n) {
    const std::string node = "n" + std::to_string(n);
    AddNode(node, n % 2 ? "r5.xlarge" : "c5.2xlarge", n % 3 ? "us-east-1a" : "us-east-1b");
    for (int p = 0; p < 6; ++p) {
      AddPod(node + "-p" + std::to_string(p), node, 100 + 170 * ((n * 7 + p * 3) % 11),
             (kGi / 4) * (1 + (n * 5 + p) % 13));
    }
  }
  RepackEstimate e = Estimate();
  EXPECT_EQ(e.pods, 72);
  EXPECT_LE(e.lower_bound_hourly, e.repacked_hourly);
  EXPECT_LT(e.repacked_hourly, e.current_hourly);
}

}  // namespace
}  // namespace cloudoptim
