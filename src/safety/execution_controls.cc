#include "safety/execution_controls.h"

namespace cloudoptim {

std::string_view ExecutionModeName(ExecutionMode mode) {
  switch (mode) {
    case ExecutionMode::kRecommendOnly:
      return "recommend-only";
    case ExecutionMode::kApprove:
      return "approve";
    case ExecutionMode::kAutopilot:
      return "autopilot";
  }
  return "recommend-only";
}

std::optional<ExecutionMode> ParseExecutionMode(std::string_view name) {
  for (ExecutionMode mode :
       {ExecutionMode::kRecommendOnly, ExecutionMode::kApprove, ExecutionMode::kAutopilot}) {
    if (name == ExecutionModeName(mode)) return mode;
  }
  return std::nullopt;
}

std::optional<std::string> KillSwitches::Blocking(std::string_view cluster) const {
  if (global_) return "global kill switch engaged: " + *global_;
  auto it = clusters_.find(cluster);
  if (it != clusters_.end()) {
    return "kill switch of cluster " + std::string(cluster) + " engaged: " + it->second;
  }
  return std::nullopt;
}

}  // namespace cloudoptim
