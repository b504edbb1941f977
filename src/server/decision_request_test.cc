#include "server/decision_request.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engines/bin_packer.h"

namespace cloudoptim::server {
namespace {

TimePoint At(int64_t seconds) { return TimePoint{} + std::chrono::seconds(seconds); }

// A snapshot with every kind of field the codec carries set to a non-default value.
DecisionRequest RichRequest() {
  DecisionRequest r;
  Snapshot& s = r.snapshot;
  s.cluster_name = "prod";
  s.region = "us-east-1";
  s.now = At(1'767'225'600);
  s.namespaces.push_back(
      {.meta = {.name = "shop", .labels = {{"environment", "production"}}}, .phase = "Active"});
  Node node;
  node.meta = {.name = "ip-10-0-1-2",
               .uid = "u1",
               .labels = {{"node.kubernetes.io/instance-type", "m5.large"}},
               .creation_timestamp = At(1'767'000'000)};
  node.provider_id = "aws:///us-east-1a/i-0abc";
  node.unschedulable = true;
  node.taints = {{.key = "dedicated", .value = "gpu", .effect = TaintEffect::kNoExecute}};
  node.capacity = {.cpu_millis = 2000, .memory_bytes = 8LL << 30, .pods = 29};
  node.allocatable = {.cpu_millis = 1930, .memory_bytes = 7LL << 30, .pods = 29, .gpus = 1};
  node.conditions = {{.type = "Ready", .status = "True", .reason = "KubeletReady"}};
  s.nodes.push_back(node);
  Pod pod;
  pod.meta = {.name = "web-1",
              .namespace_name = "shop",
              .labels = {{"app", "web"}},
              .annotations = {{"cloudoptim.io/do-not-disrupt", "true"}},
              .owner_references = {{.api_version = "apps/v1",
                                    .kind = "ReplicaSet",
                                    .name = "web-5d",
                                    .uid = "rs1",
                                    .controller = true}},
              .deletion_timestamp = At(1'767'225'000)};
  pod.containers = {{.name = "app",
                     .image = "nginx",
                     .resources = {.requests = {.cpu_millis = 250, .memory_bytes = 1 << 28},
                                   .limits = {.memory_bytes = 1 << 29}}}};
  pod.init_containers = {{.name = "proxy", .restart_policy_always = true}};
  pod.node_name = "ip-10-0-1-2";
  pod.node_selector = {{"kubernetes.io/arch", "amd64"}};
  pod.affinity.required_node_terms = {
      {.match_expressions = {{.key = "topology.kubernetes.io/zone",
                              .op = SelectorOperator::kIn,
                              .values = {"us-east-1a", "us-east-1b"}}},
       .match_fields = {
           {.key = "metadata.name", .op = SelectorOperator::kNotIn, .values = {"x"}}}}};
  pod.affinity.required_pod_anti_affinity = {
      {.label_selector = {.requirements = {{.key = "app", .op = SelectorOperator::kExists}}},
       .topology_key = "kubernetes.io/hostname"}};
  pod.affinity.preferred_pod_anti_affinity = {
      {.weight = 50, .term = {.namespaces = {"shop"}, .topology_key = "zone"}}};
  pod.tolerations = {{.key = "dedicated",
                      .operator_exists = true,
                      .effect = TaintEffect::kNoSchedule,
                      .toleration_seconds = 300}};
  pod.topology_spread = {{.max_skew = 2,
                          .topology_key = "topology.kubernetes.io/zone",
                          .when_unsatisfiable = UnsatisfiableAction::kScheduleAnyway,
                          .min_domains = 3}};
  pod.volumes = {{.name = "data", .pvc_claim_name = "data-web-1"},
                 {.name = "tmp", .empty_dir = true}};
  pod.priority = 1000;
  pod.priority_class_name = "high";
  pod.overhead = {.cpu_millis = 10};
  pod.phase = PodPhase::kRunning;
  pod.container_statuses = {{.name = "app",
                             .ready = true,
                             .restart_count = 4,
                             .current = {.state = "running"},
                             .last_state = ContainerState{.state = "terminated",
                                                          .reason = "OOMKilled",
                                                          .exit_code = 137,
                                                          .finished_at = At(1'767'220'000)}}};
  s.pods.push_back(pod);
  Workload w{.kind = WorkloadKind::kStatefulSet,
             .meta = {.name = "db", .namespace_name = "shop"},
             .replicas = 3,
             .ready_replicas = 2,
             .selector = LabelSelector::FromMatchLabels({{"app", "db"}}),
             .pod_template = pod,
             .volume_claim_templates = {"data"}};
  s.workloads.push_back(w);
  s.disruption_budgets.push_back({.meta = {.name = "web", .namespace_name = "shop"},
                                  .selector = LabelSelector::FromMatchLabels({{"app", "web"}}),
                                  .min_available = "50%",
                                  .current_healthy = 3,
                                  .desired_healthy = 2,
                                  .expected_pods = 4,
                                  .disruptions_allowed = 1});
  s.persistent_volumes.push_back({.meta = {.name = "pv-1"},
                                  .capacity_bytes = 10LL << 30,
                                  .storage_class = "gp3",
                                  .ebs_volume_id = "vol-0abc",
                                  .zone = "us-east-1a",
                                  .phase = "Bound",
                                  .claim_ref = "shop/data-web-1"});
  s.persistent_volume_claims.push_back({.meta = {.name = "data-web-1", .namespace_name = "shop"},
                                        .requested_bytes = 10LL << 30,
                                        .volume_name = "pv-1",
                                        .phase = "Bound"});
  s.node_usage.push_back({.node_name = "ip-10-0-1-2", .cpu_millis = 400, .memory_bytes = 1 << 30});
  s.pod_usage.push_back(
      {.namespace_name = "shop", .pod_name = "web-1", .containers = {{"app", 120, 1 << 27}}});
  r.policy.safety.min_availability_zones = 2;
  r.policy.spot_excluded_namespaces = {"kube-system", "payments"};
  r.policy.min_monthly_savings = Money::FromUsd(12.5);
  r.policy.excluded_families = {"t2"};
  r.policy.burstable_instances = BurstableInstances::kIncluded;
  r.spot_prices[{"m5.large", "us-east-1a"}] = Money::FromMicros(31'200);
  PoolScoreTable scores;
  scores.Set({.instance_type = "m5.large",
              .availability_zone = "us-east-1a",
              .safety_score = 0.81,
              .factors = {.spot_advisor = 0.125, .cross_customer_penalty = 0.1},
              .status = PoolStatus::kUncertain});
  r.pool_scores = scores;
  return r;
}

TEST(DecisionRequestTest, EncodingDecodingAndEncodingAgainGivesTheSameText) {
  std::string first = EncodeDecisionRequest(RichRequest());
  Result<DecisionRequest> decoded = DecodeDecisionRequest(first);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().ToString();
  EXPECT_EQ(EncodeDecisionRequest(*decoded), first);
}

TEST(DecisionRequestTest, DecodedFieldsAreTheOriginalOnes) {
  DecisionRequest d = DecodeDecisionRequest(EncodeDecisionRequest(RichRequest())).value();
  const Snapshot& s = d.snapshot;
  EXPECT_EQ(s.now, At(1'767'225'600));
  ASSERT_EQ(s.nodes.size(), 1u);
  EXPECT_EQ(s.nodes[0].allocatable.gpus, 1);
  EXPECT_EQ(s.nodes[0].taints[0].effect, TaintEffect::kNoExecute);
  EXPECT_EQ(s.nodes[0].Zone(), "us-east-1a");
  const Pod& pod = s.pods.at(0);
  EXPECT_EQ(pod.Requests(), RichRequest().snapshot.pods[0].Requests());
  EXPECT_TRUE(pod.meta.ControllerRef() != nullptr);
  EXPECT_EQ(pod.affinity.required_node_terms[0].match_expressions[0].values.size(), 2u);
  EXPECT_EQ(pod.tolerations[0].toleration_seconds, 300);
  EXPECT_EQ(pod.topology_spread[0].min_domains, 3);
  EXPECT_TRUE(pod.container_statuses[0].LastTerminationWasOomKilled());
  EXPECT_EQ(s.workloads[0].kind, WorkloadKind::kStatefulSet);
  EXPECT_EQ(s.workloads[0].replicas, 3);
  EXPECT_EQ(s.disruption_budgets[0].min_available, "50%");
  EXPECT_FALSE(s.disruption_budgets[0].max_unavailable.has_value());
  EXPECT_EQ(d.policy.min_monthly_savings, Money::FromUsd(12.5));
  EXPECT_EQ(d.policy.safety.min_availability_zones, 2);
  EXPECT_EQ(d.policy.burstable_instances, BurstableInstances::kIncluded);
  EXPECT_EQ((d.spot_prices.at({"m5.large", "us-east-1a"})), Money::FromMicros(31'200));
  ASSERT_TRUE(d.pool_scores.has_value());
  const PoolScore* score = d.pool_scores->Find("m5.large", "us-east-1a");
  ASSERT_NE(score, nullptr);
  EXPECT_DOUBLE_EQ(score->safety_score, 0.81);
  EXPECT_EQ(score->status, PoolStatus::kUncertain);
}

TEST(DecisionRequestTest, AMinimalRequestTakesThePolicyDefaults) {
  Result<DecisionRequest> d = DecodeDecisionRequest(
      R"({"snapshot":{"region":"us-east-1"},"policy":{"burstable_instances":null}})");
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  EXPECT_EQ(d->policy.min_monthly_savings, Policy{}.min_monthly_savings);
  EXPECT_EQ(d->policy.spot_excluded_namespaces, Policy{}.spot_excluded_namespaces);
  EXPECT_EQ(d->policy.packing_search_steps_per_pod, kDefaultSearchStepsPerPod);
  EXPECT_EQ(d->policy.burstable_instances, BurstableInstances::kExcluded);
  EXPECT_FALSE(d->pool_scores.has_value());
}

TEST(DecisionRequestTest, ErrorsNameTheFieldPath) {
  struct Case {
    const char* body;
    const char* message_prefix;
  };
  for (
      const Case& c : std::initializer_list<Case>{
          {"[1]", "body: expected a JSON object"},
          {"{nope", "body: not valid JSON"},
          {"{}", "snapshot: required"},
          {R"({"snapshot":{}})", "snapshot.region: required"},
          {R"({"version":2,"snapshot":{"region":"r"}})", "version: unsupported"},
          {R"({"snapshot":{"region":"r","pods":[{},{"containers":[{"requests":{"cpu_millis":"1"}}]}]}})",
           "snapshot.pods[1].containers[0].requests.cpu_millis: expected an integer"},
          {R"({"snapshot":{"region":"r","nodes":[{"taints":[{"effect":"Never"}]}]}})",
           "snapshot.nodes[0].taints[0].effect: unknown value \"Never\""},
          {R"({"snapshot":{"region":"r","now":"yesterday"}})",
           "snapshot.now: expected an RFC 3339"},
          {R"({"snapshot":{"region":"r"},"policy":{"safety":{"min_on_demand_share":3}}})",
           "policy.safety.min_on_demand_share: expected a number in [0, 1]"},
          {R"({"snapshot":{"region":"r"},"policy":{"packing_search_steps_per_pod":-1}})",
           "policy.packing_search_steps_per_pod: expected an integer in [0, 1000000]"},
          {R"({"snapshot":{"region":"r"},"policy":{"burstable_instances":"required"}})",
           "policy.burstable_instances: expected \"excluded\" or \"included\", got \"required\""},
          {R"({"snapshot":{"region":"r"},"policy":{"burstable_instances":true}})",
           "policy.burstable_instances: expected a string"},
          {R"({"snapshot":{"region":"r"},"spot_prices":[{"instance_type":"m5.large","zone":"a","usd_per_hour":0.1}]})",
           "spot_prices[0].usd_per_hour: expected US dollars"},
          {R"({"snapshot":{"region":"r","pods":[{"meta":{"labels":{"a":1}}}]}})",
           "snapshot.pods[0].meta.labels.a: expected a string"},
      }) {
    Result<DecisionRequest> d = DecodeDecisionRequest(c.body);
    ASSERT_FALSE(d.has_value()) << c.body;
    EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(d.error().message.starts_with(c.message_prefix))
        << c.body << " -> " << d.error().message;
  }
}

}  // namespace
}  // namespace cloudoptim::server
