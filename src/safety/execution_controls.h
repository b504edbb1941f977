// The operator's controls over acting at all: the execution mode of each cluster
// (recommend-only by default) and the global and per-cluster kill switches.
//
//   KillSwitches switches;
//   switches.EngageGlobal("incident 4711");
//   if (auto why = switches.Blocking("prod")) refuse(*why);
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cloudoptim {

enum class ExecutionMode {
  kRecommendOnly,  // the default: nothing acts, recommendations are only shown
  kApprove,        // acts on recommendations a human approved
  kAutopilot,      // acts on every recommendation that passes the guards
};
std::string_view ExecutionModeName(
    ExecutionMode mode);  // "recommend-only" | "approve" | "autopilot"
std::optional<ExecutionMode> ParseExecutionMode(std::string_view name);

class KillSwitches {
 public:
  void EngageGlobal(std::string reason) { global_ = std::move(reason); }
  void ReleaseGlobal() { global_.reset(); }
  void Engage(const std::string& cluster, std::string reason) {
    clusters_[cluster] = std::move(reason);
  }
  void Release(const std::string& cluster) { clusters_.erase(cluster); }

  // Why nothing may act in `cluster` ("global kill switch engaged: incident 4711"), or nullopt.
  std::optional<std::string> Blocking(std::string_view cluster) const;

 private:
  std::optional<std::string> global_;
  std::map<std::string, std::string, std::less<>> clusters_;
};

}  // namespace cloudoptim
