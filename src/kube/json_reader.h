// Internal to src/kube: small helpers over simdjson On-Demand values used by the decoders.
// Every helper returns Status; ForEachField / ForEachElement prefix an error with the field
// name or index, so a failure deep inside reads "spec.containers[0].resources.requests.cpu:
// bad quantity ...". Prefixing happens only on the error path, so success costs nothing.
// JSON null is accepted everywhere and means "absent", as in the Kubernetes API.
//
//   Status s = ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
//     if (key == "nodeName") return ReadString(v, &pod->node_name);
//     return Ok();  // anything else is skipped without being materialised
//   });
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "model/label_selector.h"
#include "model/object_meta.h"
#include "model/resources.h"

namespace cloudoptim::kube_json {

using JsonValue = simdjson::ondemand::value;

// "malformed JSON (TAPE_ERROR: ...)" or "expected an object" as InvalidArgument.
Error JsonError(simdjson::error_code code, std::string_view expected);
// Prepends a field name ("requests" + ".cpu: ..." -> "requests.cpu: ...").
Error PrefixField(Error error, std::string_view field);
Error PrefixIndex(Error error, size_t index);

// True (and the value consumed) when the value is JSON null.
inline bool IsNull(JsonValue& value) {
  bool null = false;
  return !value.is_null().get(null) && null;
}

// Calls fn(key, value) for every field of an object; null is an empty object.
template <typename Fn>
Status ForEachField(JsonValue value, Fn&& fn) {
  if (IsNull(value)) return Ok();
  simdjson::ondemand::object object;
  if (auto code = value.get_object().get(object))
    return std::unexpected(JsonError(code, "an object"));
  for (auto field : object) {
    std::string_view key;
    if (auto code = field.unescaped_key().get(key))
      return std::unexpected(JsonError(code, "a key"));
    JsonValue field_value;
    if (auto code = field.value().get(field_value)) {
      return std::unexpected(PrefixField(JsonError(code, "a value"), key));
    }
    Status status = fn(key, field_value);
    if (!status) return std::unexpected(PrefixField(std::move(status).error(), key));
  }
  return Ok();
}

// Calls fn(index, value) for every element of an array; null is an empty array.
template <typename Fn>
Status ForEachElement(JsonValue value, Fn&& fn) {
  if (IsNull(value)) return Ok();
  simdjson::ondemand::array array;
  if (auto code = value.get_array().get(array)) return std::unexpected(JsonError(code, "an array"));
  size_t index = 0;
  for (auto element : array) {
    JsonValue element_value;
    if (auto code = element.get(element_value)) {
      return std::unexpected(PrefixIndex(JsonError(code, "a value"), index));
    }
    Status status = fn(index, element_value);
    if (!status) return std::unexpected(PrefixIndex(std::move(status).error(), index));
    ++index;
  }
  return Ok();
}

// Appends one decoded element per array entry: decode(value, &vector.back()).
template <typename T, typename Fn>
Status ReadArray(JsonValue value, std::vector<T>* out, Fn&& decode) {
  return ForEachElement(value, [&](size_t, JsonValue element) -> Status {
    out->emplace_back();
    return decode(element, &out->back());
  });
}

// Decodes the whole array into a scratch vector and interns it once (see interned_list.h).
template <typename T, typename Fn>
Status ReadArray(JsonValue value, InternedList<T>* out, Fn&& decode) {
  std::vector<T> items = out->vector();
  CO_RETURN_IF_ERROR(ReadArray(value, &items, std::forward<Fn>(decode)));
  *out = std::move(items);
  return Ok();
}

Status ReadString(JsonValue value, std::string* out);
Status ReadString(JsonValue value, InternedString* out);
Status ReadStringView(JsonValue value, std::string_view* out);  // valid while the doc lives
Status ReadBool(JsonValue value, bool* out);
Status ReadInt64(JsonValue value, int64_t* out);
Status ReadInt32(JsonValue value, int32_t* out);
Status ReadTime(JsonValue value, TimePoint* out);
// An IntOrString ("50%" or 2) kept as its string form.
Status ReadIntOrString(JsonValue value, std::string* out);
Status ReadStringMap(JsonValue value, Labels* out);
Status ReadStringList(JsonValue value, std::vector<std::string>* out);
// A ResourceList {"cpu": "100m", "memory": "1Gi", "nvidia.com/gpu": "1"}; resources the model
// does not count (hugepages, extended resources) are skipped unparsed.
Status ReadResources(JsonValue value, Resources* out);
// One quantity string parsed with Quantity::Parse: bytes or millis.
Status ReadQuantityValue(JsonValue value, int64_t* out);
Status ReadQuantityMillis(JsonValue value, int64_t* out);

Status ReadObjectMeta(JsonValue value, ObjectMeta* out);
Status ReadLabelSelector(JsonValue value, LabelSelector* out);
// {key, operator, values} as in matchExpressions and nodeSelectorTerms.
Status ReadSelectorRequirement(JsonValue value, SelectorRequirement* out);

}  // namespace cloudoptim::kube_json
