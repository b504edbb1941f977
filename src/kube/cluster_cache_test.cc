// ClusterCache and FakeClusterApi together: sync, watch, relist on expiry, metrics absent.
#include "kube/cluster_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube/fake_cluster_api.h"

namespace cloudoptim {
namespace {

using ::testing::Contains;

Node MakeNode(std::string name) {
  Node node;
  node.meta.name = std::move(name);
  return node;
}

Pod MakePod(std::string ns, std::string name, Labels labels = {}) {
  Pod pod;
  pod.meta.namespace_name = std::move(ns);
  pod.meta.name = std::move(name);
  pod.meta.labels = std::move(labels);
  return pod;
}

class ClusterCacheTest : public ::testing::Test {
 protected:
  FakeClusterApi api_;
  FakeClock clock_{TimePoint{}};
};

TEST_F(ClusterCacheTest, SyncListsEveryResourceAndReportsProgress) {
  api_.AddNode(MakeNode("n1"));
  api_.AddPod(MakePod("a", "p1"));
  api_.SetNodeUsage({NodeUsage{.node_name = "n1", .cpu_millis = 100}});
  ClusterCache cache(api_, clock_);
  std::vector<ClusterResource> progressed;
  ASSERT_TRUE(cache.Sync([&](ClusterResource r, size_t) { progressed.push_back(r); }).has_value());
  EXPECT_EQ(progressed.size(), AllClusterResources().size());
  Snapshot s = cache.snapshot();
  EXPECT_EQ(s.nodes.size(), 1u);
  EXPECT_EQ(s.pods.size(), 1u);
  EXPECT_EQ(s.node_usage.size(), 1u);
  EXPECT_TRUE(cache.metrics_available());
  EXPECT_EQ(cache.resource_version(ClusterResource::kPods), "2");
}

TEST_F(ClusterCacheTest, WatchAppliesChangesAfterTheListedVersion) {
  api_.AddPod(MakePod("a", "p1"));
  ClusterCache cache(api_, clock_,
                     {.resources = {ClusterResource::kPods, ClusterResource::kNodes}});
  ASSERT_TRUE(cache.Sync().has_value());
  api_.AddPod(MakePod("a", "p2"));
  api_.RemovePod("a", "p1");
  ASSERT_TRUE(cache.WatchOnce(ClusterResource::kPods, nullptr).has_value());
  Snapshot s = cache.snapshot();
  ASSERT_EQ(s.pods.size(), 1u);
  EXPECT_EQ(s.pods[0].meta.name, "p2");
  EXPECT_EQ(cache.resource_version(ClusterResource::kPods), "3");
  EXPECT_THAT(api_.calls(), Contains("Watch pods 1"));
}

TEST_F(ClusterCacheTest, ExpiredWatchRelistsTheResource) {
  api_.AddPod(MakePod("a", "p1"));
  ClusterCache cache(api_, clock_, {.resources = {ClusterResource::kPods}});
  ASSERT_TRUE(cache.Sync().has_value());
  api_.AddPod(MakePod("a", "p2"));
  api_.ExpireHistoryBefore(2);  // our version 1 is now too old
  ASSERT_TRUE(cache.WatchOnce(ClusterResource::kPods, nullptr).has_value());
  EXPECT_EQ(cache.snapshot().pods.size(), 2u);
  EXPECT_EQ(api_.calls().back(), "List pods");
}

TEST_F(ClusterCacheTest, SyncFailureNamesTheResource) {
  ClusterCache cache(api_, clock_, {.resources = {ClusterResource::kNodes}});
  api_.FailNext(Error{ErrorCode::kPermissionDenied, "nodes is forbidden"});
  Status status = cache.Sync();
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(status.error().message.find("listing nodes"), std::string::npos);
}

TEST_F(ClusterCacheTest, CordonThroughTheFakeIsSeenByTheCache) {
  api_.AddNode(MakeNode("n1"));
  ClusterCache cache(api_, clock_, {.resources = {ClusterResource::kNodes}});
  ASSERT_TRUE(cache.Sync().has_value());
  ASSERT_TRUE(api_.SetUnschedulable("n1", true, {.dry_run = true}).has_value());
  ASSERT_TRUE(cache.WatchOnce(ClusterResource::kNodes, nullptr).has_value());
  EXPECT_FALSE(cache.snapshot().nodes[0].unschedulable);  // dry run changed nothing
  ASSERT_TRUE(api_.SetUnschedulable("n1", true, {}).has_value());
  ASSERT_TRUE(cache.WatchOnce(ClusterResource::kNodes, nullptr).has_value());
  EXPECT_TRUE(cache.snapshot().nodes[0].unschedulable);
  EXPECT_THAT(api_.calls(), Contains("SetUnschedulable n1 true dry-run"));
}

TEST(FakeClusterApi, EvictionRespectsDisruptionBudgets) {
  FakeClusterApi api;
  api.AddPod(MakePod("shop", "web-1", {{"app", "web"}}));
  api.AddPod(MakePod("shop", "web-2", {{"app", "web"}}));
  PodDisruptionBudget budget;
  budget.meta.namespace_name = "shop";
  budget.selector = LabelSelector::FromMatchLabels({{"app", "web"}});
  budget.disruptions_allowed = 1;
  api.AddDisruptionBudget(budget);
  EXPECT_EQ(*api.Evict("shop", "web-1", {}), EvictionOutcome::kEvicted);
  EXPECT_EQ(*api.Evict("shop", "web-2", {}), EvictionOutcome::kBlockedByDisruptionBudget);
  EXPECT_EQ(*api.Evict("shop", "web-1", {}), EvictionOutcome::kPodNotFound);
  api.FailNext(Error{ErrorCode::kUnavailable, "injected"});
  EXPECT_FALSE(api.Evict("shop", "web-2", {}).has_value());
  api.Reset();
  EXPECT_TRUE(api.calls().empty());
  EXPECT_TRUE(api.objects().pods.empty());
}

}  // namespace
}  // namespace cloudoptim
