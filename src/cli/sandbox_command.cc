// `cloudoptim sandbox`: starts the simulated EKS cluster on loopback over HTTPS, writes its
// kubeconfig, serves the simulated AWS account behind it (EC2, SQS, STS) on a second port,
// writes sandbox.env next to the kubeconfig, and runs until SIGINT/SIGTERM.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>

#include <CLI/CLI.hpp>

#include "catalog/catalog.h"
#include "cli/commands.h"
#include "cli/sandbox_support.h"
#include "cloudsim/aws_endpoint.h"
#include "cloudsim/simulated_cloud.h"
#include "sandbox/access_policy.h"
#include "sandbox/api_handlers.h"
#include "sandbox/api_server.h"
#include "sandbox/kubeconfig_writer.h"
#include "sandbox/sandbox_cluster.h"
#include "sandbox/scenario.h"
#include "sandbox/simulated_clock.h"
#include "sandbox/tls_identity.h"

namespace cloudoptim::cli {
namespace {

using namespace cloudoptim::sandbox;

struct SandboxFlags {
  std::string scenario;
  int port = 0;
  int aws_port = 0;
  std::string kubeconfig_out = "sandbox.kubeconfig";
  double speed = 1.0;
  uint64_t seed = 1;
  double interrupt_rate = 0;
  int32_t generate_nodes = 0;
  int32_t generate_pods = 0;
  std::string admin_token;
};

// The admin may do anything; the viewer may only read pods and namespaces, which is what the
// least-privilege tests expect to be refused beyond.
AccessPolicy MakePolicy(const std::string& admin_token, const std::string& viewer_token) {
  AccessPolicy policy;
  policy.AddToken(admin_token, {"sandbox-admin", {{{"*"}, {"*"}, {"*"}}}});
  policy.AddToken(viewer_token,
                  {"viewer", {{{"get", "list", "watch"}, {"pods", "namespaces"}, {""}}}});
  return policy;
}

int RunSandbox(const SandboxFlags& flags) {
  // Signals are taken synchronously by this thread; every thread started below inherits the
  // blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Scenario scenario;
  std::string scenario_path = flags.scenario.empty() ? FindDefaultScenario() : flags.scenario;
  if (!scenario_path.empty()) {
    Result<Scenario> loaded = LoadScenarioFile(scenario_path);
    if (!loaded) {
      std::cerr << "error: " << loaded.error().ToString() << "\n";
      return 2;
    }
    scenario = std::move(*loaded);
  }
  if (flags.generate_nodes > 0) scenario.generate.nodes = flags.generate_nodes;
  if (flags.generate_pods > 0) scenario.generate.pods = flags.generate_pods;

  Result<Catalog> catalog = Catalog::Load(DefaultDataDirectory());
  if (!catalog) {
    std::cerr << "error: " << catalog.error().ToString() << "\n";
    return 2;
  }
  SimulatedClock clock(scenario.start.value_or(std::chrono::system_clock::now()), flags.speed);
  SandboxCluster cluster(&clock, {.seed = flags.seed,
                                  .region = scenario.region,
                                  .interrupt_rate_per_hour = flags.interrupt_rate,
                                  .catalog = &*catalog});
  // One fleet for kubectl and the AWS CLI: every instance is launched in the simulated
  // account and becomes a Node through the cluster's listener.
  SimulatedCloud cloud({.region = scenario.region,
                        .catalog = &*catalog,
                        .seed = flags.seed,
                        .zones = ScenarioZones(scenario)});
  cluster.AttachCloud(&cloud);
  if (Status applied = ApplyScenario(scenario, &cluster); !applied) {
    std::cerr << "error: applying scenario " << scenario_path << ": " << applied.error().ToString()
              << "\n";
    return 2;
  }
  Result<TlsIdentity> tls = TlsIdentity::Generate("cloudoptim-sandbox");
  if (!tls) {
    std::cerr << "error: " << tls.error().ToString() << "\n";
    return 1;
  }
  std::string admin_token = flags.admin_token.empty() ? RandomToken() : flags.admin_token;
  std::string viewer_token = RandomToken();
  AccessPolicy policy = MakePolicy(admin_token, viewer_token);
  ApiHandlers handlers(&cluster.store(), &clock, &cluster);
  ApiServer server(&cluster.store(), &handlers, &policy, &*tls, &clock);
  server.SetInterruptHandler([&](const std::string& target) { return cluster.Interrupt(target); });
  Result<int> port = server.Start(flags.port);
  if (!port) {
    std::cerr << "error: " << port.error().ToString() << "\n";
    return 1;
  }
  std::string url = "https://127.0.0.1:" + std::to_string(*port);
  std::string kubeconfig = std::filesystem::absolute(flags.kubeconfig_out).string();
  if (Status written = WriteKubeconfig(kubeconfig, url, tls->ca_pem(),
                                       {{"admin", admin_token}, {"viewer", viewer_token}});
      !written) {
    std::cerr << "error: " << written.error().ToString() << "\n";
    return 1;
  }
  // The endpoint advances the cloud before each request (the cloud serialises Advance and
  // calls the cluster's listener with its lock released), so the CLI always sees now.
  AwsEndpoint aws(cloud, clock);
  if (Status started = aws.Start("127.0.0.1", flags.aws_port); !started) {
    std::cerr << "error: AWS endpoint: " << started.error().ToString() << "\n";
    return 1;
  }
  std::string env_path = (std::filesystem::path(kubeconfig).parent_path() / "sandbox.env").string();
  if (Status written = WriteSandboxEnv(env_path, aws, scenario.region); !written) {
    std::cerr << "error: " << written.error().ToString() << "\n";
    return 1;
  }
  cluster.StartLoop(std::chrono::milliseconds(500));
  std::cout << "sandbox cluster \"" << scenario.name << "\" serving " << url << " ("
            << cluster.store().Count("nodes") << " nodes, " << cluster.store().Count("pods")
            << " pods, speed " << flags.speed << "x)\n"
            << "kubeconfig: " << kubeconfig << "\n"
            << "try: kubectl --kubeconfig " << kubeconfig << " get nodes\n"
            << "aws endpoint: " << aws.url() << "\n"
            << "queue url: " << aws.QueueUrl() << "\n"
            << "env: " << env_path << "\n"
            << "try: aws --endpoint-url " << aws.url() << " ec2 describe-instances\n"
            << std::flush;
  int received = 0;
  sigwait(&signals, &received);
  std::cout << "stopping sandbox (signal " << received << ")\n" << std::flush;
  cluster.StopLoop();
  aws.Stop();
  server.Stop();
  return 0;
}

}  // namespace

void AddSandboxCommand(CLI::App& app) {
  auto flags = std::make_shared<SandboxFlags>();
  CLI::App* cmd = app.add_subcommand(
      "sandbox",
      "Run a simulated EKS cluster that speaks the Kubernetes API (kubectl works on it)");
  cmd->add_option("--scenario", flags->scenario, "Scenario YAML (default: scenarios/default.yaml)");
  cmd->add_option("--port", flags->port, "HTTPS port on 127.0.0.1 (0 = any free port)");
  cmd->add_option("--aws-port", flags->aws_port,
                  "HTTP port of the simulated AWS endpoint on 127.0.0.1 (0 = any free port)");
  cmd->add_option("--kubeconfig-out", flags->kubeconfig_out, "Where to write the kubeconfig");
  cmd->add_option("--speed", flags->speed, "Simulated seconds per wall second")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", flags->seed, "Seed for usage, interruptions and names");
  cmd->add_option("--interrupt-rate", flags->interrupt_rate,
                  "Random spot interruptions per spot instance per simulated hour");
  cmd->add_option("--generate-nodes", flags->generate_nodes, "Add N generated nodes");
  cmd->add_option("--generate-pods", flags->generate_pods,
                  "Add N generated pods (Deployments of 30)");
  cmd->add_option("--admin-token", flags->admin_token,
                  "Bearer token of the admin user (default: random)");
  cmd->callback([flags] { std::exit(RunSandbox(*flags)); });
}

}  // namespace cloudoptim::cli
