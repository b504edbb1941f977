// Every `cloudoptim` subcommand registers itself on the CLI11 app through one of these.
// A command's flags, validation and run function live in its own file (catalog_command.cc…);
// main.cc only calls the Add* functions in the order `--help` lists them.
#pragma once

#include <string>
#include <string_view>

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

// The exit status of a command given input it cannot use (a flag value, a file), as CLI11
// exits for a malformed flag.
inline constexpr int kExitBadInput = 2;

// Prints "cloudoptim <command>: <message>" on stderr and ends the command with `exit_code`
// (a CLI::RuntimeError that the app's main turns into the exit status).
[[noreturn]] void FailCommand(std::string_view command, int exit_code, const std::string& message);

}  // namespace cloudoptim::cli
