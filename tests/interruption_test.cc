// The interruption handler end to end: the sandbox cluster (`cloudoptim sandbox`, Kubernetes
// side) and moto_server (AWS side: SQS, EventBridge, EC2). An EventBridge rule in moto sends
// spot interruption warnings to our queue; PutEvents puts a real-format warning (the detail of
// testdata/aws/eventbridge-events/nth-doc-spot-interruption-warning.json) on the bus for the
// instance of one sandbox node. moto 5's EventBridge delivers to SQS targets, so the message
// our pollers receive is EventBridge's own envelope, not one we wrote.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "aws/aws_session.h"
#include "aws/ec2_client.h"
#include "aws/sqs_client.h"
#include "catalog/catalog.h"
#include "execute/interruption_handler.h"
#include "kube/cluster_connection.h"
#include "kube/kube_cluster_api.h"
#include "model/label_selector.h"
#include "net/curl_http_client.h"
#include "store/open_store.h"
#include "support/process.h"

namespace cloudoptim {
namespace {

using testing::ChildProcess;
using testing::FreeLoopbackPort;
using ::testing::HasSubstr;
using testing::MakeTempDirectory;
using testing::RunCommand;
using testing::WaitForPort;

class InterruptionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDirectory("interruption-it"));
    moto_port_ = FreeLoopbackPort();
    moto_ = new ChildProcess(ChildProcess::Start({"moto_server", "-p", std::to_string(moto_port_)},
                                                 {}, *dir_ + "/moto.log"));
    sandbox_port_ = FreeLoopbackPort();
    sandbox_ = new ChildProcess(ChildProcess::Start(
        {CO_BINARY, "sandbox", "--scenario", std::string(CO_SOURCE_DIR) + "/scenarios/default.yaml",
         "--port", std::to_string(sandbox_port_), "--kubeconfig-out", *dir_ + "/kubeconfig",
         "--speed", "20"},
        {}, *dir_ + "/sandbox.log"));
    // Generous for a loaded machine (moto_server's Python imports alone take seconds there).
    ASSERT_TRUE(WaitForPort(moto_port_, std::chrono::seconds(120))) << "moto_server did not start";
    ASSERT_TRUE(WaitForPort(sandbox_port_, std::chrono::seconds(120))) << "sandbox did not start";
    Eventually([] { return std::filesystem::exists(*dir_ + "/kubeconfig"); },
               std::chrono::seconds(60));
  }
  static void TearDownTestSuite() {
    delete sandbox_;
    delete moto_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  static std::string MotoUrl() { return "http://127.0.0.1:" + std::to_string(moto_port_); }

  // The aws CLI against moto, for setup our clients do not offer (EventBridge, templates).
  static std::string AwsCli(std::vector<std::string> args) {
    args.insert(args.begin(), {"aws", "--endpoint-url", MotoUrl(), "--output", "text"});
    testing::CommandResult r = RunCommand(args, {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                                 {"AWS_SECRET_ACCESS_KEY", "x"},
                                                 {"AWS_DEFAULT_REGION", "us-east-1"}});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == '\r')) {
      r.output.pop_back();
    }
    return r.output;
  }

  void SetUp() override {
    Result<ClusterConnection> connection = LoadKubeconfig({.explicit_path = *dir_ + "/kubeconfig"});
    ASSERT_TRUE(connection.has_value()) << connection.error().ToString();
    kube_ = std::make_unique<KubeClusterApi>(KubeRestClient::Create(*connection, clock_));

    aws::Environment env = {{"HOME", *dir_},
                            {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                            {"AWS_SECRET_ACCESS_KEY", "x"},
                            {"AWS_REGION", "us-east-1"},
                            {"AWS_ENDPOINT_URL", MotoUrl()}};
    Result<aws::AwsConfig> config = aws::LoadAwsConfig({}, env);
    ASSERT_TRUE(config.has_value()) << config.error().ToString();
    auto session = aws::AwsSession::Create(*config, http_, clock_);
    ASSERT_TRUE(session.has_value()) << session.error().ToString();
    session_ = std::move(*session);
    sqs_ =
        std::make_unique<aws::SqsClient>(session_->transport(), session_->config().Endpoint("sqs"));
    ec2_ =
        std::make_unique<aws::Ec2Client>(session_->transport(), session_->config().Endpoint("ec2"));

    Result<Catalog> catalog = Catalog::Load(std::string(CO_SOURCE_DIR) + "/data");
    ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();
    catalog_ = std::make_unique<Catalog>(std::move(*catalog));
    store::StoreOptions store_options;
    store_options.clock = &clock_;
    store_ = std::move(store::OpenInMemoryStore(std::move(store_options)).value());
    tenant_ = store_->tenants().CreateTenant("acme")->id;
    cluster_ =
        store_->clusters()
            .RegisterCluster(
                tenant_, {.name = "sandbox", .region = "us-east-1", .credentials = "kubeconfig"})
            ->id;
  }

  // The spot node whose drain shows the most: one with a pod a PodDisruptionBudget protects
  // (disruptionsAllowed 0) if there is one, then the one with the most pods.
  Node BusiestSpotNode() {
    Snapshot listed;
    EXPECT_TRUE(kube_->List(ClusterResource::kNodes, {}, &listed).has_value());
    EXPECT_TRUE(kube_->List(ClusterResource::kPods, {}, &listed).has_value());
    EXPECT_TRUE(kube_->List(ClusterResource::kPodDisruptionBudgets, {}, &listed).has_value());
    Node best;
    size_t best_score = 0;
    for (const Node& node : listed.nodes) {
      if (node.Capacity() != CapacityType::kSpot || node.InstanceId().empty()) continue;
      size_t score = 0;
      for (const Pod& pod : listed.pods) {
        if (pod.node_name != node.meta.name) continue;
        score += 1;
        for (const PodDisruptionBudget& budget : listed.disruption_budgets) {
          if (budget.meta.namespace_name == pod.meta.namespace_name &&
              budget.selector.Matches(pod.meta.labels) && budget.disruptions_allowed <= 0) {
            score += 100;
          }
        }
      }
      if (score > best_score) best_score = score, best = node;
    }
    return best;
  }

  std::vector<Pod> PodsOn(const std::string& node) {
    Snapshot listed;
    EXPECT_TRUE(
        kube_->List(ClusterResource::kPods, {.field_selector = "spec.nodeName=" + node}, &listed)
            .has_value());
    std::vector<Pod> out;
    for (Pod& pod : listed.pods) {
      if (pod.node_name == node && pod.phase == PodPhase::kRunning) out.push_back(std::move(pod));
    }
    return out;
  }

  std::vector<Ec2Instance> Replacements(const std::string& replaced) {
    auto found = ec2_->DescribeInstances({{"tag:cloudoptim.io/replaces", {replaced}}});
    EXPECT_TRUE(found.has_value()) << found.error().ToString();
    return found.value_or(std::vector<Ec2Instance>{});
  }

  int QueueDepth(const std::string& url) {
    auto attributes = sqs_->GetQueueAttributes(
        url, {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"});
    EXPECT_TRUE(attributes.has_value());
    if (!attributes) return -1;
    return std::stoi((*attributes)["ApproximateNumberOfMessages"]) +
           std::stoi((*attributes)["ApproximateNumberOfMessagesNotVisible"]);
  }

  template <typename Predicate>
  static bool Eventually(Predicate done, std::chrono::seconds limit = std::chrono::seconds(180)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return done();
  }

  static inline std::string* dir_ = nullptr;
  static inline int moto_port_ = 0;
  static inline int sandbox_port_ = 0;
  static inline ChildProcess* moto_ = nullptr;
  static inline ChildProcess* sandbox_ = nullptr;
  SystemClock clock_;
  CurlHttpClient http_;
  std::unique_ptr<KubeClusterApi> kube_;
  std::unique_ptr<aws::AwsSession> session_;
  std::unique_ptr<aws::SqsClient> sqs_;
  std::unique_ptr<aws::Ec2Client> ec2_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<store::Store> store_;
  std::string tenant_, cluster_;
};

TEST_F(InterruptionTest, AnEventBridgeSpotWarningIsHandledOnceEndToEnd) {
  // AWS side: the queue, the rule that feeds it, a launch template, a subnet per zone.
  Result<std::string> queue_url = sqs_->CreateQueue("cloudoptim-interruptions");
  ASSERT_TRUE(queue_url.has_value()) << queue_url.error().ToString();
  auto queue_arn = sqs_->GetQueueAttributes(*queue_url, {"QueueArn"});
  ASSERT_TRUE(queue_arn.has_value());
  AwsCli({"events", "put-rule", "--name", "spot-warnings", "--event-pattern",
          R"({"source":["aws.ec2"],"detail-type":["EC2 Spot Instance Interruption Warning"]})"});
  AwsCli({"events", "put-targets", "--rule", "spot-warnings", "--targets",
          "Id=interruptions,Arn=" + (*queue_arn)["QueueArn"]});
  const std::string template_id = AwsCli(
      {"ec2", "create-launch-template", "--launch-template-name", "nodes", "--launch-template-data",
       R"({"ImageId":"ami-12345678"})", "--query", "LaunchTemplate.LaunchTemplateId"});
  std::map<std::string, std::string> subnet_by_zone;
  Result<std::vector<aws::Subnet>> subnets = ec2_->DescribeSubnets({});
  ASSERT_TRUE(subnets.has_value()) << subnets.error().ToString();
  for (const aws::Subnet& subnet : *subnets) {
    subnet_by_zone.emplace(subnet.availability_zone, subnet.subnet_id);
  }
  // moto's account holds none of the sandbox's instances, so nothing can be discovered: the
  // cluster's settings name the template and subnets (the onboarding override).
  LaunchOverrides overrides{.launch_template = template_id};
  for (const auto& [zone, subnet] : subnet_by_zone) overrides.subnet_ids.push_back(subnet);
  Ec2ReplacementLauncher launcher(*ec2_, *kube_, overrides);

  // Kubernetes side: the node AWS is about to reclaim, and what is on it.
  const Node node = BusiestSpotNode();
  ASSERT_FALSE(node.meta.name.empty()) << "the scenario has no spot node with pods";
  const std::string instance_id = node.InstanceId();
  // A budget that allows no disruption over one workload on the node: its pods must stay.
  const std::vector<Pod> on_node = PodsOn(node.meta.name);
  auto held = std::find_if(on_node.begin(), on_node.end(), [](const Pod& pod) {
    const OwnerReference* owner = pod.meta.ControllerRef();
    return owner != nullptr && owner->kind != "DaemonSet" && !pod.meta.labels.empty();
  });
  ASSERT_NE(held, on_node.end());
  nlohmann::json pdb = {
      {"apiVersion", "policy/v1"},
      {"kind", "PodDisruptionBudget"},
      {"metadata", {{"name", "it-hold"}, {"namespace", held->meta.namespace_name}}},
      {"spec", {{"maxUnavailable", 0}, {"selector", {{"matchLabels", held->meta.labels}}}}}};
  testing::CommandResult applied =
      RunCommand({"kubectl", "--kubeconfig", *dir_ + "/kubeconfig", "apply", "-f", "-"}, {},
                 std::chrono::seconds(60), pdb.dump());
  ASSERT_EQ(applied.exit_code, 0) << applied.output;
  Snapshot budgets;
  ASSERT_TRUE(kube_->List(ClusterResource::kPodDisruptionBudgets, {}, &budgets).has_value());
  std::vector<std::string> protected_pods, free_pods;
  for (const Pod& pod : on_node) {
    const OwnerReference* owner = pod.meta.ControllerRef();
    if (owner != nullptr && owner->kind == "DaemonSet") continue;
    // Pods under a budget that allows disruptions may go or stay (the budget frees up as the
    // sandbox's controllers recreate pods elsewhere): only the two clear cases are checked.
    bool covered = false, blocked = false;
    for (const PodDisruptionBudget& budget : budgets.disruption_budgets) {
      if (budget.meta.namespace_name == pod.meta.namespace_name &&
          budget.selector.Matches(pod.meta.labels)) {
        covered = true;
        blocked = blocked || budget.meta.name == "it-hold";
      }
    }
    if (blocked) protected_pods.push_back(pod.meta.Key());
    if (!covered) free_pods.push_back(pod.meta.Key());
  }
  ASSERT_FALSE(free_pods.empty());
  ASSERT_FALSE(protected_pods.empty());

  PoolScoreTable scores;
  for (const auto& [zone, subnet] : subnet_by_zone) {
    scores.Set({node.InstanceType(), zone, 0.9, {}});
  }
  StaticClusterDirectory directory({ClusterHandle{.tenant_id = tenant_,
                                                  .cluster_id = cluster_,
                                                  .name = "sandbox",
                                                  .region = "us-east-1",
                                                  .api = kube_.get(),
                                                  .launcher = &launcher,
                                                  .catalog = catalog_.get(),
                                                  .scores = &scores}});
  SqsInterruptionQueue queue(*sqs_, *queue_url, /*visibility_timeout_seconds=*/120);
  InterruptionHandlerOptions options;
  options.pollers = 2;
  options.long_poll = std::chrono::seconds(1);
  // Blocked pods are retried until the deadline; keep the test's wait short.
  options.responder.max_drain_window = std::chrono::seconds(20);
  options.responder.drain.pdb_retry_backoff = std::chrono::seconds(1);
  options.responder.drain.max_pdb_retry_backoff = std::chrono::seconds(2);
  InterruptionHandler handler(*store_, directory, queue, clock_, options);
  ASSERT_TRUE(handler.Start().has_value());

  // The warning goes on the bus with the detail of the real sample event.
  const std::string detail =
      R"({"instance-id":")" + instance_id + R"(","instance-action":"terminate"})";
  nlohmann::json entries = nlohmann::json::array(
      {{{"Source", "aws.ec2"},
        {"DetailType", "EC2 Spot Instance Interruption Warning"},
        {"Detail", detail},
        {"Resources", {"arn:aws:ec2:us-east-1:123456789012:instance/" + instance_id}}}});
  AwsCli({"events", "put-events", "--entries", entries.dump()});

  ASSERT_TRUE(Eventually([&] { return handler.stats().deleted >= 1; }))
      << "the warning was not handled; stats: received " << handler.stats().received << ", failed "
      << handler.stats().failed;
  EXPECT_EQ(handler.stats().handled, 1);

  Result<Node> after = kube_->GetNode(node.meta.name);
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->unschedulable);
  EXPECT_TRUE(std::any_of(after->taints.begin(), after->taints.end(),
                          [](const Taint& t) { return t.key == kInterruptedTaintKey; }));
  std::vector<std::string> left;
  for (const Pod& pod : PodsOn(node.meta.name)) left.push_back(pod.meta.Key());
  for (const std::string& pod : free_pods) {
    EXPECT_EQ(std::count(left.begin(), left.end(), pod), 0) << pod << " was not evicted";
  }
  for (const std::string& pod : protected_pods) {
    EXPECT_EQ(std::count(left.begin(), left.end(), pod), 1) << pod << " was evicted past its PDB";
  }

  std::vector<Ec2Instance> replacements = Replacements(instance_id);
  ASSERT_EQ(replacements.size(), 1u);
  EXPECT_FALSE(replacements[0].instance_type == node.InstanceType() &&
               replacements[0].availability_zone == node.Zone())
      << "the replacement went to the interrupted pool";
  EXPECT_EQ(QueueDepth(*queue_url), 0);
  auto feedback = store_->feedback().ListInterruptions(tenant_, TimePoint{});
  ASSERT_TRUE(feedback.has_value());
  ASSERT_EQ(feedback->size(), 1u);
  EXPECT_EQ(feedback->front().instance_id, instance_id);
  const std::string event_id = feedback->front().event_id;

  // The same event delivered again (SQS is at-least-once): deleted, and nothing else.
  const size_t audit_rows = store_->audit().ListAudit(tenant_, std::nullopt, 1000)->size();
  nlohmann::json redelivered = {{"version", "0"},
                                {"id", event_id},
                                {"detail-type", "EC2 Spot Instance Interruption Warning"},
                                {"source", "aws.ec2"},
                                {"account", "123456789012"},
                                {"time", FormatRfc3339(feedback->front().at)},
                                {"region", "us-east-1"},
                                {"resources", entries[0]["Resources"]},
                                {"detail", nlohmann::json::parse(detail)}};
  ASSERT_TRUE(sqs_->SendMessage(*queue_url, redelivered.dump()).has_value());
  ASSERT_TRUE(Eventually([&] { return handler.stats().deleted >= 2; }));
  handler.Stop();
  EXPECT_EQ(handler.stats().duplicates, 1);
  EXPECT_EQ(handler.stats().handled, 1);
  EXPECT_EQ(Replacements(instance_id).size(), 1u);
  EXPECT_EQ(store_->feedback().ListInterruptions(tenant_, TimePoint{})->size(), 1u);
  EXPECT_EQ(store_->audit().ListAudit(tenant_, std::nullopt, 1000)->size(), audit_rows);
  EXPECT_EQ(QueueDepth(*queue_url), 0);
}

TEST_F(InterruptionTest, AWarningForAnInstanceOfNoClusterIsDeletedAndTouchesNothing) {
  Result<std::string> queue_url = sqs_->CreateQueue("cloudoptim-foreign");
  ASSERT_TRUE(queue_url.has_value());
  StaticClusterDirectory directory({ClusterHandle{
      .tenant_id = tenant_, .cluster_id = cluster_, .name = "sandbox", .api = kube_.get()}});
  SqsInterruptionQueue queue(*sqs_, *queue_url);
  InterruptionHandlerOptions options;
  options.long_poll = std::chrono::seconds(1);
  InterruptionHandler handler(*store_, directory, queue, clock_, options);
  ASSERT_TRUE(handler.Start().has_value());
  nlohmann::json event = {
      {"version", "0"},
      {"id", "foreign-1"},
      {"detail-type", "EC2 Spot Instance Interruption Warning"},
      {"source", "aws.ec2"},
      {"time", FormatRfc3339(clock_.Now())},
      {"region", "us-east-1"},
      {"resources", {"arn:aws:ec2:us-east-1:1:instance/i-0ffffffffffffffff"}},
      {"detail", {{"instance-id", "i-0ffffffffffffffff"}, {"instance-action", "terminate"}}}};
  ASSERT_TRUE(sqs_->SendMessage(*queue_url, event.dump()).has_value());
  ASSERT_TRUE(Eventually([&] { return handler.stats().deleted >= 1; }));
  handler.Stop();
  EXPECT_EQ(handler.stats().not_ours, 1);
  EXPECT_EQ(QueueDepth(*queue_url), 0);
  EXPECT_TRUE(store_->feedback().ListInterruptions(tenant_, TimePoint{})->empty());
}

}  // namespace
}  // namespace cloudoptim
