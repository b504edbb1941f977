#include "cli/demo_sandbox.h"

#include "cli/sandbox_support.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>

#include "catalog/catalog.h"
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

using namespace cloudoptim::sandbox;

// Declaration order is construction order: each part borrows the ones above it.
struct DemoSandbox::Parts {
  std::optional<Catalog> catalog;
  Scenario scenario;
  std::unique_ptr<SimulatedClock> clock;
  std::unique_ptr<SandboxCluster> cluster;
  std::unique_ptr<SimulatedCloud> cloud;
  std::optional<TlsIdentity> tls;
  AccessPolicy policy;
  std::unique_ptr<ApiHandlers> handlers;
  std::unique_ptr<ApiServer> server;
  std::unique_ptr<AwsEndpoint> aws;
  bool loop_started = false;
};

DemoSandbox::DemoSandbox() : parts_(std::make_unique<Parts>()) {}
DemoSandbox::~DemoSandbox() { Stop(); }

Status DemoSandbox::Start(const DemoSandboxOptions& options) {
  Parts& p = *parts_;
  std::string path = options.scenario.empty() ? FindDefaultScenario() : options.scenario;
  if (!path.empty()) {
    Result<Scenario> loaded = LoadScenarioFile(path);
    if (!loaded) return std::unexpected(Annotate(loaded.error(), "scenario " + path));
    p.scenario = std::move(*loaded);
  }
  scenario_name_ = p.scenario.name;
  region_ = p.scenario.region;
  Result<Catalog> catalog = Catalog::Load(DefaultDataDirectory());
  if (!catalog) return std::unexpected(catalog.error());
  p.catalog = std::move(*catalog);
  p.clock = std::make_unique<SimulatedClock>(
      p.scenario.start.value_or(std::chrono::system_clock::now()), 1.0);
  p.cluster =
      std::make_unique<SandboxCluster>(p.clock.get(), SandboxCluster::Options{.region = region_});
  p.cloud = std::make_unique<SimulatedCloud>(SimulatedCloud::Options{
      .region = region_, .catalog = &*p.catalog, .zones = ScenarioZones(p.scenario)});
  p.cluster->AttachCloud(p.cloud.get());
  if (Status applied = ApplyScenario(p.scenario, p.cluster.get()); !applied) {
    return std::unexpected(Annotate(applied.error(), "applying scenario " + path));
  }
  Result<TlsIdentity> tls = TlsIdentity::Generate("cloudoptim-sandbox");
  if (!tls) return std::unexpected(tls.error());
  p.tls = std::move(*tls);
  std::string admin_token = RandomToken();
  p.policy.AddToken(admin_token, {"sandbox-admin", {{{"*"}, {"*"}, {"*"}}}});
  p.handlers = std::make_unique<ApiHandlers>(&p.cluster->store(), p.clock.get(), p.cluster.get());
  p.server = std::make_unique<ApiServer>(&p.cluster->store(), p.handlers.get(), &p.policy, &*p.tls,
                                         p.clock.get());
  p.server->SetInterruptHandler(
      [&p](const std::string& target) { return p.cluster->Interrupt(target); });
  CO_ASSIGN_OR_RETURN(int port, p.server->Start(0));
  kubeconfig_path_ = (std::filesystem::path(options.data_dir) / "sandbox.kubeconfig").string();
  CO_RETURN_IF_ERROR(WriteKubeconfig(kubeconfig_path_, "https://127.0.0.1:" + std::to_string(port),
                                     p.tls->ca_pem(), {{"admin", admin_token}}));
  p.aws = std::make_unique<AwsEndpoint>(*p.cloud, *p.clock);
  CO_RETURN_IF_ERROR(p.aws->Start("127.0.0.1", 0));
  CO_RETURN_IF_ERROR(WriteSandboxEnv(
      (std::filesystem::path(options.data_dir) / "sandbox.env").string(), *p.aws, region_));
  p.cluster->StartLoop(std::chrono::milliseconds(500));
  p.loop_started = true;
  return Ok();
}

void DemoSandbox::Stop() {
  Parts& p = *parts_;
  if (p.loop_started) p.cluster->StopLoop();
  p.loop_started = false;
  if (p.aws) p.aws->Stop();
  if (p.server) p.server->Stop();
}

std::string DemoSandbox::aws_url() const { return parts_->aws ? parts_->aws->url() : ""; }
std::string DemoSandbox::queue_url() const { return parts_->aws ? parts_->aws->QueueUrl() : ""; }
size_t DemoSandbox::node_count() const {
  return parts_->cluster ? parts_->cluster->store().Count("nodes") : 0;
}

}  // namespace cloudoptim::cli
