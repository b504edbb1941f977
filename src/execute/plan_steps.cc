#include "execute/plan_steps.h"

#include <openssl/sha.h>

#include <array>
#include <cstdio>

namespace cloudoptim {
namespace {

struct ActionSteps {
  ActionType type;
  std::string_view target_kind;  // what the target must name
  std::vector<StepKind> steps;
};

const std::vector<ActionSteps>& StepTable() {
  static const std::vector<ActionSteps> table = {
      {ActionType::kReplaceNode,
       "node",
       {StepKind::kLaunch, StepKind::kWaitReady, StepKind::kCordon, StepKind::kDrain,
        StepKind::kWaitRescheduled, StepKind::kTerminate}},
      {ActionType::kLaunchNodes, "", {StepKind::kLaunch, StepKind::kWaitReady}},
      {ActionType::kCordonNode, "node", {StepKind::kCordon}},
      {ActionType::kDrainNode,
       "node",
       {StepKind::kCordon, StepKind::kDrain, StepKind::kWaitRescheduled}},
      {ActionType::kTerminateNode, "node", {StepKind::kTerminate}},
      {ActionType::kPatchResources, "", {StepKind::kPatchResources}},
      {ActionType::kScaleWorkload, "", {StepKind::kScale}},
      {ActionType::kSnapshotVolume, "volume", {StepKind::kSnapshot}},
      {ActionType::kDeleteVolume, "volume", {StepKind::kSnapshot, StepKind::kDeleteVolume}},
      {ActionType::kTerminateInstance, "instance", {StepKind::kTerminateInstance}},
  };
  return table;
}

Status CheckParameters(const Action& action, const std::string& where) {
  auto require = [&](const char* key) -> Status {
    auto it = action.parameters.find(key);
    if (it == action.parameters.end() || it->second.empty()) {
      return InvalidArgument(where + ": parameter \"" + key + "\" is required");
    }
    return Ok();
  };
  switch (action.type) {
    case ActionType::kReplaceNode:
    case ActionType::kLaunchNodes:
      return require("instance_types");
    case ActionType::kScaleWorkload:
      return require("replicas");
    case ActionType::kPatchResources:
      return require("container");
    default:
      return Ok();
  }
}

// "deployment/shop/web", "statefulset/db/pg", ...: a workload target has two slashes.
bool IsWorkloadTarget(std::string_view target) {
  size_t first = target.find('/');
  return first != std::string_view::npos && target.find('/', first + 1) != std::string_view::npos;
}

}  // namespace

std::string_view StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kLaunch:
      return "launch";
    case StepKind::kWaitReady:
      return "wait-ready";
    case StepKind::kCordon:
      return "cordon";
    case StepKind::kDrain:
      return "drain";
    case StepKind::kWaitRescheduled:
      return "wait-rescheduled";
    case StepKind::kTerminate:
      return "terminate";
    case StepKind::kPatchResources:
      return "patch-resources";
    case StepKind::kScale:
      return "scale";
    case StepKind::kSnapshot:
      return "snapshot";
    case StepKind::kDeleteVolume:
      return "delete-volume";
    case StepKind::kTerminateInstance:
      return "terminate-instance";
  }
  return "unknown";
}

bool IsDisruptive(StepKind kind) {
  return kind == StepKind::kDrain || kind == StepKind::kTerminate ||
         kind == StepKind::kTerminateInstance;
}

std::string TargetName(std::string_view target, std::string_view kind) {
  if (!target.starts_with(kind) || target.size() <= kind.size() || target[kind.size()] != '/') {
    return "";
  }
  return std::string(target.substr(kind.size() + 1));
}

std::string IdempotencyKey(std::string_view plan_id, int index, StepKind kind,
                           std::string_view target) {
  return std::string(plan_id) + "/" + std::to_string(index) + "/" +
         std::string(StepKindName(kind)) + "/" + std::string(target);
}

std::string ClientTokenFor(std::string_view idempotency_key) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(idempotency_key.data()), idempotency_key.size(),
         digest.data());
  std::string token = "co-";
  char hex[3];
  for (size_t i = 0; i < 16; ++i) {
    std::snprintf(hex, sizeof(hex), "%02x", digest[i]);
    token += hex;
  }
  return token;
}

Result<std::vector<PlanStep>> ExpandPlan(std::string_view plan_id,
                                         const std::vector<Action>& actions) {
  if (plan_id.empty()) return InvalidArgument("plan id is empty");
  std::vector<PlanStep> steps;
  for (size_t a = 0; a < actions.size(); ++a) {
    const Action& action = actions[a];
    const std::string where = "action " + std::to_string(a) + " (" +
                              std::string(ActionTypeString(action.type)) + " " + action.target +
                              ")";
    const ActionSteps* entry = nullptr;
    for (const ActionSteps& candidate : StepTable()) {
      if (candidate.type == action.type) entry = &candidate;
    }
    if (entry == nullptr) return MakeError(ErrorCode::kUnimplemented, where + ": not executable");
    if (!entry->target_kind.empty() && TargetName(action.target, entry->target_kind).empty()) {
      return InvalidArgument(where + ": target must be " + std::string(entry->target_kind) +
                             "/<name>");
    }
    if ((action.type == ActionType::kScaleWorkload || action.type == ActionType::kPatchResources) &&
        !IsWorkloadTarget(action.target)) {
      return InvalidArgument(where + ": target must be <kind>/<namespace>/<name>");
    }
    CO_RETURN_IF_ERROR(CheckParameters(action, where));
    for (StepKind kind : entry->steps) {
      PlanStep step;
      step.index = static_cast<int>(steps.size());
      step.kind = kind;
      step.target = action.target;
      step.action_index = static_cast<int>(a);
      step.action = action;
      step.idempotency_key = IdempotencyKey(plan_id, step.index, kind, step.target);
      steps.push_back(std::move(step));
    }
  }
  return steps;
}

}  // namespace cloudoptim
