// The Kubernetes client against the sandbox cluster (`cloudoptim sandbox`, a real HTTPS
// Kubernetes API server): every read and act path, every error case, the exec credential
// plugin, watch expiry, and `cloudoptim analyze` checked against the scenario and kubectl.
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "kube/cluster_cache.h"
#include "kube/cluster_connection.h"
#include "kube/kube_cluster_api.h"
#include "kube/kube_error.h"
#include "model/quantity.h"
#include "support/process.h"

namespace cloudoptim {
namespace {

using testing::ChildProcess;
using testing::CommandResult;
using ::testing::HasSubstr;
using testing::RunCommand;

constexpr char kAdminToken[] = "exec-1";  // also what the exec plugin prints first

// One sandbox for the whole suite (starting one is the slow part).
class Sandbox {
 public:
  Sandbox(std::vector<std::string> extra_flags, const std::string& name) {
    dir_ = testing::MakeTempDirectory("kube-client-" + name);
    kubeconfig_ = dir_ + "/kubeconfig";
    port_ = testing::FreeLoopbackPort();
    std::vector<std::string> argv = {
        CO_BINARY,          "sandbox",
        "--port",           std::to_string(port_),
        "--kubeconfig-out", kubeconfig_,
        "--admin-token",    kAdminToken,
        "--scenario",       std::string(CO_SOURCE_DIR) + "/scenarios/default.yaml"};
    argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
    process_ = ChildProcess::Start(argv, {}, dir_ + "/sandbox.log");
    for (int i = 0; i < 240 && !ready_ && process_.IsRunning(); ++i) {
      ready_ = testing::WaitForPort(port_, std::chrono::milliseconds(500));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (ready_ && !std::filesystem::exists(kubeconfig_) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~Sandbox() {
    process_.Stop();
    std::filesystem::remove_all(dir_);
  }
  bool ready() const { return ready_ && std::filesystem::exists(kubeconfig_); }
  const std::string& kubeconfig() const { return kubeconfig_; }
  const std::string& dir() const { return dir_; }
  int port() const { return port_; }

 private:
  std::string dir_, kubeconfig_;
  int port_ = 0;
  bool ready_ = false;
  ChildProcess process_;
};

class KubeClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sandbox_ = new Sandbox({}, "main"); }
  static void TearDownTestSuite() {
    delete sandbox_;
    sandbox_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(sandbox_->ready()) << testing::ReadFileOrEmpty(sandbox_->dir() + "/sandbox.log");
    api_ = Connect("");
  }

  std::unique_ptr<KubeClusterApi> Connect(const std::string& context,
                                          KubeRestOptions options = {}) {
    Result<ClusterConnection> c =
        LoadKubeconfig({.explicit_path = sandbox_->kubeconfig(), .context = context});
    EXPECT_TRUE(c.has_value()) << c.error().ToString();
    return std::make_unique<KubeClusterApi>(KubeRestClient::Create(*c, clock_, options));
  }

  ClusterConnection AdminConnection() {
    return *LoadKubeconfig({.explicit_path = sandbox_->kubeconfig()});
  }

  CommandResult Kubectl(std::vector<std::string> args) {
    args.insert(args.begin(), {"kubectl", "--kubeconfig", sandbox_->kubeconfig()});
    return RunCommand(args);
  }

  size_t KubectlCount(std::vector<std::string> args) {
    CommandResult r = Kubectl(args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    size_t lines = 0;
    for (char c : r.output) lines += c == '\n';
    return lines;
  }

  Pod FirstPodOf(const std::string& ns, const std::string& label_selector) {
    Snapshot s;
    EXPECT_TRUE(api_->List(ClusterResource::kPods,
                           {.namespace_name = ns, .label_selector = label_selector}, &s)
                    .has_value());
    EXPECT_FALSE(s.pods.empty()) << ns << " " << label_selector;
    return s.pods.empty() ? Pod{} : s.pods.front();
  }

  static Sandbox* sandbox_;
  SystemClock clock_;
  std::unique_ptr<KubeClusterApi> api_;
};
Sandbox* KubeClientTest::sandbox_ = nullptr;

TEST_F(KubeClientTest, ListsEveryResourceAsKubectlSeesIt) {
  Snapshot s;
  for (ClusterResource resource : AllClusterResources()) {
    Result<std::string> rv = api_->List(resource, {}, &s);
    if (!rv && rv.error().code == ErrorCode::kUnimplemented) continue;  // metrics absent
    ASSERT_TRUE(rv.has_value()) << ClusterResourceName(resource) << ": " << rv.error().ToString();
    const bool metrics = resource == ClusterResource::kNodeMetrics ||
                         resource == ClusterResource::kPodMetrics;  // carry no resourceVersion
    if (!metrics) {
      EXPECT_FALSE(rv->empty()) << ClusterResourceName(resource);
    }
  }
  EXPECT_EQ(s.nodes.size(), KubectlCount({"get", "nodes", "-o", "name"}));
  EXPECT_EQ(s.pods.size(), KubectlCount({"get", "pods", "-A", "-o", "name"}));
  EXPECT_EQ(s.namespaces.size(), KubectlCount({"get", "namespaces", "-o", "name"}));
  EXPECT_GT(s.workloads.size(), 10u);
  EXPECT_FALSE(s.disruption_budgets.empty());
  for (const Node& node : s.nodes) {
    EXPECT_GT(node.allocatable.cpu_millis, 0) << node.meta.name;
    EXPECT_FALSE(node.InstanceType().empty()) << node.meta.name;
  }
}

TEST_F(KubeClientTest, SmallPagesReturnTheSameObjects) {
  Snapshot one_page, many_pages;
  ASSERT_TRUE(api_->List(ClusterResource::kPods, {}, &one_page).has_value());
  ASSERT_TRUE(api_->List(ClusterResource::kPods, {.page_size = 7}, &many_pages).has_value());
  ASSERT_EQ(one_page.pods.size(), many_pages.pods.size());
  std::set<std::string> a, b;
  for (const Pod& p : one_page.pods) a.insert(p.meta.Key());
  for (const Pod& p : many_pages.pods) b.insert(p.meta.Key());
  EXPECT_EQ(a, b);
}

TEST_F(KubeClientTest, GetNodeAndPod) {
  Snapshot s;
  ASSERT_TRUE(api_->List(ClusterResource::kPods, {}, &s).has_value());
  const Pod& listed = s.pods.front();
  Result<Pod> pod = api_->GetPod(listed.meta.namespace_name, listed.meta.name);
  ASSERT_TRUE(pod.has_value()) << pod.error().ToString();
  EXPECT_EQ(pod->meta.uid, listed.meta.uid);
  Result<Node> missing = api_->GetNode("no-such-node");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(KubeClientTest, CordonDryRunThenForRealSeenByWatch) {
  Snapshot s;
  Result<std::string> rv = api_->List(ClusterResource::kNodes, {}, &s);
  ASSERT_TRUE(rv.has_value());
  const std::string node = s.nodes.back().meta.name;
  api_->set_watch_timeout_seconds(10);  // bounds the watch if the change never came
  ASSERT_TRUE(api_->SetUnschedulable(node, true, {.dry_run = true}).has_value());
  EXPECT_FALSE(api_->GetNode(node)->unschedulable);
  ASSERT_TRUE(api_->SetUnschedulable(node, true, {}).has_value());
  EXPECT_TRUE(api_->GetNode(node)->unschedulable);
  bool seen = false;
  Status watched = api_->Watch(
      ClusterResource::kNodes, *rv,
      [&](ClusterChange&& change) {
        if (change.type == WatchEventType::kModified &&
            std::get<Node>(change.object).meta.name == node &&
            std::get<Node>(change.object).unschedulable) {
          seen = true;
          return false;
        }
        return true;
      },
      nullptr);
  EXPECT_TRUE(watched.has_value()) << watched.error().ToString();
  EXPECT_TRUE(seen);
  ASSERT_TRUE(api_->SetUnschedulable(node, false, {}).has_value());
  EXPECT_FALSE(api_->GetNode(node)->unschedulable);
}

TEST_F(KubeClientTest, TaintAddAndRemove) {
  Snapshot s;
  ASSERT_TRUE(api_->List(ClusterResource::kNodes, {}, &s).has_value());
  const std::string node = s.nodes.front().meta.name;
  const size_t before = api_->GetNode(node)->taints.size();
  Taint taint{.key = "cloudoptim.io/test", .value = "yes", .effect = TaintEffect::kNoSchedule};
  ASSERT_TRUE(api_->SetTaint(node, taint, true, {}).has_value());
  Result<Node> tainted = api_->GetNode(node);
  ASSERT_EQ(tainted->taints.size(), before + 1);
  EXPECT_THAT(tainted->taints, ::testing::Contains(taint));
  ASSERT_TRUE(api_->SetTaint(node, taint, true, {}).has_value());  // idempotent
  EXPECT_EQ(api_->GetNode(node)->taints.size(), before + 1);
  ASSERT_TRUE(api_->SetTaint(node, taint, false, {}).has_value());
  EXPECT_EQ(api_->GetNode(node)->taints.size(), before);
}

TEST_F(KubeClientTest, LabelAndAnnotate) {
  Snapshot s;
  ASSERT_TRUE(api_->List(ClusterResource::kNodes, {}, &s).has_value());
  ObjectRef ref{.resource = ClusterResource::kNodes, .name = s.nodes.front().meta.name};
  ASSERT_TRUE(
      api_->PatchMetadata(ref, {{"cloudoptim.io/pool", "a"}}, {{"cloudoptim.io/note", "n"}}, {})
          .has_value());
  Result<Node> node = api_->GetNode(ref.name);
  EXPECT_EQ(*node->meta.Label("cloudoptim.io/pool"), "a");
  EXPECT_EQ(*node->meta.Annotation("cloudoptim.io/note"), "n");
  ASSERT_TRUE(api_->PatchMetadata(ref, {{"cloudoptim.io/pool", std::nullopt}}, {}, {}).has_value());
  EXPECT_EQ(api_->GetNode(ref.name)->meta.Label("cloudoptim.io/pool"), nullptr);
}

TEST_F(KubeClientTest, EvictionsAndPdbRefusal) {
  Snapshot s;
  ASSERT_TRUE(api_->List(ClusterResource::kPodDisruptionBudgets, {}, &s).has_value());
  ASSERT_TRUE(api_->List(ClusterResource::kPods, {}, &s).has_value());
  const Pod* blocked = nullptr;
  const Pod* free_pod = nullptr;
  for (const Pod& pod : s.pods) {
    if (pod.phase != PodPhase::kRunning || pod.IsDaemonSetPod()) continue;
    bool covered = false, refuses = false;
    for (const PodDisruptionBudget& b : s.disruption_budgets) {
      if (b.meta.namespace_name != pod.meta.namespace_name ||
          !b.selector.Matches(pod.meta.labels)) {
        continue;
      }
      covered = true;
      refuses = refuses || b.disruptions_allowed == 0;
    }
    if (refuses && blocked == nullptr) blocked = &pod;
    if (!covered && free_pod == nullptr) free_pod = &pod;
  }
  ASSERT_NE(blocked, nullptr) << "the default scenario has PDBs that allow no disruption";
  ASSERT_NE(free_pod, nullptr);
  Result<EvictionOutcome> refused =
      api_->Evict(blocked->meta.namespace_name, blocked->meta.name, {});
  ASSERT_TRUE(refused.has_value()) << refused.error().ToString();
  EXPECT_EQ(*refused, EvictionOutcome::kBlockedByDisruptionBudget);

  Result<EvictionOutcome> dry =
      api_->Evict(free_pod->meta.namespace_name, free_pod->meta.name, {.dry_run = true});
  ASSERT_TRUE(dry.has_value()) << dry.error().ToString();
  EXPECT_EQ(*dry, EvictionOutcome::kEvicted);
  EXPECT_TRUE(api_->GetPod(free_pod->meta.namespace_name, free_pod->meta.name).has_value());
  EXPECT_EQ(*api_->Evict(free_pod->meta.namespace_name, free_pod->meta.name, {}),
            EvictionOutcome::kEvicted);
  EXPECT_EQ(*api_->Evict("default", "no-such-pod", {}), EvictionOutcome::kPodNotFound);
}

TEST_F(KubeClientTest, DeletePod) {
  Snapshot s;
  ASSERT_TRUE(api_->List(ClusterResource::kPods, {}, &s).has_value());
  const Pod& pod = s.pods.back();
  ASSERT_TRUE(
      api_->DeletePod(pod.meta.namespace_name, pod.meta.name, {.dry_run = true}).has_value());
  EXPECT_TRUE(api_->GetPod(pod.meta.namespace_name, pod.meta.name).has_value());
  ASSERT_TRUE(api_->DeletePod(pod.meta.namespace_name, pod.meta.name, {}).has_value());
  Result<Pod> gone = api_->GetPod(pod.meta.namespace_name, pod.meta.name);
  if (gone) {
    EXPECT_TRUE(gone->meta.deletion_timestamp.has_value());  // graceful deletion
  }
  Status again = api_->DeletePod("default", "no-such-pod", {});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
}

TEST_F(KubeClientTest, ScaleAndPatchResourcesOfADeployment) {
  Snapshot s;
  ASSERT_TRUE(api_->List(ClusterResource::kDeployments, {}, &s).has_value());
  ASSERT_FALSE(s.workloads.empty());
  const Workload& w = s.workloads.front();
  ASSERT_TRUE(
      api_->Scale(w.kind, w.meta.namespace_name, w.meta.name, 5, {.dry_run = true}).has_value());
  ASSERT_TRUE(api_->Scale(w.kind, w.meta.namespace_name, w.meta.name, 4, {}).has_value());
  const std::string& container = w.pod_template.containers.front().name;
  ContainerResources resources;
  resources.requests = {.cpu_millis = 123, .memory_bytes = 77ll << 20};
  ASSERT_TRUE(api_->PatchContainerResources(w.kind, w.meta.namespace_name, w.meta.name, container,
                                            resources, {})
                  .has_value());
  Snapshot after;
  ASSERT_TRUE(
      api_->List(ClusterResource::kDeployments, {.namespace_name = w.meta.namespace_name}, &after)
          .has_value());
  bool checked = false;
  for (const Workload& a : after.workloads) {
    if (a.meta.name != w.meta.name) continue;
    EXPECT_EQ(a.replicas, 4);
    EXPECT_EQ(a.pod_template.containers.front().resources.requests.cpu_millis, 123);
    EXPECT_EQ(a.pod_template.containers.front().resources.requests.memory_bytes, 77ll << 20);
    checked = true;
  }
  EXPECT_TRUE(checked);
}

TEST_F(KubeClientTest, BadTokenIsUnauthenticated) {
  ClusterConnection c = AdminConnection();
  c.token = "wrong-token";
  KubeClusterApi api(KubeRestClient::Create(c, clock_));
  Snapshot s;
  Result<std::string> rv = api.List(ClusterResource::kNodes, {}, &s);
  ASSERT_FALSE(rv.has_value());
  EXPECT_EQ(rv.error().code, ErrorCode::kUnauthenticated);
  EXPECT_THAT(rv.error().message, HasSubstr("token is invalid or expired"));
}

TEST_F(KubeClientTest, WrongCaIsExplained) {
  ClusterConnection c = AdminConnection();
  c.ca_pem.clear();  // the system store does not know the sandbox's CA
  KubeClusterApi api(KubeRestClient::Create(c, clock_));
  Result<Node> node = api.GetNode("x");
  ASSERT_FALSE(node.has_value());
  EXPECT_THAT(node.error().message, HasSubstr("certificate-authority"));
}

TEST_F(KubeClientTest, ForbiddenResourceNamesThePermission) {
  auto viewer = Connect("cloudoptim-sandbox-viewer");
  Snapshot s;
  ASSERT_TRUE(viewer->List(ClusterResource::kPods, {}, &s).has_value());  // allowed
  Result<std::string> rv = viewer->List(ClusterResource::kNodes, {}, &s);
  ASSERT_FALSE(rv.has_value());
  EXPECT_EQ(rv.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(rv.error().message, HasSubstr("grant RBAC verb \"list\" on resource \"nodes\""));
}

TEST_F(KubeClientTest, ServerDownNamesTheUrl) {
  int port = testing::FreeLoopbackPort();
  ClusterConnection c = DirectConnection("https://127.0.0.1:" + std::to_string(port), "t", "");
  KubeRestOptions options;
  options.retry = {.max_attempts = 2, .initial_backoff = std::chrono::milliseconds(10)};
  KubeClusterApi api(KubeRestClient::Create(c, clock_, options));
  Snapshot s;
  Result<std::string> rv = api.List(ClusterResource::kNodes, {}, &s);
  ASSERT_FALSE(rv.has_value());
  EXPECT_EQ(rv.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(rv.error().message, HasSubstr("127.0.0.1:" + std::to_string(port)));
  EXPECT_THAT(rv.error().message, HasSubstr("unreachable"));
}

TEST_F(KubeClientTest, ExecPluginProducesTheToken) {
  ClusterConnection admin = AdminConnection();
  const std::string count_file = sandbox_->dir() + "/exec-count";
  std::filesystem::remove(count_file);
  const std::string path = sandbox_->dir() + "/exec.kubeconfig";
  std::ofstream(path)
      << "apiVersion: v1\nkind: Config\ncurrent-context: exec\n"
      << "clusters:\n- name: c\n  cluster:\n    server: " << admin.server
      << "\n    certificate-authority-data: " << EncodeBase64(admin.ca_pem)
      << "\nusers:\n- name: u\n  user:\n    exec:\n"
      << "      apiVersion: client.authentication.k8s.io/v1beta1\n"
      << "      command: " << CO_SOURCE_DIR << "/testdata/kube/exec-credential-plugin.sh\n"
      << "      env:\n      - {name: COUNT_FILE, value: " << count_file << "}\n"
      << "      - {name: TOKEN_PREFIX, value: exec}\n"
      << "      - {name: API_VERSION, value: client.authentication.k8s.io/v1beta1}\n"
      << "      interactiveMode: Never\n"
      << "contexts:\n- name: exec\n  context: {cluster: c, user: u}\n";
  Result<ClusterConnection> c = LoadKubeconfig({.explicit_path = path});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  KubeClusterApi api(KubeRestClient::Create(*c, clock_));
  Snapshot s;
  Result<std::string> rv = api.List(ClusterResource::kNodes, {}, &s);
  ASSERT_TRUE(rv.has_value()) << rv.error().ToString();
  EXPECT_FALSE(s.nodes.empty());
  EXPECT_EQ(testing::ReadFileOrEmpty(count_file), "1\n");  // ran once, token cached
}

TEST_F(KubeClientTest, ClusterCacheFollowsChanges) {
  ClusterCache cache(*api_, clock_,
                     {.resources = {ClusterResource::kNodes, ClusterResource::kPods}});
  ASSERT_TRUE(cache.Sync().has_value());
  const std::string node = cache.snapshot().nodes.front().meta.name;
  cache.Start();
  ASSERT_TRUE(api_->PatchMetadata({.resource = ClusterResource::kNodes, .name = node},
                                  {{"cloudoptim.io/cache-test", "1"}}, {}, {})
                  .has_value());
  // The cache's watch thread applies the change whenever it is scheduled: wait for it (up to
  // 120 s for a loaded machine), never for a fixed time.
  bool seen = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (const Node& n : cache.snapshot().nodes) {
      seen = seen || (n.meta.name == node && n.meta.Label("cloudoptim.io/cache-test") != nullptr);
    }
  }
  cache.Stop();
  EXPECT_TRUE(seen);
}

// The analyze report against the scenario: node count from its node groups, prices from the
// catalogue for the types kubectl shows, requests summed from kubectl's pod list.
TEST_F(KubeClientTest, AnalyzeReportMatchesTheScenario) {
  CommandResult result =
      RunCommand({CO_BINARY, "analyze", "--kubeconfig", sandbox_->kubeconfig(), "-o", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  size_t start = result.output.find("{\n");
  ASSERT_NE(start, std::string::npos) << result.output;
  nlohmann::json report = nlohmann::json::parse(result.output.substr(start));

  YAML::Node scenario = YAML::LoadFile(std::string(CO_SOURCE_DIR) + "/scenarios/default.yaml");
  int scenario_nodes = 0;
  for (const YAML::Node& group : scenario["nodeGroups"]) scenario_nodes += group["count"].as<int>();
  nlohmann::json nodes = nlohmann::json::parse(Kubectl({"get", "nodes", "-o", "json"}).output);
  ASSERT_EQ(report["node_count"].get<int>(), static_cast<int>(nodes["items"].size()));
  EXPECT_GE(report["node_count"].get<int>(), scenario_nodes);
  EXPECT_EQ(report["region"], scenario["cluster"]["region"].as<std::string>());

  Result<Catalog> catalog = Catalog::Load(DefaultDataDirectory());
  ASSERT_TRUE(catalog.has_value());
  Money expected_hourly;
  for (const auto& node : nodes["items"]) {
    const auto& labels = node["metadata"]["labels"];
    std::string type = labels.value("node.kubernetes.io/instance-type", "");
    bool spot = labels.value("karpenter.sh/capacity-type", "") == "spot" ||
                labels.value("eks.amazonaws.com/capacityType", "") == "SPOT";
    Result<Money> price = spot ? catalog->SpotPriceEstimate("us-east-1", type)
                               : catalog->OnDemandPrice("us-east-1", type);
    if (price) expected_hourly += *price;
  }
  EXPECT_NEAR(report["usd_per_hour"].get<double>(), expected_hourly.usd(), 1e-6);
  EXPECT_NEAR(report["usd_per_month"].get<double>(), expected_hourly.PerHourToMonthly().usd(),
              1e-4);

  int64_t cpu_allocatable = 0;
  for (const auto& node : nodes["items"]) {
    cpu_allocatable +=
        Quantity::Parse(node["status"]["allocatable"]["cpu"].get<std::string>())->MilliValue();
  }
  EXPECT_EQ(report["capacity"]["cpu_allocatable_millis"].get<int64_t>(), cpu_allocatable);
  EXPECT_GT(report["capacity"]["cpu_requested_millis"].get<int64_t>(), 0);
  EXPECT_GT(report["idle_usd_per_hour"].get<double>(), 0);
  EXPECT_LT(report["idle_usd_per_hour"].get<double>(), report["usd_per_hour"].get<double>());
  if (report["capacity"]["usage_known"].get<bool>()) {
    EXPECT_FALSE(report["over_provisioned"].empty());
  }
  EXPECT_THAT(result.output, ::testing::ContainsRegex("listed [0-9]+ pods"));  // progress

  // The savings section: every engine reported in run order; the scenario's idle nodes are
  // something bin-pack must find.
  const nlohmann::json& savings = report["savings"];
  ASSERT_EQ(savings.size(), 3u) << savings.dump();
  EXPECT_EQ(savings[0]["engine"], "spot-optimize");
  EXPECT_EQ(savings[1]["engine"], "bin-pack");
  EXPECT_EQ(savings[2]["engine"], "rightsize");
  EXPECT_GE(savings[1]["recommendations"].get<int>(), 1) << savings.dump();
  EXPECT_GT(std::stod(savings[1]["monthly_savings_usd"].get<std::string>()), 0.0);

  // The repack what-if: every node priced on demand today; the same pods packed from scratch
  // (thorough search) cost less on a cluster with idle nodes, and never less than the floor.
  const nlohmann::json& repack = report["repack"];
  Money on_demand_hourly;
  for (const auto& node : nodes["items"]) {
    std::string type = node["metadata"]["labels"].value("node.kubernetes.io/instance-type", "");
    if (Result<Money> price = catalog->OnDemandPrice("us-east-1", type)) on_demand_hourly += *price;
  }
  EXPECT_EQ(repack["current_usd_per_month"].get<std::string>(),
            on_demand_hourly.PerHourToMonthly().ToDecimalString(2));
  EXPECT_GT(repack["pods"].get<int>(), 0) << repack.dump();
  EXPECT_EQ(repack["search_steps_per_pod"].get<int>(), 4000);
  const double repacked = std::stod(repack["repacked_usd_per_month"].get<std::string>());
  EXPECT_LT(repacked, std::stod(repack["current_usd_per_month"].get<std::string>()));
  EXPECT_LE(std::stod(repack["lower_bound_usd_per_month"].get<std::string>()), repacked);
  EXPECT_FALSE(repack["new_node_types"].empty());

  CommandResult table = RunCommand({CO_BINARY, "analyze", "--kubeconfig", sandbox_->kubeconfig()});
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_THAT(table.output, HasSubstr("INSTANCE TYPE"));
  EXPECT_THAT(table.output, HasSubstr("SAVINGS THE ENGINES FOUND"));
  EXPECT_THAT(table.output, HasSubstr("THE SAME PODS PACKED FROM SCRATCH"));
  EXPECT_THAT(table.output, HasSubstr("proven floor"));
  CommandResult markdown =
      RunCommand({CO_BINARY, "analyze", "--kubeconfig", sandbox_->kubeconfig(), "-o", "markdown"});
  EXPECT_THAT(markdown.output, HasSubstr("| INSTANCE TYPE"));
  CommandResult bad = RunCommand({CO_BINARY, "analyze", "--kubeconfig", "/nonexistent"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, HasSubstr("/nonexistent"));
}

// Watch expiry over real HTTP. The sandbox keeps 50,000 events for watches, too many to churn
// through in a test, so a small local API server plays the part: it lists nodes at version 50
// and answers any watch with the API server's 410 Expired ERROR event.
TEST(KubeClientExpiryTest, WatchFromExpiredVersionGetsGoneAndTheCacheRelists) {
  httplib::Server server;
  std::atomic<int> lists{0};
  server.Get("/api/v1/nodes", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("watch")) {
      res.set_content(
          R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 7 (40)","reason":"Expired","code":410}})json"
          "\n",
          "application/json");
      return;
    }
    ++lists;
    res.set_content(
        R"({"kind":"NodeList","metadata":{"resourceVersion":"50"},"items":[{"metadata":{"name":"n1"}}]})",
        "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  ASSERT_TRUE(testing::WaitForPort(port, std::chrono::seconds(60)));
  SystemClock clock;
  KubeClusterApi api(KubeRestClient::Create(
      DirectConnection("http://127.0.0.1:" + std::to_string(port), "t", ""), clock));
  Status watched = api.Watch(
      ClusterResource::kNodes, "7", [](ClusterChange&&) { return true; }, nullptr);
  ASSERT_FALSE(watched.has_value());
  EXPECT_TRUE(IsResourceExpired(watched.error())) << watched.error().ToString();

  ClusterCache cache(api, clock, {.resources = {ClusterResource::kNodes}});
  ASSERT_TRUE(cache.Sync().has_value());
  cache.Apply(ClusterChange{.resource = ClusterResource::kNodes,
                            .type = WatchEventType::kBookmark,
                            .object = Node{},
                            .resource_version = "7"});
  ASSERT_TRUE(cache.WatchOnce(ClusterResource::kNodes, nullptr).has_value());
  EXPECT_EQ(lists.load(), 2);  // listed again after the 410
  EXPECT_EQ(cache.resource_version(ClusterResource::kNodes), "50");
  EXPECT_EQ(cache.snapshot().nodes.size(), 1u);
  server.stop();
  serving.join();
}

}  // namespace
}  // namespace cloudoptim
