#include "model/cloud.h"

#include <array>
#include <utility>

namespace cloudoptim {
namespace {

// EC2's own spellings, as DescribeInstances / DescribeVolumes return them.
constexpr std::array<std::pair<InstanceState, std::string_view>, 6> kInstanceStates = {{
    {InstanceState::kPending, "pending"},
    {InstanceState::kRunning, "running"},
    {InstanceState::kShuttingDown, "shutting-down"},
    {InstanceState::kTerminated, "terminated"},
    {InstanceState::kStopping, "stopping"},
    {InstanceState::kStopped, "stopped"},
}};

constexpr std::array<std::pair<VolumeState, std::string_view>, 6> kVolumeStates = {{
    {VolumeState::kCreating, "creating"},
    {VolumeState::kAvailable, "available"},
    {VolumeState::kInUse, "in-use"},
    {VolumeState::kDeleting, "deleting"},
    {VolumeState::kDeleted, "deleted"},
    {VolumeState::kError, "error"},
}};

}  // namespace

std::string_view InstanceStateName(InstanceState state) {
  for (const auto& [value, name] : kInstanceStates) {
    if (value == state) return name;
  }
  return "unknown";
}

std::optional<InstanceState> ParseInstanceState(std::string_view name) {
  for (const auto& [value, text] : kInstanceStates) {
    if (text == name) return value;
  }
  return std::nullopt;
}

std::string_view VolumeStateName(VolumeState state) {
  for (const auto& [value, name] : kVolumeStates) {
    if (value == state) return name;
  }
  return "unknown";
}

std::optional<VolumeState> ParseVolumeState(std::string_view name) {
  for (const auto& [value, text] : kVolumeStates) {
    if (text == name) return value;
  }
  return std::nullopt;
}

}  // namespace cloudoptim
