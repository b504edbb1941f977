#include <CLI/Error.hpp>
#include <iostream>

#include "cli/commands.h"

namespace cloudoptim::cli {

void FailCommand(std::string_view command, int exit_code, const std::string& message) {
  std::cerr << "cloudoptim " << command << ": " << message << "\n";
  throw CLI::RuntimeError(exit_code);
}

}  // namespace cloudoptim::cli
