// PATCH bodies as the Kubernetes API applies them: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902, every op) and strategic merge patch, where lists of named things (containers,
// env, volumes, conditions...) merge element by element on their patchMergeKey instead of
// being replaced. The merge keys are those of Kubernetes' OpenAPI (x-kubernetes-patch-merge-key).
//
//   Status s = ApplyPatch(PatchType::kStrategicMerge, R"({"spec":{"unschedulable":true}})", node);
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "common/error.h"

namespace cloudoptim::sandbox {

enum class PatchType { kJsonPatch, kMergePatch, kStrategicMerge, kApply };

// From a Content-Type header; InvalidArgument (415-like) for anything else.
Result<PatchType> PatchTypeFromContentType(std::string_view content_type);

// Applies `body` to `target` in place. InvalidArgument (400) when the body does not parse;
// FailedPrecondition (422) when a JSON patch operation cannot apply (missing path, test fails).
Status ApplyPatch(PatchType type, std::string_view body, nlohmann::json& target);

// Strategic merge of an already-parsed patch, exposed for tests.
void StrategicMerge(nlohmann::json& target, const nlohmann::json& patch);

}  // namespace cloudoptim::sandbox
