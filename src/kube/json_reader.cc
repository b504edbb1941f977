#include "kube/json_reader.h"

#include <limits>

#include "model/quantity.h"

namespace cloudoptim::kube_json {
namespace {

constexpr std::string_view kLastAppliedAnnotation =
    "kubectl.kubernetes.io/last-applied-configuration";

// The expected type named in the message; simdjson's own text for malformed documents.
Error TypeOrSyntaxError(simdjson::error_code code, std::string_view expected) {
  if (code == simdjson::INCORRECT_TYPE) {
    return Error{ErrorCode::kInvalidArgument, ": expected " + std::string(expected)};
  }
  return Error{ErrorCode::kInvalidArgument,
               std::string(": malformed JSON (") + simdjson::error_message(code) + ")"};
}

std::optional<SelectorOperator> ParseOperator(std::string_view text) {
  if (text == "In") return SelectorOperator::kIn;
  if (text == "NotIn") return SelectorOperator::kNotIn;
  if (text == "Exists") return SelectorOperator::kExists;
  if (text == "DoesNotExist") return SelectorOperator::kDoesNotExist;
  if (text == "Gt") return SelectorOperator::kGt;
  if (text == "Lt") return SelectorOperator::kLt;
  return std::nullopt;
}

Status ReadOwnerReference(JsonValue value, OwnerReference* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "apiVersion") return ReadString(v, &out->api_version);
    if (key == "kind") return ReadString(v, &out->kind);
    if (key == "name") return ReadString(v, &out->name);
    if (key == "uid") return ReadString(v, &out->uid);
    if (key == "controller") return ReadBool(v, &out->controller);
    return Ok();
  });
}

// Keys and values are views into the parser's string buffer, valid until the next document:
// the set is interned (copied once per distinct string) before ForEachField returns.
Status ReadStringPairs(JsonValue value, Labels* out, std::string_view skipped_key) {
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  CO_RETURN_IF_ERROR(ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (!skipped_key.empty() && key == skipped_key) return Ok();
    std::string_view text;
    CO_RETURN_IF_ERROR(ReadStringView(v, &text));
    pairs.emplace_back(key, text);
    return Ok();
  }));
  if (pairs.empty()) return Ok();
  for (const auto& [key, text] : *out) pairs.insert(pairs.begin(), {key, text});
  *out = Labels::FromPairs(std::move(pairs));
  return Ok();
}

// A full copy of the applied manifest: large, and nothing here reads it.
Status ReadAnnotations(JsonValue value, Labels* out) {
  return ReadStringPairs(value, out, kLastAppliedAnnotation);
}

Status ParseQuantity(JsonValue value, Quantity* out) {
  std::string_view text;
  CO_RETURN_IF_ERROR(ReadStringView(value, &text));
  Result<Quantity> parsed = Quantity::Parse(text);
  if (!parsed) {
    return InvalidArgument(": bad quantity \"" + std::string(text) + "\" (" +
                           parsed.error().message + ")");
  }
  *out = *parsed;
  return Ok();
}

}  // namespace

Error JsonError(simdjson::error_code code, std::string_view expected) {
  return TypeOrSyntaxError(code, expected);
}

Error PrefixField(Error error, std::string_view field) {
  const bool joins_directly =
      !error.message.empty() && (error.message.front() == ':' || error.message.front() == '[');
  error.message.insert(0, joins_directly ? std::string(field) : std::string(field) + ".");
  return error;
}

Error PrefixIndex(Error error, size_t index) {
  std::string segment = "[" + std::to_string(index) + "]";
  if (!error.message.empty() && error.message.front() != ':' && error.message.front() != '[') {
    segment += ".";
  }
  error.message.insert(0, segment);
  return error;
}

Status ReadStringView(JsonValue value, std::string_view* out) {
  if (IsNull(value)) {
    *out = {};
    return Ok();
  }
  if (auto code = value.get_string().get(*out)) return std::unexpected(JsonError(code, "a string"));
  return Ok();
}

Status ReadString(JsonValue value, std::string* out) {
  std::string_view text;
  CO_RETURN_IF_ERROR(ReadStringView(value, &text));
  out->assign(text);
  return Ok();
}

Status ReadString(JsonValue value, InternedString* out) {
  std::string_view text;
  CO_RETURN_IF_ERROR(ReadStringView(value, &text));
  *out = InternedString(text);
  return Ok();
}

Status ReadBool(JsonValue value, bool* out) {
  if (IsNull(value)) return Ok();
  if (auto code = value.get_bool().get(*out)) return std::unexpected(JsonError(code, "a boolean"));
  return Ok();
}

Status ReadInt64(JsonValue value, int64_t* out) {
  if (IsNull(value)) return Ok();
  if (auto code = value.get_int64().get(*out)) {
    return std::unexpected(JsonError(code, "an integer"));
  }
  return Ok();
}

Status ReadInt32(JsonValue value, int32_t* out) {
  int64_t wide = *out;
  CO_RETURN_IF_ERROR(ReadInt64(value, &wide));
  if (wide < std::numeric_limits<int32_t>::min() || wide > std::numeric_limits<int32_t>::max()) {
    return InvalidArgument(": integer " + std::to_string(wide) + " out of 32-bit range");
  }
  *out = static_cast<int32_t>(wide);
  return Ok();
}

Status ReadTime(JsonValue value, TimePoint* out) {
  std::string_view text;
  CO_RETURN_IF_ERROR(ReadStringView(value, &text));
  if (text.empty()) return Ok();
  if (!ParseRfc3339(text, out)) {
    return InvalidArgument(": bad timestamp \"" + std::string(text) + "\" (want RFC 3339)");
  }
  return Ok();
}

Status ReadIntOrString(JsonValue value, std::string* out) {
  if (IsNull(value)) return Ok();
  simdjson::ondemand::json_type type;
  if (auto code = value.type().get(type)) return std::unexpected(JsonError(code, "a value"));
  if (type == simdjson::ondemand::json_type::number) {
    int64_t number = 0;
    CO_RETURN_IF_ERROR(ReadInt64(value, &number));
    *out = std::to_string(number);
    return Ok();
  }
  return ReadString(value, out);
}

Status ReadStringMap(JsonValue value, Labels* out) { return ReadStringPairs(value, out, {}); }

Status ReadStringList(JsonValue value, std::vector<std::string>* out) {
  return ReadArray(value, out, [](JsonValue v, std::string* s) { return ReadString(v, s); });
}

Status ReadQuantityValue(JsonValue value, int64_t* out) {
  Quantity quantity;
  CO_RETURN_IF_ERROR(ParseQuantity(value, &quantity));
  *out = quantity.Value();
  return Ok();
}

Status ReadQuantityMillis(JsonValue value, int64_t* out) {
  Quantity quantity;
  CO_RETURN_IF_ERROR(ParseQuantity(value, &quantity));
  *out = quantity.MilliValue();
  return Ok();
}

Status ReadResources(JsonValue value, Resources* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "cpu") return ReadQuantityMillis(v, &out->cpu_millis);
    if (key == "memory") return ReadQuantityValue(v, &out->memory_bytes);
    if (key == "ephemeral-storage") return ReadQuantityValue(v, &out->ephemeral_storage_bytes);
    if (key == "pods") return ReadQuantityValue(v, &out->pods);
    if (key == "nvidia.com/gpu" || key == "amd.com/gpu") {
      int64_t gpus = 0;
      CO_RETURN_IF_ERROR(ReadQuantityValue(v, &gpus));
      out->gpus += gpus;
    }
    return Ok();
  });
}

Status ReadObjectMeta(JsonValue value, ObjectMeta* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "name") return ReadString(v, &out->name);
    if (key == "namespace") return ReadString(v, &out->namespace_name);
    if (key == "uid") return ReadString(v, &out->uid);
    if (key == "resourceVersion") return ReadString(v, &out->resource_version);
    if (key == "labels") return ReadStringMap(v, &out->labels);
    if (key == "annotations") return ReadAnnotations(v, &out->annotations);
    if (key == "ownerReferences") return ReadArray(v, &out->owner_references, ReadOwnerReference);
    if (key == "creationTimestamp") return ReadTime(v, &out->creation_timestamp);
    if (key == "deletionTimestamp") {
      if (IsNull(v)) return Ok();
      TimePoint when{};
      CO_RETURN_IF_ERROR(ReadTime(v, &when));
      out->deletion_timestamp = when;
    }
    return Ok();
  });
}

// An operator this version does not know (or a malformed one) becomes "In" with no values,
// which matches nothing: a selector we cannot read must never select more than it says.
Status ReadSelectorRequirement(JsonValue value, SelectorRequirement* out) {
  std::string op_text;
  CO_RETURN_IF_ERROR(ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "key") return ReadString(v, &out->key);
    if (key == "operator") return ReadString(v, &op_text);
    if (key == "values") return ReadStringList(v, &out->values);
    return Ok();
  }));
  std::optional<SelectorOperator> op = ParseOperator(op_text);
  out->op = op.value_or(SelectorOperator::kIn);
  if (!op) out->values.clear();
  return Ok();
}

Status ReadLabelSelector(JsonValue value, LabelSelector* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "matchLabels") {
      return ForEachField(v, [&](std::string_view label, JsonValue label_value) -> Status {
        SelectorRequirement requirement{.key = std::string(label), .op = SelectorOperator::kIn};
        requirement.values.emplace_back();
        CO_RETURN_IF_ERROR(ReadString(label_value, &requirement.values.back()));
        out->requirements.push_back(std::move(requirement));
        return Ok();
      });
    }
    if (key == "matchExpressions") {
      return ReadArray(v, &out->requirements, ReadSelectorRequirement);
    }
    return Ok();
  });
}

}  // namespace cloudoptim::kube_json
