// Internal to src/kube: one decoder per model type, each reading a simdjson On-Demand value
// (an object of that Kubernetes kind) into the model struct. kube_json.cc wraps them into the
// public document, List and watch-event entry points.
#pragma once

#include "kube/json_reader.h"
#include "kube/kube_json.h"

namespace cloudoptim::kube_json {

Status DecodeInto(JsonValue value, Pod* out, const DecodeOptions& options);
Status DecodeInto(JsonValue value, Node* out, const DecodeOptions& options);
Status DecodeInto(JsonValue value, Workload* out, const DecodeOptions& options);
Status DecodeInto(JsonValue value, PodDisruptionBudget* out, const DecodeOptions& options);
Status DecodeInto(JsonValue value, PersistentVolume* out, const DecodeOptions& options);
Status DecodeInto(JsonValue value, PersistentVolumeClaim* out, const DecodeOptions& options);
Status DecodeInto(JsonValue value, Namespace* out, const DecodeOptions& options);
Status DecodeInto(JsonValue value, Service* out, const DecodeOptions& options);
Status DecodeInto(JsonValue value, EndpointSlice* out, const DecodeOptions& options);
Status DecodeInto(JsonValue value, ClusterEvent* out, const DecodeOptions& options);
Status DecodeInto(JsonValue value, NodeUsage* out, const DecodeOptions& options);
Status DecodeInto(JsonValue value, PodUsage* out, const DecodeOptions& options);
Status DecodeInto(JsonValue value, KubeStatus* out, const DecodeOptions& options);

// The pod spec alone (spec of a Pod, or of a workload's pod template).
Status ReadPodSpec(JsonValue value, Pod* out);
// A pod template {metadata, spec}.
Status ReadPodTemplate(JsonValue value, Pod* out);

// The Kubernetes kind name of each decoded type, for error messages ("decoding Pod: ...").
std::string_view KindName(const Pod*);
std::string_view KindName(const Node*);
std::string_view KindName(const Workload*);
std::string_view KindName(const PodDisruptionBudget*);
std::string_view KindName(const PersistentVolume*);
std::string_view KindName(const PersistentVolumeClaim*);
std::string_view KindName(const Namespace*);
std::string_view KindName(const Service*);
std::string_view KindName(const EndpointSlice*);
std::string_view KindName(const ClusterEvent*);
std::string_view KindName(const NodeUsage*);
std::string_view KindName(const PodUsage*);
std::string_view KindName(const KubeStatus*);

}  // namespace cloudoptim::kube_json
