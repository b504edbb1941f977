// Decoding of Kubernetes API JSON (single objects, List responses, watch events, Status
// bodies) straight into the model types, with simdjson's On-Demand parser. Only the fields
// CloudOptim reads are materialised; managedFields, status.images, the kubectl
// last-applied-configuration annotation and everything else unknown are skipped.
// This header is light on purpose: it does not include simdjson.
//
//   Result<Pod> pod = DecodePod(body);
//   Result<ObjectList<Node>> nodes = DecodeList<Node>(body);   // items + continue + rv
//   Result<WatchEvent<Pod>> event = DecodeWatchEvent<Pod>(line);
//   Result<ObjectList<Workload>> deployments =
//       DecodeList<Workload>(body, {.workload_kind = WorkloadKind::kDeployment});
//
// Errors are InvalidArgument and name the path and value:
//   "decoding Pod: spec.containers[0].resources.requests.cpu: bad quantity \"abc\" (...)"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "model/node.h"
#include "model/object_meta.h"
#include "model/pod.h"
#include "model/service.h"
#include "model/storage.h"
#include "model/usage.h"
#include "model/workload.h"

namespace cloudoptim {

struct DecodeOptions {
  // Which controller a Workload object is (List items carry no "kind").
  WorkloadKind workload_kind = WorkloadKind::kDeployment;
};

// A List response: the items, the continue token of the next page ("" on the last page) and
// the collection's resourceVersion to start a watch from.
template <typename T>
struct ObjectList {
  std::vector<T> items;
  std::string continue_token;
  std::string resource_version;
};

// A Kubernetes Status body (errors, and the object of a watch ERROR event).
struct KubeStatus {
  int32_t code = 0;     // HTTP status code, 410 for an expired resourceVersion
  std::string reason;   // "Forbidden", "Expired", "Gone", "TooManyRequests", ...
  std::string message;  // human text, e.g. `pods is forbidden: User "x" cannot list ...`
  std::string details_kind;
  std::string details_name;
  std::string details_group;
  int32_t retry_after_seconds = 0;  // details.retryAfterSeconds
};

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };
std::string_view WatchEventTypeName(WatchEventType type);

// One line of a watch stream. For kBookmark only object.meta.resource_version is set; for
// kError `status` holds the server's Status (410 Expired means: relist).
template <typename T>
struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  T object;
  KubeStatus status;
};

// Supported T: Node, Pod, Workload, PodDisruptionBudget, PersistentVolume,
// PersistentVolumeClaim, Namespace, Service, EndpointSlice, ClusterEvent, NodeUsage, PodUsage
// (the last two from metrics.k8s.io NodeMetrics / PodMetrics).
template <typename T>
Result<T> DecodeObject(std::string_view json, const DecodeOptions& options = {});
template <typename T>
Result<ObjectList<T>> DecodeList(std::string_view json, const DecodeOptions& options = {});
template <typename T>
Result<WatchEvent<T>> DecodeWatchEvent(std::string_view json, const DecodeOptions& options = {});

Result<KubeStatus> DecodeStatus(std::string_view json);

inline Result<Pod> DecodePod(std::string_view json) { return DecodeObject<Pod>(json); }
inline Result<Node> DecodeNode(std::string_view json) { return DecodeObject<Node>(json); }
inline Result<ObjectList<Pod>> DecodePodList(std::string_view json) {
  return DecodeList<Pod>(json);
}
inline Result<ObjectList<Node>> DecodeNodeList(std::string_view json) {
  return DecodeList<Node>(json);
}
inline Result<Workload> DecodeWorkload(std::string_view json, WorkloadKind kind) {
  return DecodeObject<Workload>(json, {.workload_kind = kind});
}

using PodList = ObjectList<Pod>;
using NodeList = ObjectList<Node>;

}  // namespace cloudoptim
