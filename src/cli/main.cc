// cloudoptim: the one binary. Wires the subcommands; each lives in its own file in src/cli.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "CloudOptim: agentless Kubernetes cost optimization for AWS.\n"
      "Reads a cluster through the Kubernetes API and the AWS account through its APIs;\n"
      "installs nothing in the cluster. Recommend-only unless told otherwise."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("cloudoptim ") + CO_VERSION);
  cloudoptim::cli::AddVersionCommand(app);
  cloudoptim::cli::AddCatalogCommand(app);
  cloudoptim::cli::AddAwsCommand(app);
  cloudoptim::cli::AddAnalyzeCommand(app);
  cloudoptim::cli::AddSandboxCommand(app);
  cloudoptim::cli::AddMlServerCommand(app);
  cloudoptim::cli::AddCoreCommand(app);
  cloudoptim::cli::AddDemoCommand(app);
  cloudoptim::cli::AddExecuteCommand(app);
  cloudoptim::cli::AddKillSwitchCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return app.exit(e);  // a command's own exit code
  } catch (const CLI::ParseError& e) {
    // Usage errors (a missing required option, an unknown flag, a value a check refused) exit
    // 2, as every command documents for bad input, not with CLI11's own codes (106, 109, ...).
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return 0;
}
