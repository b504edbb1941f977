// Public entry points of the decoders: a whole document, a List response or a watch event.
// The parser and the padded copy of the input are per thread and reused, so decoding a
// stream of watch events allocates only for the strings it keeps.
#include "kube/kube_json.h"

#include "kube/object_decoders.h"

namespace cloudoptim {
namespace {

using kube_json::JsonValue;

struct ThreadParser {
  simdjson::ondemand::parser parser;
  std::string buffer;  // input copy with SIMDJSON_PADDING spare bytes
};

// Runs fn(root value) over a padded copy of `json`; errors get "decoding <what>: " in front.
// The copy wraps the document in "[...]": simdjson's On-Demand values are meant to be used
// below the root (its development checks assert so, e.g. for is_null), and the wrapping makes
// the object an array element at no cost, since the input is copied for padding anyway.
template <typename Fn>
Status WithDocument(std::string_view json, std::string_view what, Fn&& fn) {
  thread_local ThreadParser state;
  state.buffer.reserve(json.size() + 2 + simdjson::SIMDJSON_PADDING);
  state.buffer.assign("[");
  state.buffer.append(json);
  state.buffer.push_back(']');
  simdjson::padded_string_view padded(state.buffer.data(), state.buffer.size(),
                                      state.buffer.capacity());
  simdjson::ondemand::document document;
  Status status;
  simdjson::ondemand::array wrapper;
  if (auto code = state.parser.iterate(padded).get(document)) {
    status = std::unexpected(kube_json::JsonError(code, "a JSON document"));
  } else if (auto wrap_code = document.get_array().get(wrapper)) {
    status = std::unexpected(kube_json::JsonError(wrap_code, "a JSON document"));
  } else {
    bool seen = false;
    for (auto element : wrapper) {
      JsonValue root;
      if (auto root_code = element.get(root)) {
        status = std::unexpected(kube_json::JsonError(root_code, "a JSON value"));
      } else {
        status = fn(root);
      }
      seen = true;
      break;
    }
    if (!seen) status = InvalidArgument(": empty document");
  }
  if (status) return Ok();
  Error error = std::move(status).error();
  if (!error.message.empty() && error.message.front() == ':') error.message.erase(0, 2);
  return std::unexpected(Annotate(std::move(error), "decoding " + std::string(what)));
}

WatchEventType ParseWatchType(std::string_view text, bool* known) {
  *known = true;
  if (text == "ADDED") return WatchEventType::kAdded;
  if (text == "MODIFIED") return WatchEventType::kModified;
  if (text == "DELETED") return WatchEventType::kDeleted;
  if (text == "BOOKMARK") return WatchEventType::kBookmark;
  if (text == "ERROR") return WatchEventType::kError;
  *known = false;
  return WatchEventType::kError;
}

}  // namespace

std::string_view WatchEventTypeName(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
    case WatchEventType::kBookmark:
      return "BOOKMARK";
    case WatchEventType::kError:
      return "ERROR";
  }
  return "ERROR";
}

template <typename T>
Result<T> DecodeObject(std::string_view json, const DecodeOptions& options) {
  T object;
  CO_RETURN_IF_ERROR(WithDocument(json, kube_json::KindName(&object), [&](JsonValue root) {
    return kube_json::DecodeInto(root, &object, options);
  }));
  return object;
}

template <typename T>
Result<ObjectList<T>> DecodeList(std::string_view json, const DecodeOptions& options) {
  ObjectList<T> list;
  std::string what = std::string(kube_json::KindName(static_cast<const T*>(nullptr))) + "List";
  CO_RETURN_IF_ERROR(WithDocument(json, what, [&](JsonValue root) {
    return kube_json::ForEachField(root, [&](std::string_view key, JsonValue v) -> Status {
      if (key == "items") {
        return kube_json::ReadArray(v, &list.items, [&](JsonValue item, T* out) {
          return kube_json::DecodeInto(item, out, options);
        });
      }
      if (key == "metadata") {
        return kube_json::ForEachField(v, [&](std::string_view field, JsonValue m) -> Status {
          if (field == "continue") return kube_json::ReadString(m, &list.continue_token);
          if (field == "resourceVersion") return kube_json::ReadString(m, &list.resource_version);
          return Ok();
        });
      }
      return Ok();
    });
  }));
  return list;
}

// The "type" normally comes first, but JSON objects are unordered: when the object comes
// first it is decoded as T and, if the type then says ERROR, decoded again as a Status.
template <typename T>
Result<WatchEvent<T>> DecodeWatchEvent(std::string_view json, const DecodeOptions& options) {
  WatchEvent<T> event;
  bool have_type = false;
  bool object_before_type = false;
  std::string what = "watch event of " + std::string(kube_json::KindName(&event.object));
  CO_RETURN_IF_ERROR(WithDocument(json, what, [&](JsonValue root) {
    return kube_json::ForEachField(root, [&](std::string_view key, JsonValue v) -> Status {
      if (key == "type") {
        std::string_view text;
        CO_RETURN_IF_ERROR(kube_json::ReadStringView(v, &text));
        bool known = false;
        event.type = ParseWatchType(text, &known);
        if (!known)
          return InvalidArgument(": unknown watch event type \"" + std::string(text) + "\"");
        have_type = true;
        return Ok();
      }
      if (key == "object") {
        if (!have_type) object_before_type = true;
        if (have_type && event.type == WatchEventType::kError) {
          return kube_json::DecodeInto(v, &event.status, options);
        }
        return kube_json::DecodeInto(v, &event.object, options);
      }
      return Ok();
    });
  }));
  if (!have_type) return InvalidArgument("decoding " + what + ": no \"type\" field");
  if (object_before_type && event.type == WatchEventType::kError) {
    CO_RETURN_IF_ERROR(WithDocument(json, what, [&](JsonValue root) {
      return kube_json::ForEachField(root, [&](std::string_view key, JsonValue v) -> Status {
        return key == "object" ? kube_json::DecodeInto(v, &event.status, options) : Ok();
      });
    }));
  }
  return event;
}

Result<KubeStatus> DecodeStatus(std::string_view json) { return DecodeObject<KubeStatus>(json); }

#define CO_INSTANTIATE_DECODERS(T)                                                      \
  template Result<T> DecodeObject<T>(std::string_view, const DecodeOptions&);           \
  template Result<ObjectList<T>> DecodeList<T>(std::string_view, const DecodeOptions&); \
  template Result<WatchEvent<T>> DecodeWatchEvent<T>(std::string_view, const DecodeOptions&);

CO_INSTANTIATE_DECODERS(Node)
CO_INSTANTIATE_DECODERS(Pod)
CO_INSTANTIATE_DECODERS(Workload)
CO_INSTANTIATE_DECODERS(PodDisruptionBudget)
CO_INSTANTIATE_DECODERS(PersistentVolume)
CO_INSTANTIATE_DECODERS(PersistentVolumeClaim)
CO_INSTANTIATE_DECODERS(Namespace)
CO_INSTANTIATE_DECODERS(Service)
CO_INSTANTIATE_DECODERS(EndpointSlice)
CO_INSTANTIATE_DECODERS(ClusterEvent)
CO_INSTANTIATE_DECODERS(NodeUsage)
CO_INSTANTIATE_DECODERS(PodUsage)
#undef CO_INSTANTIATE_DECODERS

}  // namespace cloudoptim
