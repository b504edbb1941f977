#include "store/store_types.h"

#include <array>
#include <utility>

namespace cloudoptim::store {
namespace {

// Each enum's names in declaration order; parsing is the reverse lookup.
template <typename Enum, size_t N>
Result<Enum> ParseName(const std::array<std::string_view, N>& names, std::string_view text,
                       std::string_view what) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  std::string allowed;
  for (std::string_view name : names) allowed += (allowed.empty() ? "" : ", ") + std::string(name);
  return InvalidArgument(std::string(what) + " \"" + std::string(text) + "\" is not one of " +
                         allowed);
}

constexpr std::array<std::string_view, 3> kRoles = {"admin", "operator", "viewer"};
constexpr std::array<std::string_view, 3> kModes = {"recommend-only", "approve", "autopilot"};
constexpr std::array<std::string_view, 5> kRecommendationStatuses = {
    "pending", "approved", "rejected", "applied", "superseded"};
constexpr std::array<std::string_view, 5> kPlanStates = {"pending", "running", "done", "failed",
                                                         "rolled_back"};
constexpr std::array<std::string_view, 5> kActionStates = {"intent", "started", "done", "failed",
                                                           "rolled_back"};

}  // namespace

std::string_view RoleName(Role role) { return kRoles[std::to_underlying(role)]; }
Result<Role> ParseRole(std::string_view text) { return ParseName<Role>(kRoles, text, "role"); }

std::string_view ClusterModeName(ClusterMode mode) { return kModes[std::to_underlying(mode)]; }
Result<ClusterMode> ParseClusterMode(std::string_view text) {
  return ParseName<ClusterMode>(kModes, text, "mode");
}

std::string_view RecommendationStatusName(RecommendationStatus status) {
  return kRecommendationStatuses[std::to_underlying(status)];
}
Result<RecommendationStatus> ParseRecommendationStatus(std::string_view text) {
  return ParseName<RecommendationStatus>(kRecommendationStatuses, text, "status");
}

std::string_view PlanStateName(PlanState state) { return kPlanStates[std::to_underlying(state)]; }

std::string_view ActionStateName(ActionState state) {
  return kActionStates[std::to_underlying(state)];
}
Result<ActionState> ParseActionState(std::string_view text) {
  return ParseName<ActionState>(kActionStates, text, "action state");
}

}  // namespace cloudoptim::store
