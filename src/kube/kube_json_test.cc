#include "kube/kube_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cloudoptim {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(CO_SOURCE_DIR) + "/testdata/kubernetes/roundtrip-fixtures/" + name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TimePoint At(std::string_view text) {
  TimePoint t{};
  EXPECT_TRUE(ParseRfc3339(text, &t)) << text;
  return t;
}

// The upstream round-trip fixtures set every field (with placeholder values such as
// "effectValue"); decoding must succeed and keep the fields the model has.
TEST(RoundTripFixtures, PodKeepsEveryModelledField) {
  Result<Pod> pod = DecodePod(ReadFixture("core.v1.Pod.json"));
  ASSERT_TRUE(pod.has_value()) << pod.error().ToString();
  EXPECT_EQ(pod->meta.name, "nameValue");
  EXPECT_EQ(pod->meta.namespace_name, "namespaceValue");
  EXPECT_EQ(pod->meta.uid, "uidValue");
  EXPECT_EQ(pod->meta.resource_version, "resourceVersionValue");
  EXPECT_EQ(*pod->meta.Label("labelsKey"), "labelsValue");
  EXPECT_EQ(*pod->meta.Annotation("annotationsKey"), "annotationsValue");
  ASSERT_EQ(pod->meta.owner_references.size(), 1u);
  EXPECT_TRUE(pod->meta.owner_references[0].controller);
  EXPECT_EQ(pod->meta.creation_timestamp, At("2008-01-01T01:01:01Z"));
  EXPECT_EQ(pod->meta.deletion_timestamp, At("2009-01-01T01:01:01Z"));
  ASSERT_EQ(pod->containers.size(), 1u);
  EXPECT_EQ(pod->containers[0].name, "nameValue");
  EXPECT_EQ(pod->containers[0].image, "imageValue");
  EXPECT_EQ(pod->init_containers.size(), 1u);
  EXPECT_EQ(pod->node_name, "nodeNameValue");
  EXPECT_EQ(pod->scheduler_name, "schedulerNameValue");
  EXPECT_EQ(pod->node_selector.at("nodeSelectorKey"), "nodeSelectorValue");
  EXPECT_EQ(pod->priority, 25);
  ASSERT_EQ(pod->affinity.required_node_terms.size(), 1u);
  EXPECT_EQ(pod->affinity.required_node_terms[0].match_fields.size(), 1u);
  EXPECT_EQ(pod->affinity.required_pod_affinity.size(), 1u);
  EXPECT_EQ(pod->affinity.required_pod_anti_affinity.size(), 1u);
  EXPECT_EQ(pod->affinity.preferred_pod_anti_affinity.size(), 1u);
  // "effectValue" is not an effect: the toleration is dropped rather than tolerating all.
  EXPECT_TRUE(pod->tolerations.empty());
  ASSERT_EQ(pod->topology_spread.size(), 1u);
  EXPECT_EQ(pod->topology_spread[0].min_domains, 5);
  // matchLabels (1) + matchExpressions (1) requirements.
  EXPECT_EQ(pod->topology_spread[0].label_selector.requirements.size(), 2u);
  EXPECT_FALSE(pod->volumes.empty());
  EXPECT_EQ(pod->phase, PodPhase::kUnknown);  // "phaseValue"
  ASSERT_EQ(pod->container_statuses.size(), 1u);
  EXPECT_EQ(pod->container_statuses[0].restart_count, 5);
  EXPECT_TRUE(pod->container_statuses[0].ready);
  EXPECT_EQ(pod->container_statuses[0].current.state, "terminated");
  ASSERT_TRUE(pod->container_statuses[0].last_state.has_value());
  EXPECT_EQ(pod->container_statuses[0].last_state->exit_code, 1);
}

TEST(RoundTripFixtures, NodeKeepsSpecAndStatus) {
  Result<Node> node = DecodeNode(ReadFixture("core.v1.Node.json"));
  ASSERT_TRUE(node.has_value()) << node.error().ToString();
  EXPECT_EQ(node->meta.name, "nameValue");
  EXPECT_EQ(node->provider_id, "providerIDValue");
  EXPECT_TRUE(node->unschedulable);
  ASSERT_EQ(node->taints.size(), 1u);
  EXPECT_EQ(node->taints[0].key, "keyValue");
  EXPECT_EQ(node->taints[0].effect, TaintEffect::kNoSchedule);  // unknown effect kept blocking
  ASSERT_EQ(node->conditions.size(), 1u);
  EXPECT_EQ(node->conditions[0].reason, "reasonValue");
}

struct WorkloadCase {
  std::string file;
  WorkloadKind kind;
  std::optional<int32_t> replicas;
  int32_t ready;
};

class WorkloadFixtureTest : public ::testing::TestWithParam<WorkloadCase> {};

TEST_P(WorkloadFixtureTest, DecodesTemplateAndReplicas) {
  const WorkloadCase& c = GetParam();
  Result<Workload> w = DecodeWorkload(ReadFixture(c.file), c.kind);
  ASSERT_TRUE(w.has_value()) << w.error().ToString();
  EXPECT_EQ(w->kind, c.kind);
  EXPECT_EQ(w->meta.name, "nameValue");
  EXPECT_EQ(w->replicas, c.replicas);
  EXPECT_EQ(w->ready_replicas, c.ready);
  EXPECT_EQ(w->pod_template.containers.size(), 1u);
  EXPECT_EQ(w->pod_template.meta.name, "nameValue");
  EXPECT_FALSE(w->selector.requirements.empty());
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, WorkloadFixtureTest,
    ::testing::Values(WorkloadCase{"apps.v1.Deployment.json", WorkloadKind::kDeployment, 1, 7},
                      WorkloadCase{"apps.v1.ReplicaSet.json", WorkloadKind::kReplicaSet, 1, 4},
                      WorkloadCase{"apps.v1.StatefulSet.json", WorkloadKind::kStatefulSet, 1, 3},
                      WorkloadCase{"apps.v1.DaemonSet.json", WorkloadKind::kDaemonSet, {}, 4},
                      WorkloadCase{"batch.v1.Job.json", WorkloadKind::kJob, 1, 9},
                      WorkloadCase{"batch.v1.CronJob.json", WorkloadKind::kCronJob, 1, 0}));

TEST(RoundTripFixtures, CronJobAndStatefulSetSpecifics) {
  Result<Workload> cron =
      DecodeWorkload(ReadFixture("batch.v1.CronJob.json"), WorkloadKind::kCronJob);
  ASSERT_TRUE(cron.has_value()) << cron.error().ToString();
  EXPECT_EQ(cron->schedule, "scheduleValue");
  EXPECT_TRUE(cron->suspended);
  Result<Workload> sts =
      DecodeWorkload(ReadFixture("apps.v1.StatefulSet.json"), WorkloadKind::kStatefulSet);
  ASSERT_TRUE(sts.has_value()) << sts.error().ToString();
  EXPECT_EQ(sts->volume_claim_templates, std::vector<std::string>{"nameValue"});
}

TEST(RoundTripFixtures, DisruptionBudgetNamespaceAndEvents) {
  auto pdb = DecodeObject<PodDisruptionBudget>(ReadFixture("policy.v1.PodDisruptionBudget.json"));
  ASSERT_TRUE(pdb.has_value()) << pdb.error().ToString();
  EXPECT_EQ(pdb->min_available, "minAvailableValue");
  EXPECT_EQ(pdb->max_unavailable, "maxUnavailableValue");
  EXPECT_EQ(pdb->disruptions_allowed, 3);
  EXPECT_EQ(pdb->current_healthy, 4);
  EXPECT_EQ(pdb->desired_healthy, 5);
  EXPECT_EQ(pdb->expected_pods, 6);
  // An unknown operator selects nothing rather than everything.
  ASSERT_EQ(pdb->selector.requirements.size(), 2u);
  EXPECT_TRUE(pdb->selector.requirements[1].values.empty());

  auto ns = DecodeObject<Namespace>(ReadFixture("core.v1.Namespace.json"));
  ASSERT_TRUE(ns.has_value()) << ns.error().ToString();
  EXPECT_EQ(ns->phase, "phaseValue");

  auto core_event = DecodeObject<ClusterEvent>(ReadFixture("core.v1.Event.json"));
  ASSERT_TRUE(core_event.has_value()) << core_event.error().ToString();
  EXPECT_EQ(core_event->involved_kind, "kindValue");
  EXPECT_EQ(core_event->count, 8);
  EXPECT_EQ(core_event->last_timestamp, At("2010-01-01T01:01:01.000010Z"));  // latest present

  auto new_event = DecodeObject<ClusterEvent>(ReadFixture("events.k8s.io.v1.Event.json"));
  ASSERT_TRUE(new_event.has_value()) << new_event.error().ToString();
  EXPECT_EQ(new_event->message, "noteValue");
  EXPECT_EQ(new_event->count, 15);
  EXPECT_EQ(new_event->last_timestamp, At("2014-01-01T01:01:01Z"));
}

// Every fixture of a kind we decode must decode; adding a fixture file adds a case.
TEST(RoundTripFixtures, EveryDecodedKindSurvives) {
  int decoded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::string(CO_SOURCE_DIR) + "/testdata/kubernetes/roundtrip-fixtures")) {
    std::string name = entry.path().filename().string();
    std::string json = ReadFixture(name);
    std::string error;
    auto note = [&](const auto& result) {
      if (!result) error = result.error().ToString();
    };
    if (name.find(".Pod.json") != std::string::npos) note(DecodePod(json));
    if (name.find(".Node.json") != std::string::npos) note(DecodeNode(json));
    if (name.find("Event.json") != std::string::npos) note(DecodeObject<ClusterEvent>(json));
    // Any object decodes as a Status or Namespace without error: unknown fields are skipped.
    Result<Namespace> generic = DecodeObject<Namespace>(json);
    EXPECT_EQ(error, "") << name;
    EXPECT_TRUE(generic.has_value()) << name << ": " << generic.error().ToString();
    EXPECT_EQ(generic->meta.name, "nameValue") << name;
    ++decoded;
  }
  EXPECT_GE(decoded, 18);
}

}  // namespace
}  // namespace cloudoptim
