// The sandbox's kube-scheduler: binds pending pods to nodes, honouring requests vs
// allocatable, max pods, nodeSelector, required node affinity, taints/tolerations,
// unschedulable and NotReady nodes, required pod anti-affinity and topology spread
// (DoNotSchedule, maxSkew) on any topology key. Among feasible nodes it prefers the least
// allocated, as kube-scheduler's default scoring does.
//
// TODO(sandbox): replace ChooseNode's predicates with the shared scheduling simulator of
// src/scheduling (h/binpack) once its API is on main, so that the sandbox and the engines
// decide placement with one implementation. ChooseNode is the narrow seam for that swap.
//
//   std::vector<NodeCandidate> nodes = BuildCandidates(store, index);
//   Result<std::string> node = ChooseNode(pod_json, nodes);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "sandbox/object_store.h"
#include "sandbox/pod_index.h"

namespace cloudoptim::sandbox {

struct PlacedPod {
  std::string namespace_name;
  std::map<std::string, std::string, std::less<>> labels;
};

struct NodeCandidate {
  std::string name;
  nlohmann::json labels = nlohmann::json::object();
  nlohmann::json taints = nlohmann::json::array();
  bool unschedulable = false;
  bool ready = true;
  int64_t cpu_allocatable_millis = 0;
  int64_t memory_allocatable_bytes = 0;
  int64_t pods_allocatable = 0;
  int64_t cpu_requested_millis = 0;
  int64_t memory_requested_bytes = 0;
  int64_t pods_count = 0;
  std::vector<PlacedPod> pods;
};

nlohmann::json NodeLabelsOrEmpty(const nlohmann::json& node);
NodeCandidate CandidateFromNode(const nlohmann::json& node);

// Nodes from the store with what the pod index says is placed on them.
std::vector<NodeCandidate> BuildCandidates(const ObjectStore& store, const PodIndex& index);

// The best node for `pod`, or FailedPrecondition with kube-scheduler's style of message
// ("0/5 nodes are available: 3 Insufficient cpu, 2 node(s) had untolerated taint ...").
Result<std::string> ChooseNode(const nlohmann::json& pod, const std::vector<NodeCandidate>& nodes);

// Whether the pod tolerates every NoSchedule/NoExecute taint of the node.
bool ToleratesTaints(const nlohmann::json& pod_spec, const nlohmann::json& taints);

// Binds what it can of the pending, unbound pods; records Unschedulable conditions on the
// rest. Returns how many pods were bound.
int SchedulePendingPods(ObjectStore& store, const PodIndex& index, TimePoint now);

}  // namespace cloudoptim::sandbox
