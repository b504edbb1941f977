#include "sandbox/object_patch.h"

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

// Field name -> merge key candidates, from the x-kubernetes-patch-merge-key tags of the
// Kubernetes OpenAPI. "ports" is keyed by containerPort in containers and port in services.
const std::map<std::string, std::vector<std::string>, std::less<>>& MergeKeys() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> keys = {
      {"addresses", {"type"}},        {"conditions", {"type"}},
      {"containers", {"name"}},       {"env", {"name"}},
      {"ephemeralContainers", {"name"}}, {"hostAliases", {"ip"}},
      {"imagePullSecrets", {"name"}}, {"initContainers", {"name"}},
      {"ownerReferences", {"uid"}},   {"podIPs", {"ip"}},
      {"ports", {"containerPort", "port"}}, {"schedulingGates", {"name"}},
      {"topologySpreadConstraints", {"topologyKey"}}, {"volumeDevices", {"devicePath"}},
      {"volumeMounts", {"mountPath"}}, {"volumes", {"name"}},
  };
  return keys;
}

// Lists of scalars whose strategy is "merge" (union) rather than replace.
bool IsMergedScalarList(std::string_view field) { return field == "finalizers"; }

std::string KeyFor(const json& element, const std::vector<std::string>& candidates) {
  for (const std::string& key : candidates) {
    if (element.is_object() && element.contains(key)) return key;
  }
  return "";
}

void MergeList(json& target, const json& patch, const std::vector<std::string>& candidates) {
  if (!target.is_array()) target = json::array();
  for (const json& element : patch) {
    std::string key = KeyFor(element, candidates);
    if (key.empty()) {
      target.push_back(element);
      continue;
    }
    bool remove = element.is_object() && element.value("$patch", "") == "delete";
    auto match = std::find_if(target.begin(), target.end(), [&](const json& existing) {
      return existing.is_object() && existing.contains(key) && existing[key] == element[key];
    });
    if (remove) {
      if (match != target.end()) target.erase(match);
    } else if (match != target.end()) {
      StrategicMerge(*match, element);
    } else {
      json copy = element;
      StrategicMerge(copy, json::object());
      target.push_back(copy);
    }
  }
}

}  // namespace

Result<PatchType> PatchTypeFromContentType(std::string_view content_type) {
  std::string_view base = content_type.substr(0, content_type.find(';'));
  if (base == "application/json-patch+json") return PatchType::kJsonPatch;
  if (base == "application/merge-patch+json") return PatchType::kMergePatch;
  if (base == "application/strategic-merge-patch+json") return PatchType::kStrategicMerge;
  if (base == "application/apply-patch+yaml") return PatchType::kApply;
  return InvalidArgument("the body of the request was in an unknown format - accepted media "
                         "types include: application/json-patch+json, "
                         "application/merge-patch+json, application/strategic-merge-patch+json");
}

// Strategic merge, as apimachinery's strategicpatch does it for the subset kubectl sends:
// maps merge recursively, null deletes a key, lists with a merge key merge element-wise
// (an element with "$patch": "delete" removes its match), "$patch": "replace" on a map
// replaces it whole, "$setElementOrder/..." and "$retainKeys" directives are accepted and
// dropped, and other lists are replaced.
void StrategicMerge(json& target, const json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (patch.value("$patch", "") == "replace") {
    target = patch;
    target.erase("$patch");
    return;
  }
  if (!target.is_object()) target = json::object();
  for (const auto& [field, value] : patch.items()) {
    if (field.starts_with("$setElementOrder/") || field == "$retainKeys" || field == "$patch") {
      continue;
    }
    if (field.starts_with("$deleteFromPrimitiveList/")) {
      std::string list = field.substr(std::string_view("$deleteFromPrimitiveList/").size());
      if (target.contains(list) && target[list].is_array() && value.is_array()) {
        json kept = json::array();
        for (const json& item : target[list]) {
          if (std::find(value.begin(), value.end(), item) == value.end()) kept.push_back(item);
        }
        target[list] = kept;
      }
      continue;
    }
    if (value.is_null()) {
      target.erase(field);
    } else if (value.is_object()) {
      StrategicMerge(target[field], value);
    } else if (value.is_array() && MergeKeys().contains(field)) {
      MergeList(target[field], value, MergeKeys().find(field)->second);
    } else if (value.is_array() && IsMergedScalarList(field) && target.contains(field) &&
               target[field].is_array()) {
      for (const json& item : value) {
        if (std::find(target[field].begin(), target[field].end(), item) ==
            target[field].end()) {
          target[field].push_back(item);
        }
      }
    } else {
      target[field] = value;
    }
  }
}

Status ApplyPatch(PatchType type, std::string_view body, json& target) {
  json patch = json::parse(body, nullptr, false);
  if (patch.is_discarded()) {
    return InvalidArgument("error decoding patch: invalid character in JSON body");
  }
  switch (type) {
    case PatchType::kMergePatch:
    case PatchType::kApply:
      if (!patch.is_object()) return InvalidArgument("merge patch body must be a JSON object");
      target.merge_patch(patch);
      return Ok();
    case PatchType::kStrategicMerge:
      if (!patch.is_object()) {
        return InvalidArgument("strategic merge patch body must be a JSON object");
      }
      StrategicMerge(target, patch);
      return Ok();
    case PatchType::kJsonPatch:
      if (!patch.is_array()) return InvalidArgument("json patch body must be a JSON array");
      // nlohmann reports an unappliable operation by throwing; this is the one boundary
      // where that is turned into a Status.
      try {
        target = target.patch(patch);
      } catch (const json::exception& e) {
        return FailedPrecondition(std::string("the server rejected our request due to an "
                                              "error in our request: ") +
                                  e.what());
      }
      return Ok();
  }
  return InvalidArgument("unsupported patch type");
}

}  // namespace cloudoptim::sandbox
