// `cloudoptim core`: the control plane service. Loads the configuration (YAML file, then
// CLOUDOPTIM_* variables, then these flags), opens the store, starts the per-cluster loops
// and the core API, and runs until SIGINT/SIGTERM, then stops everything in order.
#include <signal.h>

#include <iostream>
#include <map>
#include <memory>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "controlplane/control_plane_config.h"
#include "controlplane/control_plane_log.h"
#include "controlplane/control_plane_service.h"

namespace cloudoptim::cli {
namespace {

using namespace cloudoptim::controlplane;

struct CoreFlags {
  std::string config_file;
  std::map<std::string, std::string> settings;  // only the flags that were given
};

int RunCore(const CoreFlags& flags) {
  // Signals are taken synchronously by this thread; every thread started below inherits
  // the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::map<std::string, std::string> environment = ProcessEnvironmentVariables();
  Result<ControlPlaneConfig> config = LoadControlPlaneConfig(
      {.file = flags.config_file, .environment = environment, .flags = flags.settings});
  if (!config) {
    std::cerr << "error: " << config.error().ToString() << "\n";
    return 2;
  }
  ConfigureLog(ParseLogLevel(config->log_level), config->log_format);
  Result<store::SecretBox> key = LoadMasterKey(*config, environment);
  if (!key) {
    std::cerr << "error: " << key.error().ToString() << "\n";
    return 2;
  }
  ControlPlaneService service;
  if (Status started = service.Start(*config, std::move(*key)); !started) {
    std::cerr << "error: " << started.error().ToString() << "\n";
    return 1;
  }
  std::cout << "cloudoptim core serving http://" << config->bind_address << ":"
            << service.api_port() << " (engines "
            << (config->ml_server_url.empty() ? "in-process" : config->ml_server_url) << ")\n"
            << std::flush;
  int received = 0;
  sigwait(&signals, &received);
  Log(LogLevel::kInfo, "stopping", {{"signal", std::to_string(received)}});
  service.Stop();
  return 0;
}

}  // namespace

void AddCoreCommand(CLI::App& app) {
  auto flags = std::make_shared<CoreFlags>();
  CLI::App* command = app.add_subcommand(
      "core",
      "Run the control plane: per-cluster snapshot and engine loops, recommendations and "
      "savings in the store, the core API (see README: Configuration)");
  command->add_option("--config", flags->config_file, "YAML configuration file");
  for (const std::string& key : ControlPlaneConfigKeys()) {
    std::string flag = FlagOf(key);
    command->add_option_function<std::string>(
        flag, [flags, key](const std::string& value) { flags->settings[key] = value; },
        "overrides " + key + " (env " + EnvironmentVariableOf(key) + ")");
  }
  command->callback([flags] {
    int code = RunCore(*flags);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace cloudoptim::cli
