#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

#ifndef CO_VERSION
#define CO_VERSION "0.1.0"
#endif

namespace cloudoptim::cli {

void AddVersionCommand(CLI::App& app) {
  CLI::App* command = app.add_subcommand("version", "Print the version of cloudoptim");
  command->callback([] { std::cout << "cloudoptim " << CO_VERSION << "\n"; });
}

}  // namespace cloudoptim::cli
