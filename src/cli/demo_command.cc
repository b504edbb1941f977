// `cloudoptim demo`: the product end to end on one machine. Starts the sandbox EKS cluster
// and its simulated AWS account, then the control plane on SQLite; creates a tenant and an
// admin API key; onboards the sandbox through POST /api/v1/customer/onboard exactly as a
// customer would (its kubeconfig, region, AWS endpoint and queue URL); triggers the first
// engine cycle through the API and prints where to look. Runs until SIGINT/SIGTERM.
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/demo_sandbox.h"
#include "controlplane/control_plane_config.h"
#include "controlplane/control_plane_log.h"
#include "controlplane/control_plane_service.h"
#include "net/curl_http_client.h"

namespace cloudoptim::cli {
namespace {

using namespace cloudoptim::controlplane;
using Json = nlohmann::json;

struct DemoFlags {
  std::string scenario;
  int port = 8000;
  std::string data_dir;
  bool headless = false;
  std::string interval = "1m";
  std::string ml_server_url;  // empty: engines in process
};

// The master key sealing the sandbox's kubeconfig; kept in the data dir so a second run on
// the same --data-dir can still read what the first stored.
Result<store::SecretBox> DemoMasterKey(const std::string& data_dir) {
  std::string path = (std::filesystem::path(data_dir) / "master.key").string();
  if (!std::filesystem::exists(path)) {
    CO_ASSIGN_OR_RETURN(std::string key, store::SecretBox::GenerateKeyHex());
    std::ofstream(path, std::ios::trunc) << key << "\n";
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  return store::SecretBox::FromFile(path);
}

Result<store::Tenant> DemoTenant(store::Store& store) {
  Result<store::Tenant> created = store.tenants().CreateTenant("demo");
  if (created || !IsAlreadyExists(created.error())) return created;
  CO_ASSIGN_OR_RETURN(std::vector<store::Tenant> tenants, store.tenants().ListTenants());
  for (const store::Tenant& t : tenants) {
    if (t.name == "demo") return t;
  }
  return NotFound("tenant demo");
}

Result<Json> CallApi(HttpClient& http, const std::string& method, const std::string& url,
                     const std::string& key, const Json& body) {
  HttpRequest request{
      .method = method,
      .url = url,
      .headers = {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}},
      .body = body.is_null() ? "" : body.dump(),
      .timeout = std::chrono::seconds(120)};
  CO_ASSIGN_OR_RETURN(HttpResponse response, http.Send(request));
  if (!response.ok()) return std::unexpected(ErrorFromHttpStatus(request, response));
  Json parsed = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Internal("not JSON from " + url);
  return parsed;
}

// The customer's path: the onboarding API with the sandbox's kubeconfig and AWS settings.
Result<std::string> OnboardSandbox(HttpClient& http, const std::string& api_url,
                                   const std::string& key, const DemoSandbox& sandbox) {
  std::ifstream in(sandbox.kubeconfig_path());
  std::string kubeconfig((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Json body = {{"name", "sandbox"},
               {"region", sandbox.region()},
               {"kubeconfig", kubeconfig},
               {"aws_endpoint", sandbox.aws_url()},
               {"queue_url", sandbox.queue_url()}};
  CO_ASSIGN_OR_RETURN(Json reply,
                      CallApi(http, "POST", api_url + "/api/v1/customer/onboard", key, body));
  if (!reply.contains("cluster") || !reply["cluster"].contains("id")) {
    return Internal("onboard: no cluster id in the reply");
  }
  return reply["cluster"]["id"].get<std::string>();
}

// Onboarding wakes the cluster's loop, which may be running its first cycle already: the
// API answers 409 then, and the trigger is repeated once that cycle is done.
Result<Json> TriggerCycle(HttpClient& http, const std::string& api_url, const std::string& key,
                          const std::string& cluster_id) {
  for (int attempt = 0;; ++attempt) {
    Result<Json> cycle = CallApi(http, "POST", api_url + "/api/v1/optimization/trigger", key,
                                 {{"cluster_id", cluster_id}});
    if (cycle || !IsAborted(cycle.error()) || attempt == 600) return cycle;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void PrintReady(const DemoFlags& flags, const std::string& api_url, const std::string& key,
                const std::string& cluster_id, const DemoSandbox& sandbox, const Json& cycle) {
  std::string curl = "curl -s -H 'Authorization: Bearer " + key + "' '" + api_url +
                     "/api/v1/recommendations?cluster_id=" + cluster_id + "'";
  // The API's decimal text, shown to the cent.
  std::string savings = cycle.value("monthly_savings_usd", "0");
  savings = fmt::format("{:.2f}", std::strtod(savings.c_str(), nullptr));
  std::string kubectl = "kubectl --kubeconfig " + sandbox.kubeconfig_path() + " get nodes";
  if (flags.headless) {
    std::cout << "api_url=" << api_url << "\napi_key=" << key << "\ncluster_id=" << cluster_id
              << "\nkubeconfig=" << sandbox.kubeconfig_path() << "\nkubectl=" << kubectl
              << "\ncurl=" << curl << "\nrecommendations=" << cycle.value("recommendation_count", 0)
              << "\nmonthly_savings_usd=" << cycle.value("monthly_savings_usd", "0")
              << "\nready=1\n"
              << std::flush;
    return;
  }
  std::cout << "\nCloudOptim is watching the sandbox cluster \"" << sandbox.scenario_name()
            << "\" (" << sandbox.node_count() << " nodes).\n"
            << "First engine cycle: " << cycle.value("recommendation_count", 0)
            << " recommendations, $" << savings
            << "/month of savings found (recommend-only: nothing is changed).\n\n"
            << "  core API:  " << api_url << "\n"
            << "  API key:   " << key << "   (admin of tenant \"demo\")\n\n"
            << "Recommendations:\n  " << curl << "\n"
            << "The cluster:\n  " << kubectl << "\n\n"
            << "Press Ctrl-C to stop.\n"
            << std::flush;
}

Result<std::string> PrepareDataDir(const DemoFlags& flags) {
  if (!flags.data_dir.empty()) {
    std::filesystem::create_directories(flags.data_dir);
    return std::filesystem::absolute(flags.data_dir).string();
  }
  std::string pattern =
      (std::filesystem::temp_directory_path() / "cloudoptim-demo.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return Unavailable("cannot create " + pattern);
  return pattern;
}

// The control plane's own AWS identity: for the sandbox, the simulated account's keys
// (sandbox.env). A real deployment has its own (IRSA, a profile) and assumes customer roles.
void UseSandboxAwsIdentity() {
  ::setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "sandbox-secret", 1);
  ::unsetenv("AWS_SESSION_TOKEN");
  ::unsetenv("AWS_PROFILE");
}

int RunDemo(const DemoFlags& flags) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto fail = [](const Error& error, int code) {
    std::cerr << "error: " << error.ToString() << "\n";
    return code;
  };

  Result<std::string> data_dir = PrepareDataDir(flags);
  if (!data_dir) return fail(data_dir.error(), 1);
  Result<ControlPlaneConfig> config =
      LoadControlPlaneConfig({.flags = {{"store_url", "sqlite://" + *data_dir + "/cloudoptim.db"},
                                        {"core_port", std::to_string(flags.port)},
                                        {"engine_interval", flags.interval},
                                        {"ml_server_url", flags.ml_server_url}}});
  if (!config) return fail(config.error(), 2);
  Result<store::SecretBox> key = DemoMasterKey(*data_dir);
  if (!key) return fail(key.error(), 1);
  UseSandboxAwsIdentity();

  DemoSandbox sandbox;
  std::cerr << "starting the sandbox EKS cluster and its AWS account (data: " << *data_dir << ")\n";
  if (Status started = sandbox.Start({.scenario = flags.scenario, .data_dir = *data_dir});
      !started) {
    return fail(started.error(), 1);
  }
  ControlPlaneService service;
  if (Status started = service.Start(*config, std::move(*key)); !started) {
    return fail(started.error(), 1);
  }
  std::string api_url = "http://127.0.0.1:" + std::to_string(service.api_port());
  Result<store::Tenant> tenant = DemoTenant(service.store());
  if (!tenant) return fail(tenant.error(), 1);
  Result<store::NewApiKey> api_key =
      service.store().tenants().CreateApiKey(tenant->id, store::Role::kAdmin, "cloudoptim demo");
  if (!api_key) return fail(api_key.error(), 1);

  {
    // Scoped: its kept-alive connections must not hold the API server open at Stop().
    CurlHttpClient http;
    Result<std::string> cluster_id = OnboardSandbox(http, api_url, api_key->plaintext, sandbox);
    if (!cluster_id) return fail(cluster_id.error(), 1);
    std::cerr << "onboarded the sandbox as cluster " << *cluster_id << "; first engine cycle...\n";
    Result<Json> cycle = TriggerCycle(http, api_url, api_key->plaintext, *cluster_id);
    if (!cycle) return fail(cycle.error(), 1);
    PrintReady(flags, api_url, api_key->plaintext, *cluster_id, sandbox, *cycle);
  }

  int received = 0;
  sigwait(&signals, &received);
  std::cerr << "stopping (signal " << received << ")\n";
  service.Stop();
  sandbox.Stop();
  return 0;
}

}  // namespace

void AddDemoCommand(CLI::App& app) {
  auto flags = std::make_shared<DemoFlags>();
  CLI::App* command = app.add_subcommand(
      "demo",
      "The product on one machine: a sandbox EKS cluster onboarded into the control plane, "
      "recommendations with dollar savings through the API");
  command->add_option("--scenario", flags->scenario,
                      "Sandbox scenario YAML (default: scenarios/default.yaml)");
  command->add_option("--port", flags->port, "Core API port on 127.0.0.1 (0 = any free port)")
      ->capture_default_str();
  command->add_option("--data-dir", flags->data_dir,
                      "Where the SQLite store, master key and kubeconfig go (default: a new "
                      "temporary folder)");
  command->add_option("--interval", flags->interval, "Engine cycle interval")
      ->capture_default_str();
  command->add_option("--ml-server-url", flags->ml_server_url,
                      "Run the engines on this `cloudoptim ml-server` (default: in process)");
  command->add_flag("--headless", flags->headless,
                    "No banner: print key=value lines (api_url=, api_key=, ...) and run until "
                    "SIGINT/SIGTERM");
  command->callback([flags] {
    int code = RunDemo(*flags);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace cloudoptim::cli
