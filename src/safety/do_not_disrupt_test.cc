#include "safety/do_not_disrupt.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

Pod PodWith(const std::string& key, const std::string& value) {
  Pod pod;
  pod.meta.name = "cart";
  pod.meta.namespace_name = "shop";
  pod.meta.annotations = {{key, value}};
  pod.phase = PodPhase::kRunning;
  return pod;
}

Node NodeWith(const std::string& key, const std::string& value) {
  Node node;
  node.meta.name = "ip-10-0-1-2";
  node.meta.annotations = {{key, value}};
  return node;
}

TEST(DoNotDisruptTest, HonoursEachPodOptOut) {
  struct Case {
    const char* key;
    const char* value;
    bool blocks;
  };
  const Case cases[] = {
      {"karpenter.sh/do-not-disrupt", "true", true},
      {"cloudoptim.io/do-not-disrupt", "true", true},
      {"cluster-autoscaler.kubernetes.io/safe-to-evict", "false", true},
      {"karpenter.sh/do-not-disrupt", "false", false},
      {"cloudoptim.io/do-not-disrupt", "yes", false},
      {"cluster-autoscaler.kubernetes.io/safe-to-evict", "true", false},
      {"example.com/do-not-disrupt", "true", false},
  };
  for (const Case& c : cases) {
    std::optional<std::string> reason = PodDoNotDisruptReason(PodWith(c.key, c.value));
    EXPECT_EQ(reason.has_value(), c.blocks) << c.key << "=" << c.value;
    if (reason) {
      EXPECT_EQ(*reason, "pod shop/cart has " + std::string(c.key) + ": \"" + c.value + "\"");
    }
  }
}

TEST(DoNotDisruptTest, HonoursEachNodeOptOut) {
  EXPECT_TRUE(NodeDoNotDisruptReason(NodeWith("karpenter.sh/do-not-disrupt", "true")));
  EXPECT_TRUE(NodeDoNotDisruptReason(NodeWith("cloudoptim.io/do-not-disrupt", "true")));
  EXPECT_FALSE(NodeDoNotDisruptReason(NodeWith("karpenter.sh/do-not-disrupt", "false")));
  // safe-to-evict is a pod annotation; on a node it means nothing.
  EXPECT_FALSE(
      NodeDoNotDisruptReason(NodeWith("cluster-autoscaler.kubernetes.io/safe-to-evict", "false")));
}

TEST(DoNotDisruptTest, ANodeIsBlockedByAnyRunningPodThatOptsOut) {
  Node node = NodeWith("other", "x");
  Pod free_pod = PodWith("other", "x");
  Pod pinned = PodWith("karpenter.sh/do-not-disrupt", "true");
  EXPECT_FALSE(NodeDisruptionBlocker(node, {&free_pod}));
  std::optional<std::string> reason = NodeDisruptionBlocker(node, {&free_pod, &pinned});
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("on node ip-10-0-1-2"), std::string::npos);
  pinned.phase = PodPhase::kSucceeded;  // a finished pod holds nothing up
  EXPECT_FALSE(NodeDisruptionBlocker(node, {&free_pod, &pinned}));
}

}  // namespace
}  // namespace cloudoptim
