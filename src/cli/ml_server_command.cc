// `cloudoptim ml-server`: the decision engines as a stateless HTTP service (src/server/ml_api.h)
// for control planes in remote-ML mode. Logs one JSON line per request to stderr and runs
// until SIGINT/SIGTERM, then finishes in-flight requests and exits 0.
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>

#include <CLI/CLI.hpp>

#include "catalog/catalog.h"
#include "cli/commands.h"
#include "server/ml_api.h"

namespace cloudoptim::cli {
namespace {

struct MlServerFlags {
  int port = 8001;
  std::string bind = "127.0.0.1";
  std::string data_dir;
  size_t threads = 4;
  bool quiet = false;
};

int RunMlServer(const MlServerFlags& flags) {
  // Signals are taken synchronously by this thread; the server's threads inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Result<Catalog> catalog =
      Catalog::Load(flags.data_dir.empty() ? DefaultDataDirectory() : flags.data_dir);
  if (!catalog) {
    std::cerr << "error: " << catalog.error().ToString() << "\n";
    return 2;
  }
  server::MlApiOptions options{
      .bind_address = flags.bind, .port = flags.port, .threads = flags.threads};
  // The token comes from the environment only, so it never shows in `ps`.
  if (const char* token = std::getenv("CLOUDOPTIM_ML_TOKEN")) options.token = token;
  auto log_mutex = std::make_shared<std::mutex>();
  if (!flags.quiet) {
    options.access_log = [log_mutex](const std::string& line) {
      std::lock_guard lock(*log_mutex);
      std::cerr << line << "\n";
    };
  }
  server::MlApiServer ml(*catalog, options);
  if (Status started = ml.Start(); !started) {
    std::cerr << "error: " << started.error().ToString() << "\n";
    return 1;
  }
  std::cout << "ml-server listening on http://" << flags.bind << ":" << ml.port() << "\n"
            << "try: curl http://" << flags.bind << ":" << ml.port() << "/api/v1/ml/health\n"
            << std::flush;
  int received = 0;
  sigwait(&signals, &received);
  std::cout << "stopping ml-server (signal " << received << ")\n" << std::flush;
  ml.Stop();
  return 0;
}

}  // namespace

void AddMlServerCommand(CLI::App& app) {
  auto flags = std::make_shared<MlServerFlags>();
  CLI::App* cmd = app.add_subcommand(
      "ml-server",
      "Serve the decision engines over HTTP (POST /api/v1/ml/decision/{spot-optimize,bin-pack,"
      "rightsize}); set CLOUDOPTIM_ML_TOKEN to require a bearer token");
  cmd->add_option("--port", flags->port, "TCP port (0 = any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--bind", flags->bind, "Address to listen on");
  cmd->add_option("--data-dir", flags->data_dir, "Catalogue directory (default: shipped data)");
  cmd->add_option("--threads", flags->threads, "Worker threads")->check(CLI::Range(1, 256));
  cmd->add_flag("--quiet", flags->quiet, "No access log on stderr");
  cmd->callback([flags] { std::exit(RunMlServer(*flags)); });
}

}  // namespace cloudoptim::cli
