#include "scheduling/fit_failure.h"

#include <algorithm>
#include <map>
#include <utility>

namespace cloudoptim {

std::string_view FitFailureMessage(FitFailure failure) {
  switch (failure) {
    case FitFailure::kNone:
      return "fits";
    case FitFailure::kNodeRemoved:
      return "node(s) were removed in this simulation";
    case FitFailure::kNodeUnschedulable:
      return "node(s) were unschedulable";
    case FitFailure::kNodeSelectorMismatch:
      return "node(s) didn't match Pod's node affinity/selector";
    case FitFailure::kTaintNotTolerated:
      return "node(s) had untolerated taint";
    case FitFailure::kVolumeZoneConflict:
      return "node(s) had volume node affinity conflict";
    case FitFailure::kTooManyPods:
      return "Too many pods";
    case FitFailure::kInsufficientCpu:
      return "Insufficient cpu";
    case FitFailure::kInsufficientMemory:
      return "Insufficient memory";
    case FitFailure::kInsufficientEphemeralStorage:
      return "Insufficient ephemeral-storage";
    case FitFailure::kInsufficientGpu:
      return "Insufficient nvidia.com/gpu";
    case FitFailure::kTopologySpreadMissingLabel:
      return "node(s) didn't match pod topology spread constraints (missing required label)";
    case FitFailure::kTopologySpread:
      return "node(s) didn't match pod topology spread constraints";
    case FitFailure::kPodAffinity:
      return "node(s) didn't match pod affinity rules";
    case FitFailure::kPodAntiAffinity:
      return "node(s) didn't match pod anti-affinity rules";
    case FitFailure::kExistingPodAntiAffinity:
      return "node(s) didn't satisfy existing pods anti-affinity rules";
  }
  return "unknown";
}

std::string FailedSchedulingMessage(const std::vector<FitFailure>& per_node_failures) {
  std::map<std::string_view, int> counts;
  int available = 0;
  for (FitFailure f : per_node_failures) {
    if (f == FitFailure::kNone) {
      ++available;
    } else if (f != FitFailure::kNodeRemoved) {
      ++counts[FitFailureMessage(f)];
    }
  }
  int considered = available;
  std::vector<std::pair<std::string_view, int>> reasons(counts.begin(), counts.end());
  for (const auto& [reason, count] : reasons) considered += count;
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string message =
      std::to_string(available) + "/" + std::to_string(considered) + " nodes are available";
  for (size_t i = 0; i < reasons.size(); ++i) {
    message += i == 0 ? ": " : ", ";
    message += std::to_string(reasons[i].second) + " " + std::string(reasons[i].first);
  }
  message += ".";
  return message;
}

}  // namespace cloudoptim
