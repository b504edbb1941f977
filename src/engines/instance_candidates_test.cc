#include "engines/instance_candidates.h"

#include <gtest/gtest.h>

#include "engines/engine_case_test_util.h"

namespace cloudoptim {
namespace {

using engine_cases::TestCatalog;

Pod PodWith(int64_t cpu_millis, int64_t memory_bytes) {
  Pod pod;
  pod.meta.name = "p";
  pod.meta.namespace_name = "default";
  Container c;
  c.resources.requests.cpu_millis = cpu_millis;
  c.resources.requests.memory_bytes = memory_bytes;
  pod.containers.push_back(c);
  return pod;
}

std::vector<std::string> Names(const std::vector<const InstanceType*>& types) {
  std::vector<std::string> out;
  for (const InstanceType* t : types) out.push_back(t->name);
  return out;
}

TEST(InstanceCandidatesTest, EffectiveRequestTakesUsagePlusBufferWhenHigher) {
  const Pod pod = PodWith(500, 1 << 30);
  EXPECT_EQ(EffectiveRequest(pod, nullptr, 0.2).cpu_millis, 500);
  PodUsage usage;
  usage.containers = {{"a", 600, 100}, {"b", 400, 100}};
  const Resources r = EffectiveRequest(pod, &usage, 0.2);
  EXPECT_EQ(r.cpu_millis, 1200);         // (600 + 400) * 1.2
  EXPECT_EQ(r.memory_bytes, 1LL << 30);  // usage below the request
}

TEST(InstanceCandidatesTest, PolicyFamiliesAndArchitecturesFilter) {
  Policy policy;
  const InstanceType* m5a = TestCatalog().FindType("m5a.large");
  const InstanceType* m6g = TestCatalog().FindType("m6g.large");
  ASSERT_NE(m5a, nullptr);
  ASSERT_NE(m6g, nullptr);
  EXPECT_TRUE(TypeAllowedByPolicy(*m5a, policy));
  policy.allowed_families = {"m5"};  // the family m5 only, as the launch catalogue reads it
  EXPECT_FALSE(TypeAllowedByPolicy(*m5a, policy));
  policy.allowed_families = {"m5*"};  // a prefix: m5, m5a, m5d, ...
  EXPECT_TRUE(TypeAllowedByPolicy(*m5a, policy));
  EXPECT_FALSE(TypeAllowedByPolicy(*m6g, policy));
  policy.allowed_families.clear();
  policy.excluded_families = {"m5a"};
  EXPECT_FALSE(TypeAllowedByPolicy(*m5a, policy));
  policy.excluded_families.clear();
  policy.allowed_architectures = {"amd64"};
  EXPECT_FALSE(TypeAllowedByPolicy(*m6g, policy));
}

TEST(InstanceCandidatesTest, CandidatesKeepArchitectureAndSkipGpuAndBurstable) {
  GroupShape shape;
  shape.current_types = {TestCatalog().FindType("m5.xlarge")};
  shape.architectures = {Architecture::kAmd64};
  shape.largest_pod = PodWith(500, 1 << 30).Requests();
  const std::vector<std::string> names =
      Names(CandidateTypes(TestCatalog(), "us-east-1", shape, Policy{}));
  EXPECT_NE(std::find(names.begin(), names.end(), "c5.large"), names.end());
  for (const char* absent : {"m6g.large", "g4dn.xlarge", "t3.medium"}) {
    EXPECT_EQ(std::find(names.begin(), names.end(), absent), names.end()) << absent;
  }
}

// A group on m5 gets burstable candidates only when the policy includes burstable types; a
// group already on t3 gets them either way.
TEST(InstanceCandidatesTest, BurstableCandidatesFollowTheGroupAndThePolicy) {
  GroupShape shape;
  shape.current_types = {TestCatalog().FindType("m5.xlarge")};
  shape.architectures = {Architecture::kAmd64};
  shape.largest_pod = PodWith(500, 1 << 30).Requests();
  auto has_t3 = [&](const Policy& policy) {
    const std::vector<std::string> names =
        Names(CandidateTypes(TestCatalog(), "us-east-1", shape, policy));
    return std::find(names.begin(), names.end(), "t3.medium") != names.end();
  };
  Policy included;
  included.burstable_instances = BurstableInstances::kIncluded;
  EXPECT_FALSE(has_t3(Policy{}));
  EXPECT_TRUE(has_t3(included));
  shape.current_types = {TestCatalog().FindType("t3.large")};
  shape.burstable = true;
  EXPECT_TRUE(has_t3(Policy{}));
}

TEST(InstanceCandidatesTest, LargestPodMustFit) {
  GroupShape shape;
  shape.architectures = {Architecture::kAmd64};
  shape.largest_pod = PodWith(3000, 1 << 30).Requests();  // needs > 2 vCPUs
  for (const InstanceType* t : CandidateTypes(TestCatalog(), "us-east-1", shape, Policy{})) {
    EXPECT_GE(t->vcpus, 4) << t->name;
  }
}

TEST(InstanceCandidatesTest, PinnedTypesComeFromNodeSelectorAndRequiredAffinity) {
  NodeGroup group;
  Pod by_selector = PodWith(100, 1 << 20);
  by_selector.node_selector["node.kubernetes.io/instance-type"] = "m5.large";
  Pod by_affinity = PodWith(100, 1 << 20);
  by_affinity.affinity.required_node_terms.push_back(
      {{{"node.kubernetes.io/instance-type", SelectorOperator::kIn, {"m5.large", "m5.xlarge"}}},
       {}});
  group.workload_pods = {&by_affinity};
  GroupShape shape = DescribeGroup(group, TestCatalog());
  ASSERT_TRUE(shape.pinned_types.has_value());
  EXPECT_EQ(shape.pinned_types->size(), 2u);
  group.workload_pods = {&by_affinity, &by_selector};
  shape = DescribeGroup(group, TestCatalog());
  EXPECT_EQ(*shape.pinned_types, std::set<std::string>{"m5.large"});
}

TEST(InstanceCandidatesTest, KarpenterFamilySelectorsAndZoneSelectorsAreRespected) {
  Node node;
  node.meta.name = "n1";
  node.meta.labels = {{"node.kubernetes.io/instance-type", "m5.xlarge"},
                      {"topology.kubernetes.io/zone", "us-east-1a"},
                      {"karpenter.k8s.aws/instance-family", "m5"}};
  Pod pod = PodWith(100, 1 << 20);
  pod.node_name = "n1";
  pod.node_selector["topology.kubernetes.io/zone"] = "us-east-1a";  // kept by every type
  pod.affinity.required_node_terms.push_back(
      {{{"karpenter.k8s.aws/instance-family", SelectorOperator::kIn, {"m5", "m5a"}},
        {"karpenter.k8s.aws/instance-cpu", SelectorOperator::kGt, {"2"}}},
       {}});
  NodeGroup group;
  group.nodes = {&node};
  group.workload_pods = {&pod};
  const GroupShape shape = DescribeGroup(group, TestCatalog());
  ASSERT_EQ(shape.placement_constraints.size(), 1u);
  const std::vector<std::string> names =
      Names(CandidateTypes(TestCatalog(), "us-east-1", shape, Policy{}));
  EXPECT_EQ(names,
            (std::vector<std::string>{"m5.2xlarge", "m5.4xlarge", "m5.xlarge", "m5a.xlarge"}));
}

TEST(InstanceCandidatesTest, LabelsAsTypeReplacesTypeLabelsOnly) {
  const InstanceType* g4 = TestCatalog().FindType("g4dn.xlarge");
  ASSERT_NE(g4, nullptr);
  const Labels labels =
      LabelsAsType(*g4, {{"karpenter.k8s.aws/instance-family", "m5"}, {"team", "ml"}});
  EXPECT_EQ(labels.at("karpenter.k8s.aws/instance-family"), "g4dn");
  EXPECT_EQ(labels.at("node.kubernetes.io/instance-type"), "g4dn.xlarge");
  EXPECT_EQ(labels.at("karpenter.k8s.aws/instance-gpu-count"), "1");
  EXPECT_EQ(labels.at("team"), "ml");
}

}  // namespace
}  // namespace cloudoptim
