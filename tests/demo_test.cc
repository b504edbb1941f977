// End to end: `cloudoptim demo --headless` starts the sandbox and the control plane, onboards
// the sandbox through the API, and the API then lists recommendations with dollar savings;
// another tenant sees none of it; SIGINT stops everything with exit code 0. A spot
// interruption injected through the sandbox reaches the control plane's interruption handler
// through the cluster's queue: observed in recommend-only, the node cordoned in approve mode.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/curl_http_client.h"
#include "store/open_store.h"
#include "support/process.h"

namespace cloudoptim {
namespace {

using ::cloudoptim::testing::ChildProcess;
using ::cloudoptim::testing::FreeLoopbackPort;
using ::cloudoptim::testing::MakeTempDirectory;
using ::cloudoptim::testing::ReadFileOrEmpty;
using ::cloudoptim::testing::WaitForPort;
using Json = nlohmann::json;

// The key=value lines the demo prints once ready, or an empty map while it is not.
std::map<std::string, std::string> ReadyLines(const std::string& log) {
  std::map<std::string, std::string> values = ::cloudoptim::testing::ParseKeyValueLines(log);
  if (values["ready"] != "1") return {};
  return values;
}

struct Reply {
  int status = 0;
  Json body;
};

Reply Get(CurlHttpClient& http, const std::string& url, const std::string& key) {
  Result<HttpResponse> response =
      http.Send({.url = url, .headers = {{"Authorization", "Bearer " + key}}});
  if (!response) return {};
  return {response->status, Json::parse(response->body, nullptr, false)};
}

TEST(DemoTest, HeadlessDemoServesRecommendationsWithSavingsToItsTenantOnly) {
  std::string dir = MakeTempDirectory("co-demo-test");
  std::string log = dir + "/demo.log";
  ChildProcess demo = ChildProcess::Start({CO_BINARY, "demo", "--headless", "--port",
                                           std::to_string(FreeLoopbackPort()), "--data-dir", dir},
                                          {}, log);
  std::map<std::string, std::string> ready;
  // Generous bounds: the test waits for what happens, it does not time it.
  for (int i = 0; i < 1800 && ready.empty() && demo.IsRunning(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ready = ReadyLines(ReadFileOrEmpty(log));
  }
  ASSERT_FALSE(ready.empty()) << ReadFileOrEmpty(log);
  const std::string api = ready["api_url"];
  const std::string key = ready["api_key"];
  const std::string cluster_id = ready["cluster_id"];
  ASSERT_THAT(api, ::testing::StartsWith("http://127.0.0.1:"));
  ASSERT_FALSE(key.empty());

  // The client's kept-alive connections end before the demo is stopped.
  auto http_owner = std::make_unique<CurlHttpClient>();
  CurlHttpClient& http = *http_owner;
  Reply recommendations;
  for (int i = 0; i < 1800; ++i) {  // at least 3 minutes, for a loaded machine
    recommendations = Get(http, api + "/api/v1/recommendations?cluster_id=" + cluster_id, key);
    if (recommendations.status == 200 && recommendations.body.value("count", 0) > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(recommendations.status, 200) << ReadFileOrEmpty(log);
  ASSERT_GT(recommendations.body.value("count", 0), 0) << recommendations.body.dump();
  EXPECT_GT(std::stod(recommendations.body["total_monthly_savings_usd"].get<std::string>()), 0.0);
  const Json& first = recommendations.body["recommendations"][0];
  EXPECT_GT(std::stod(first["monthly_savings_usd"].get<std::string>()), 0.0);
  EXPECT_FALSE(first["explanation"].get<std::string>().empty());

  Reply clusters = Get(http, api + "/api/v1/admin/clusters", key);
  ASSERT_EQ(clusters.status, 200);
  ASSERT_EQ(clusters.body["clusters"].size(), 1u);
  EXPECT_EQ(clusters.body["clusters"][0]["loop"]["last_error"], Json()) << clusters.body.dump();

  // Another tenant, made in the same store the demo uses, sees nothing of the demo's.
  store::StoreOptions options;
  options.secret_box = store::SecretBox::FromFile(dir + "/master.key").value();
  std::unique_ptr<store::Store> db =
      store::OpenStore("sqlite://" + dir + "/cloudoptim.db", std::move(options)).value();
  store::Tenant other = db->tenants().CreateTenant("other").value();
  std::string other_key =
      db->tenants().CreateApiKey(other.id, store::Role::kAdmin, "isolation").value().plaintext;
  // Filtering by the demo's cluster: refused as unknown, or an empty list; never its rows.
  Reply theirs = Get(http, api + "/api/v1/recommendations?cluster_id=" + cluster_id, other_key);
  EXPECT_TRUE(theirs.status == 404 || theirs.body.value("count", -1) == 0) << theirs.body.dump();
  EXPECT_EQ(theirs.body.dump().find(first["id"].get<std::string>()), std::string::npos);
  EXPECT_EQ(Get(http, api + "/api/v1/recommendations", other_key).body.value("count", -1), 0);
  EXPECT_EQ(Get(http, api + "/api/v1/clusters/" + cluster_id, other_key).status, 404);
  EXPECT_EQ(Get(http, api + "/api/v1/admin/clusters", other_key).body["clusters"].size(), 0u);
  db.reset();
  http_owner.reset();

  demo.Signal(SIGINT);
  EXPECT_EQ(demo.Wait(std::chrono::seconds(60)), 0) << ReadFileOrEmpty(log);
  std::filesystem::remove_all(dir);
}

struct RunningDemo {
  std::string dir;
  std::string log;
  ChildProcess process;
  std::map<std::string, std::string> ready;  // empty when it never became ready
};

RunningDemo StartDemo(const std::string& prefix) {
  std::string dir = MakeTempDirectory(prefix);
  std::string log = dir + "/demo.log";
  ChildProcess process =
      ChildProcess::Start({CO_BINARY, "demo", "--headless", "--port",
                           std::to_string(FreeLoopbackPort()), "--data-dir", dir},
                          {}, log);
  std::map<std::string, std::string> ready;
  for (int i = 0; i < 1800 && ready.empty() && process.IsRunning(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ready = ReadyLines(ReadFileOrEmpty(log));
  }
  return {dir, log, std::move(process), ready};
}

::cloudoptim::testing::CommandResult Kubectl(const std::string& kubeconfig,
                                             std::vector<std::string> args) {
  args.insert(args.begin(), {"kubectl", "--kubeconfig", kubeconfig});
  return ::cloudoptim::testing::RunCommand(args);
}

Reply Send(CurlHttpClient& http, const std::string& method, const std::string& url,
           const std::string& key, const std::string& body) {
  Result<HttpResponse> response = http.Send(
      {.method = method,
       .url = url,
       .headers = {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}},
       .body = body});
  if (!response) return {};
  return {response->status, Json::parse(response->body, nullptr, false)};
}

// Polls the sandbox through kubectl until `node` is unschedulable, up to `attempts` x 200 ms.
bool WaitForCordon(const std::string& kubeconfig, const std::string& node, int attempts) {
  for (int i = 0; i < attempts; ++i) {
    ::cloudoptim::testing::CommandResult result =
        ::cloudoptim::testing::RunCommand({"kubectl", "--kubeconfig", kubeconfig, "get", "node",
                                           node, "-o", "jsonpath={.spec.unschedulable}"});
    if (result.exit_code == 0 && result.output.find("true") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

// Recommend-only (the default) only observes an interruption: feedback and an audit entry of
// what would have been done, the node untouched. In approve mode the next one is acted on.
TEST(DemoTest, ASpotInterruptionIsObservedInRecommendOnlyAndCordonedInApproveMode) {
  RunningDemo demo = StartDemo("co-demo-interrupt-test");
  ASSERT_FALSE(demo.ready.empty()) << ReadFileOrEmpty(demo.log);
  const std::string kubeconfig = demo.ready["kubeconfig"];
  // The handler starts on the execution worker's next pass after onboarding (at least 3
  // minutes of patience: a loaded machine can delay the worker's passes).
  for (int i = 0; i < 1800; ++i) {
    if (ReadFileOrEmpty(demo.log).find("interruption handler started") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_THAT(ReadFileOrEmpty(demo.log), ::testing::HasSubstr("interruption handler started"));

  // Only spot instances get an EventBridge warning on the queue.
  ::cloudoptim::testing::CommandResult spot =
      Kubectl(kubeconfig, {"get", "nodes", "-l", "eks.amazonaws.com/capacityType=SPOT", "-o",
                           "jsonpath={.items[*].metadata.name}"});
  ASSERT_EQ(spot.exit_code, 0) << spot.output;
  std::istringstream names(spot.output);
  std::string observed_node, node;
  names >> observed_node >> node;
  ASSERT_FALSE(node.empty()) << "the demo needs two spot nodes: " << spot.output;
  std::string empty_body = demo.dir + "/empty.json";
  { std::ofstream(empty_body) << "{}"; }
  auto interrupt = [&](const std::string& name) {
    return Kubectl(kubeconfig,
                   {"create", "--raw", "/sandbox/v1/interrupt?node=" + name, "-f", empty_body});
  };
  auto http_owner = std::make_unique<CurlHttpClient>();
  const std::string api = demo.ready["api_url"];
  const std::string key = demo.ready["api_key"];

  ASSERT_EQ(interrupt(observed_node).exit_code, 0);
  bool observed = false;
  for (int i = 0; i < 1800 && !observed; ++i) {
    std::string audit = Get(*http_owner, api + "/api/v1/audit", key).body.dump();
    observed = audit.find("interruption.observe") != std::string::npos &&
               audit.find(observed_node) != std::string::npos;
    if (!observed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(observed) << ReadFileOrEmpty(demo.log);
  EXPECT_FALSE(WaitForCordon(kubeconfig, observed_node, 1)) << "recommend-only cordoned a node";

  const std::string cluster = api + "/api/v1/clusters/" + demo.ready["cluster_id"];
  ASSERT_EQ(Send(*http_owner, "PUT", cluster + "/settings", key, R"({"mode":"approve"})").status,
            200);
  ASSERT_FALSE(WaitForCordon(kubeconfig, node, 1)) << "cordoned before the interruption";
  ASSERT_EQ(interrupt(node).exit_code, 0);
  EXPECT_TRUE(WaitForCordon(kubeconfig, node, 900)) << ReadFileOrEmpty(demo.log);
  bool audited = false;
  bool journaled = false;
  for (int i = 0; i < 1800 && !(audited && journaled); ++i) {
    std::string audit = Get(*http_owner, api + "/api/v1/audit", key).body.dump();
    audited = audit.find("interruption-handler") != std::string::npos &&
              audit.find(node) != std::string::npos;
    std::string actions =
        Get(*http_owner, api + "/api/v1/actions?cluster_id=" + demo.ready["cluster_id"], key)
            .body.dump();
    journaled = actions.find("\"cordon\"") != std::string::npos &&
                actions.find("node/" + node) != std::string::npos;
    if (!(audited && journaled)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(audited) << ReadFileOrEmpty(demo.log);
  EXPECT_TRUE(journaled) << ReadFileOrEmpty(demo.log);
  http_owner.reset();

  demo.process.Signal(SIGINT);
  EXPECT_EQ(demo.process.Wait(std::chrono::seconds(60)), 0) << ReadFileOrEmpty(demo.log);
  std::filesystem::remove_all(demo.dir);
}

// Recommend-only (the default) changes nothing; in approve mode an approved bin-pack
// recommendation (drain, then terminate the node) is executed by the core's executor.
TEST(DemoTest, InApproveModeAnApprovedRecommendationIsExecuted) {
  RunningDemo demo = StartDemo("co-demo-approve-test");
  ASSERT_FALSE(demo.ready.empty()) << ReadFileOrEmpty(demo.log);
  const std::string api = demo.ready["api_url"];
  const std::string key = demo.ready["api_key"];
  const std::string cluster = api + "/api/v1/clusters/" + demo.ready["cluster_id"];
  auto http_owner = std::make_unique<CurlHttpClient>();
  CurlHttpClient& http = *http_owner;
  Reply recommendations =
      Get(http,
          api + "/api/v1/recommendations?engine=bin-pack&cluster_id=" + demo.ready["cluster_id"] +
              "&limit=100",
          key);
  ASSERT_EQ(recommendations.status, 200) << recommendations.body.dump();
  std::string rec_id;
  std::string node;
  for (const Json& rec : recommendations.body["recommendations"]) {
    const Json& actions = rec["actions"];
    if (actions.size() == 2 && actions[0]["type"] == "drain-node" &&
        actions[1]["type"] == "terminate-node") {
      rec_id = rec["id"].get<std::string>();
      node = actions[0]["target"].get<std::string>().substr(std::string("node/").size());
      break;
    }
  }
  ASSERT_FALSE(rec_id.empty()) << recommendations.body.dump();
  std::string encoded;
  for (char c : rec_id) encoded += c == '/' ? std::string("%2F") : std::string(1, c);

  ASSERT_EQ(
      Send(http, "POST", cluster + "/recommendations/" + encoded + "/approve", key, "{}").status,
      200);
  // Still recommend-only: two worker passes later nothing has run.
  std::this_thread::sleep_for(std::chrono::seconds(11));
  EXPECT_EQ(Kubectl(demo.ready["kubeconfig"], {"get", "node", node}).exit_code, 0);
  EXPECT_EQ(Get(http, api + "/api/v1/audit", key).body.dump().find("plan.create"),
            std::string::npos);

  ASSERT_EQ(Send(http, "PUT", cluster + "/settings", key, R"({"mode":"approve"})").status, 200);
  bool gone = false;
  for (int i = 0; i < 900 && !gone; ++i) {  // at least 3 minutes
    gone = Kubectl(demo.ready["kubeconfig"], {"get", "node", node}).exit_code != 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(gone) << ReadFileOrEmpty(demo.log);
  std::string audit = Get(http, api + "/api/v1/audit", key).body.dump();
  EXPECT_THAT(audit, ::testing::HasSubstr("plan.done")) << audit;
  http_owner.reset();

  demo.process.Signal(SIGINT);
  EXPECT_EQ(demo.process.Wait(std::chrono::seconds(60)), 0) << ReadFileOrEmpty(demo.log);
  std::filesystem::remove_all(demo.dir);
}

TEST(DemoTest, WithARemoteMlServerTheEnginesRunThereAndStillFindSavings) {
  std::string dir = MakeTempDirectory("co-demo-ml-test");
  int ml_port = FreeLoopbackPort();
  ChildProcess ml = ChildProcess::Start({CO_BINARY, "ml-server", "--port", std::to_string(ml_port)},
                                        {}, dir + "/ml.log");
  ASSERT_TRUE(WaitForPort(ml_port, std::chrono::seconds(120))) << ReadFileOrEmpty(dir + "/ml.log");
  std::string ml_url = "http://127.0.0.1:" + std::to_string(ml_port);
  std::string log = dir + "/demo.log";
  ChildProcess demo = ChildProcess::Start(
      {CO_BINARY, "demo", "--headless", "--port", std::to_string(FreeLoopbackPort()), "--data-dir",
       dir, "--ml-server-url", ml_url},
      {}, log);
  std::map<std::string, std::string> ready;
  for (int i = 0; i < 1800 && ready.empty() && demo.IsRunning(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ready = ReadyLines(ReadFileOrEmpty(log));
  }
  ASSERT_FALSE(ready.empty()) << ReadFileOrEmpty(log);
  // The first cycle ran on the ML server (the trigger answered after it).
  EXPECT_GT(std::stoi(ready["recommendations"]), 0) << ReadFileOrEmpty(log);
  EXPECT_GT(std::stod(ready["monthly_savings_usd"]), 0.0);
  {
    CurlHttpClient http;
    Reply health = Get(http, ready["api_url"] + "/api/v1/ml/health", ready["api_key"]);
    EXPECT_EQ(health.status, 200) << health.body.dump();
    EXPECT_EQ(health.body.value("mode", ""), "remote");
    EXPECT_EQ(health.body.value("url", ""), ml_url);
  }
  demo.Signal(SIGINT);
  EXPECT_EQ(demo.Wait(std::chrono::seconds(60)), 0) << ReadFileOrEmpty(log);
  EXPECT_THAT(ReadFileOrEmpty(dir + "/ml.log"),
              ::testing::HasSubstr("/api/v1/ml/decision/bin-pack"));
  ml.Signal(SIGTERM);
  EXPECT_EQ(ml.Wait(std::chrono::seconds(60)), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cloudoptim
