#include "cli/commands.h"

#include <iostream>

#include <CLI/Error.hpp>

namespace cloudoptim::cli {

void FailCommand(std::string_view command, int exit_code, const std::string& message) {
  std::cerr << "cloudoptim " << command << ": " << message << "\n";
  throw CLI::RuntimeError(exit_code);
}

}  // namespace cloudoptim::cli
