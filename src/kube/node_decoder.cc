// Node decoding: provider ID, taints, capacity/allocatable and conditions. status.images
// (often most of a node's bytes), daemonEndpoints, nodeInfo and the like are skipped.
#include "kube/object_decoders.h"

namespace cloudoptim::kube_json {
namespace {

// A taint effect this version does not know is kept as NoSchedule: unknown taints must keep
// pods away unless a toleration names the key, never let them in.
Status ReadTaint(JsonValue value, Taint* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "key") return ReadString(v, &out->key);
    if (key == "value") return ReadString(v, &out->value);
    if (key == "effect") {
      std::string_view text;
      CO_RETURN_IF_ERROR(ReadStringView(v, &text));
      out->effect = ParseTaintEffect(text).value_or(TaintEffect::kNoSchedule);
    }
    return Ok();
  });
}

Status ReadCondition(JsonValue value, NodeCondition* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "type") return ReadString(v, &out->type);
    if (key == "status") return ReadString(v, &out->status);
    if (key == "reason") return ReadString(v, &out->reason);
    return Ok();
  });
}

}  // namespace

Status DecodeInto(JsonValue value, Node* out, const DecodeOptions&) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") return ReadObjectMeta(v, &out->meta);
    if (key == "spec") {
      return ForEachField(v, [&](std::string_view field, JsonValue s) -> Status {
        if (field == "providerID") return ReadString(s, &out->provider_id);
        if (field == "unschedulable") return ReadBool(s, &out->unschedulable);
        if (field == "taints") return ReadArray(s, &out->taints, ReadTaint);
        return Ok();
      });
    }
    if (key == "status") {
      return ForEachField(v, [&](std::string_view field, JsonValue s) -> Status {
        if (field == "capacity") return ReadResources(s, &out->capacity);
        if (field == "allocatable") return ReadResources(s, &out->allocatable);
        if (field == "conditions") return ReadArray(s, &out->conditions, ReadCondition);
        return Ok();
      });
    }
    return Ok();
  });
}

std::string_view KindName(const Node*) { return "Node"; }

}  // namespace cloudoptim::kube_json
