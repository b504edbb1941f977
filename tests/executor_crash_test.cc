// The executor survives SIGKILL at any point: `cloudoptim execute` (a real process, on a
// SQLite store, against `cloudoptim sandbox`'s Kubernetes API and simulated AWS account) is
// killed at random points of a replace-node plan (chosen by journal progress, so at any machine
// speed), in many trials, and restarted until idle. After every trial: the plan is done or rolled
// back; no node got two replacements (instances carrying the launch step's token, in any state, are
// at most one); the only instances ever terminated are the nodes the done plans replaced; and the
// PDB'd Deployment never had fewer healthy pods than its minAvailable (polled throughout by a
// watcher thread).
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/aws_config.h"
#include "aws/aws_session.h"
#include "aws/ec2_client.h"
#include "execute/plan_steps.h"
#include "execute/step_runner.h"
#include "kube/cluster_connection.h"
#include "kube/kube_cluster_api.h"
#include "kube/kube_rest_client.h"
#include "net/curl_http_client.h"
#include "safety/pdb_guard.h"
#include "store/open_store.h"
#include "support/process.h"

namespace cloudoptim::testing {
namespace {

constexpr int kTrials = 50;
constexpr int kMinAvailable = 3;
// launch, wait-ready, cordon, drain, wait-rescheduled, terminate.
constexpr int kReplaceNodeSteps = 6;

constexpr std::string_view kScenario = R"(cluster:
  name: crash-test
  region: us-east-1
nodeGroups:
- name: general
  instanceTypes: [m5.large]
  zones: [us-east-1a]
  capacityType: on-demand
  count: 3
workloads:
- name: web
  namespace: default
  kind: Deployment
  replicas: 4
  labels: {app: web}
  terminationGracePeriodSeconds: 0
  containers:
  - name: web
    requests: {cpu: 100m, memory: 128Mi}
  pdb:
    minAvailable: 3
)";

const std::map<std::string, std::string> kAwsEnv = {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                                    {"AWS_SECRET_ACCESS_KEY", "sandbox-secret"},
                                                    {"AWS_REGION", "us-east-1"},
                                                    {"AWS_CONFIG_FILE", "/dev/null"},
                                                    {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}};

class ExecutorCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& [key, value] : kAwsEnv) setenv(key.c_str(), value.c_str(), 1);
    dir_ = MakeTempDirectory("executor-crash");
    kubeconfig_ = dir_ + "/kubeconfig";
    std::ofstream(dir_ + "/scenario.yaml") << kScenario;
    const int port = FreeLoopbackPort();
    const int aws_port = FreeLoopbackPort();
    endpoint_ = "http://127.0.0.1:" + std::to_string(aws_port);
    sandbox_ =
        ChildProcess::Start({CO_BINARY, "sandbox", "--scenario", dir_ + "/scenario.yaml", "--port",
                             std::to_string(port), "--aws-port", std::to_string(aws_port),
                             "--kubeconfig-out", kubeconfig_, "--speed", "60"},
                            {}, dir_ + "/sandbox.log");
    ASSERT_TRUE(WaitForPort(port, std::chrono::seconds(60)));
    ASSERT_TRUE(WaitForPort(aws_port, std::chrono::seconds(60)));
    for (int i = 0; i < 100 && !std::filesystem::exists(kubeconfig_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto connection = LoadKubeconfig({.explicit_path = kubeconfig_});
    ASSERT_TRUE(connection) << connection.error().ToString();
    kube_ = std::make_unique<KubeClusterApi>(KubeRestClient::Create(*connection, clock_));
    auto config = aws::LoadAwsConfig({.region = "us-east-1", .endpoint_url = endpoint_},
                                     aws::ProcessEnvironment());
    ASSERT_TRUE(config) << config.error().ToString();
    auto session = aws::AwsSession::Create(*config, http_, clock_);
    ASSERT_TRUE(session) << session.error().ToString();
    session_ = std::move(*session);
    ec2_ =
        std::make_unique<aws::Ec2Client>(session_->transport(), session_->config().Endpoint("ec2"));
    SeedStore();
  }

  void TearDown() override {
    stop_watch_ = true;
    if (watcher_.joinable()) watcher_.join();
    sandbox_.Stop();
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  void SeedStore() {
    store::StoreOptions options;
    options.secret_box = *store::SecretBox::FromText(std::string(64, 'a'));
    auto store = store::OpenStore("sqlite://" + dir_ + "/store.db", options);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    tenant_ = store_->tenants().CreateTenant("acme")->id;
    auto cluster = store_->clusters().RegisterCluster(
        tenant_, {"crash-test", "us-east-1", endpoint_, "", "-"});
    ASSERT_TRUE(cluster) << cluster.error().ToString();
    cluster_id_ = cluster->id;
    store::ClusterSettings settings;
    settings.mode = store::ClusterMode::kAutopilot;
    ASSERT_TRUE(store_->clusters().PutSettings(tenant_, cluster_id_, settings));
  }

  // Healthy pods of the PDB'd Deployment, or -1 when the API did not answer.
  int HealthyWebPods() {
    Snapshot listed;
    if (!kube_->List(ClusterResource::kPods, {.label_selector = "app=web"}, &listed)) return -1;
    int healthy = 0;
    for (const Pod& pod : listed.pods) healthy += IsPodHealthy(pod) ? 1 : 0;
    return healthy;
  }

  // Watches the Deployment's healthy pods until the test ends.
  void StartWatcher() {
    watcher_ = std::thread([this] {
      while (!stop_watch_) {
        int healthy = HealthyWebPods();
        if (healthy >= 0) min_healthy_ = std::min(min_healthy_.load(), healthy);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  }

  std::vector<Node> SchedulableReadyNodes() {
    Snapshot listed;
    EXPECT_TRUE(kube_->List(ClusterResource::kNodes, {}, &listed));
    std::vector<Node> nodes;
    for (const Node& node : listed.nodes) {
      if (node.IsReady() && !node.unschedulable) nodes.push_back(node);
    }
    return nodes;
  }

  std::string Approve(int trial, const std::string& node) {
    store::StoredRecommendation rec;
    rec.id = "crash-" + std::to_string(trial);
    rec.cluster_id = cluster_id_;
    rec.engine = "bin-pack";
    rec.target = "node/" + node;
    rec.actions_json =
        ActionsToJson({{ActionType::kReplaceNode, rec.target, {{"instance_types", "m5.large"}}}});
    rec.confidence = 1;
    rec.explanation = "crash test trial " + std::to_string(trial);
    EXPECT_TRUE(store_->recommendations().UpsertRecommendations(tenant_, cluster_id_, {rec}));
    EXPECT_TRUE(store_->recommendations().SetRecommendationStatus(
        tenant_, cluster_id_, rec.id, store::RecommendationStatus::kApproved));
    return "plan-" + ClientTokenFor("plan/" + rec.id).substr(3, 16);
  }

  ChildProcess StartExecutor() {
    return ChildProcess::Start({CO_BINARY,
                                "execute",
                                "--store",
                                "sqlite://" + dir_ + "/store.db",
                                "--tenant",
                                tenant_,
                                "--cluster",
                                cluster_id_,
                                "--kubeconfig",
                                kubeconfig_,
                                "--aws-endpoint",
                                endpoint_,
                                "--until-idle",
                                "--poll-ms",
                                "50",
                                "--pdb-backoff-ms",
                                "100",
                                "--ready-timeout-s",
                                "60",
                                "--drain-deadline-s",
                                "60",
                                "--reschedule-timeout-s",
                                "20"},
                               kAwsEnv, dir_ + "/executor.log");
  }

  // Journal entries of the plan that are done (0 before the executor journaled the plan).
  int StepsDone(const std::string& plan_id) {
    auto entries = store_->journal().ListPlanEntries(tenant_, plan_id);
    int steps_done = 0;
    if (entries) {
      for (const auto& e : *entries) steps_done += e.state == store::ActionState::kDone;
    }
    return steps_done;
  }

  // Polls the journal until `steps` steps of the plan are done or the executor has exited (it
  // finished the plan); a generous deadline only guards against a hung executor.
  void WaitForStepsDoneOrExit(const std::string& plan_id, int steps, ChildProcess& executor) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      if (StepsDone(plan_id) >= steps || !executor.IsRunning()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ADD_FAILURE() << "plan " << plan_id << " did not reach " << steps << " done steps";
  }

  // Every instance ever launched or terminated, by id (the sandbox keeps terminated ones).
  std::vector<Ec2Instance> AllInstances() {
    auto all = ec2_->DescribeInstances({});
    EXPECT_TRUE(all) << all.error().ToString();
    return all ? *all : std::vector<Ec2Instance>{};
  }

  SystemClock clock_;
  CurlHttpClient http_;
  std::string dir_;
  std::string kubeconfig_;
  std::string endpoint_;
  ChildProcess sandbox_;
  std::unique_ptr<KubeClusterApi> kube_;
  std::unique_ptr<aws::AwsSession> session_;
  std::unique_ptr<aws::Ec2Client> ec2_;
  std::unique_ptr<store::Store> store_;
  std::string tenant_;
  std::string cluster_id_;
  std::thread watcher_;
  std::atomic<bool> stop_watch_{false};
  std::atomic<int> min_healthy_{1000};
};

TEST_F(ExecutorCrashTest, SigkillAtRandomPointsNeverDuplicatesOrBreaksABudget) {
  // The Deployment is up before anything is disrupted.
  for (int i = 0; i < 300 && HealthyWebPods() < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(HealthyWebPods(), 4);
  StartWatcher();
  std::mt19937 random(20261126);
  // Kill moments are chosen by progress, not by time, so they land all over the plan on a fast
  // machine as on a slow one: wait until the journal shows a randomly chosen number of finished
  // steps, then a random few milliseconds more (which lands inside the next step or between
  // its journal writes), then SIGKILL.
  std::uniform_int_distribution<int> jitter_ms(0, 10);
  std::set<std::string> replaced_instances;
  std::set<std::string> terminated;
  std::set<std::string> done_replaced;
  std::map<int, int> kills_by_steps_done;
  int done = 0, rolled_back = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<Node> nodes = SchedulableReadyNodes();
    ASSERT_FALSE(nodes.empty());
    const Node& target = nodes[random() % nodes.size()];
    const std::string plan_id = Approve(trial, target.meta.name);
    // One or two SIGKILLs at random points of the plan, then a run to the end.
    const int kills = 1 + static_cast<int>(random() % 2);
    for (int k = 0; k < kills; ++k) {
      const int already_done = StepsDone(plan_id);
      const int kill_after_steps =
          already_done + static_cast<int>(random() % (kReplaceNodeSteps - already_done + 1));
      ChildProcess executor = StartExecutor();
      WaitForStepsDoneOrExit(plan_id, kill_after_steps, executor);
      std::this_thread::sleep_for(std::chrono::milliseconds(jitter_ms(random)));
      executor.Signal(SIGKILL);
      executor.Wait(std::chrono::seconds(10));
      ++kills_by_steps_done[StepsDone(plan_id)];
    }
    ChildProcess executor = StartExecutor();
    ASSERT_EQ(executor.Wait(std::chrono::seconds(90)), 0)
        << "trial " << trial << ": " << ReadFileOrEmpty(dir_ + "/executor.log");

    auto plan = store_->journal().GetPlan(tenant_, plan_id);
    ASSERT_TRUE(plan) << plan.error().ToString();
    ASSERT_TRUE(plan->state == store::PlanState::kDone ||
                plan->state == store::PlanState::kRolledBack)
        << "trial " << trial << " ended " << store::PlanStateName(plan->state);
    (plan->state == store::PlanState::kDone ? done : rolled_back) += 1;
    if (plan->state == store::PlanState::kDone) {
      replaced_instances.insert(target.InstanceId());
      done_replaced.insert(target.InstanceId());
    }

    // No second replacement: one instance at most carries the launch step's token.
    const std::string token =
        ClientTokenFor(IdempotencyKey(plan_id, 0, StepKind::kLaunch, "node/" + target.meta.name));
    int carrying = 0;
    for (const Ec2Instance& instance : AllInstances()) {
      // The sandbox forgets terminated instances after an (accelerated) hour: collect them now.
      if (instance.state == InstanceState::kTerminated ||
          instance.state == InstanceState::kShuttingDown) {
        terminated.insert(instance.instance_id);
      }
      auto tag = instance.tags.find(std::string(kStepTokenTag));
      if (tag == instance.tags.end() || tag->second != token) continue;
      ++carrying;
      // A rolled-back plan terminates its replacement when no drain had begun.
      if (plan->state == store::PlanState::kRolledBack)
        replaced_instances.insert(instance.instance_id);
    }
    if (plan->state == store::PlanState::kDone) {
      EXPECT_EQ(carrying, 1) << "trial " << trial;
    }
    EXPECT_LE(carrying, 1) << "trial " << trial;
    auto final_entries = store_->journal().ListPlanEntries(tenant_, plan_id);
    ASSERT_TRUE(final_entries);
    for (const auto& entry : *final_entries) {
      EXPECT_NE(entry.state, store::ActionState::kIntent) << entry.idempotency_key;
      EXPECT_NE(entry.state, store::ActionState::kStarted) << entry.idempotency_key;
    }
  }
  // The only terminated instances are the nodes the done plans replaced (and replacements of
  // rolled-back plans, which are in the set whatever their state: a kept one is not terminated).
  for (auto it = replaced_instances.begin(); it != replaced_instances.end();) {
    it = terminated.contains(*it) || done_replaced.contains(*it) ? std::next(it)
                                                                 : replaced_instances.erase(it);
  }
  EXPECT_EQ(terminated, replaced_instances);
  EXPECT_GE(min_healthy_.load(), kMinAvailable);
  // The kills landed at many points of the plan, not only before or after it.
  std::string spread;
  for (const auto& [steps_done, count] : kills_by_steps_done) {
    spread += std::to_string(steps_done) + " steps done: " + std::to_string(count) + " kills; ";
  }
  std::cout << "done " << done << ", rolled back " << rolled_back << "; " << spread << "\n";
  // Which points are reached depends on how fast the steps are (cordon to terminate can take
  // a few milliseconds in all); before the first step, mid-plan and after the end always are.
  EXPECT_GE(kills_by_steps_done.size(), 3u) << spread;
  int mid_plan_kills = 0;
  for (const auto& [steps_done, count] : kills_by_steps_done) {
    if (steps_done > 0 && steps_done < kReplaceNodeSteps) mid_plan_kills += count;
  }
  EXPECT_GT(mid_plan_kills, 0) << spread;
  EXPECT_EQ(done + rolled_back, kTrials);
}

}  // namespace
}  // namespace cloudoptim::testing
