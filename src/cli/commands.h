// Every `cloudoptim` subcommand registers itself on the CLI11 app through one of these.
// A command's flags, validation and run function live in its own file (catalog_command.cc…);
// main.cc only calls the Add* functions in the order `--help` lists them.
#pragma once

namespace CLI {
class App;
}

namespace cloudoptim::cli {

void AddVersionCommand(CLI::App& app);
void AddCatalogCommand(CLI::App& app);
void AddAwsCommand(CLI::App& app);
void AddAnalyzeCommand(CLI::App& app);
void AddSandboxCommand(CLI::App& app);
void AddMlServerCommand(CLI::App& app);
void AddCoreCommand(CLI::App& app);
void AddDemoCommand(CLI::App& app);
void AddExecuteCommand(CLI::App& app);
void AddKillSwitchCommand(CLI::App& app);

}  // namespace cloudoptim::cli
