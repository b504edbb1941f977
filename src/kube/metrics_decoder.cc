// metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics into NodeUsage / PodUsage: the usage the
// metrics-server measured over its window (typically the last 15-30 s).
#include "kube/object_decoders.h"

namespace cloudoptim::kube_json {
namespace {

Status ReadUsage(JsonValue value, int64_t* cpu_millis, int64_t* memory_bytes) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "cpu") return ReadQuantityMillis(v, cpu_millis);
    if (key == "memory") return ReadQuantityValue(v, memory_bytes);
    return Ok();
  });
}

Status ReadContainerUsage(JsonValue value, ContainerUsage* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "name") return ReadString(v, &out->container_name);
    if (key == "usage") return ReadUsage(v, &out->cpu_millis, &out->memory_bytes);
    return Ok();
  });
}

}  // namespace

Status DecodeInto(JsonValue value, NodeUsage* out, const DecodeOptions&) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") {
      ObjectMeta meta;
      CO_RETURN_IF_ERROR(ReadObjectMeta(v, &meta));
      out->node_name = std::move(meta.name);
      return Ok();
    }
    if (key == "timestamp") return ReadTime(v, &out->timestamp);
    if (key == "usage") return ReadUsage(v, &out->cpu_millis, &out->memory_bytes);
    return Ok();
  });
}

Status DecodeInto(JsonValue value, PodUsage* out, const DecodeOptions&) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") {
      ObjectMeta meta;
      CO_RETURN_IF_ERROR(ReadObjectMeta(v, &meta));
      out->pod_name = std::move(meta.name);
      out->namespace_name = std::move(meta.namespace_name);
      return Ok();
    }
    if (key == "timestamp") return ReadTime(v, &out->timestamp);
    if (key == "containers") return ReadArray(v, &out->containers, ReadContainerUsage);
    return Ok();
  });
}

std::string_view KindName(const NodeUsage*) { return "NodeMetrics"; }
std::string_view KindName(const PodUsage*) { return "PodMetrics"; }

}  // namespace cloudoptim::kube_json
