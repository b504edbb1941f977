// A Kubernetes Pod reduced to what scheduling, disruption and rightsizing need: containers
// with requests and limits, placement constraints, and status (phase, restarts, OOMKilled).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/interned_list.h"
#include "model/interned_string.h"
#include "model/label_selector.h"
#include "model/object_meta.h"
#include "model/resources.h"
#include "model/taint.h"

namespace cloudoptim {

struct ContainerResources {
  Resources requests;  // pods dimension unused
  Resources limits;    // zero in a dimension = no limit
  bool operator==(const ContainerResources&) const = default;
};

struct ContainerState {
  // "waiting" | "running" | "terminated"; reason such as "OOMKilled", "CrashLoopBackOff".
  std::string state;
  std::string reason;
  int32_t exit_code = 0;
  std::optional<TimePoint> finished_at;
  bool operator==(const ContainerState&) const = default;
};

struct ContainerStatus {
  std::string name;
  bool ready = false;
  int32_t restart_count = 0;
  ContainerState current;
  std::optional<ContainerState> last_state;  // lastState.terminated when present

  bool operator==(const ContainerStatus&) const = default;
  bool LastTerminationWasOomKilled() const {
    return last_state && last_state->reason == "OOMKilled";
  }
};

struct Container {
  std::string name;
  std::string image;
  ContainerResources resources;
  // An init container with restartPolicy: Always is a sidecar (Kubernetes 1.29+): it keeps
  // running beside the app containers, so its requests add to theirs.
  bool restart_policy_always = false;
  bool operator==(const Container&) const = default;
};

// nodeSelectorTerms: terms are ORed, requirements inside a term are ANDed. Requirements on
// fields (matchFields: metadata.name) are kept with key "metadata.name".
struct NodeSelectorTerm {
  std::vector<SelectorRequirement> match_expressions;
  std::vector<SelectorRequirement> match_fields;
  bool operator==(const NodeSelectorTerm&) const = default;
};

struct PodAffinityTerm {
  LabelSelector label_selector;
  std::vector<std::string> namespaces;  // empty: the pod's own namespace
  std::string topology_key;             // "kubernetes.io/hostname", "topology.kubernetes.io/zone"
  bool operator==(const PodAffinityTerm&) const = default;
};

struct WeightedPodAffinityTerm {
  int32_t weight = 0;
  PodAffinityTerm term;
  bool operator==(const WeightedPodAffinityTerm&) const = default;
};

struct Affinity {
  InternedList<NodeSelectorTerm> required_node_terms;  // requiredDuringScheduling...
  InternedList<PodAffinityTerm> required_pod_affinity;
  InternedList<PodAffinityTerm> required_pod_anti_affinity;
  InternedList<WeightedPodAffinityTerm> preferred_pod_anti_affinity;
};

enum class UnsatisfiableAction { kDoNotSchedule, kScheduleAnyway };

struct TopologySpreadConstraint {
  int32_t max_skew = 1;
  std::string topology_key;
  UnsatisfiableAction when_unsatisfiable = UnsatisfiableAction::kDoNotSchedule;
  LabelSelector label_selector;
  std::optional<int32_t> min_domains;
  bool operator==(const TopologySpreadConstraint&) const = default;
};

enum class PodPhase { kPending, kRunning, kSucceeded, kFailed, kUnknown };
std::string_view PodPhaseName(PodPhase phase);

struct Volume {
  std::string name;
  std::string pvc_claim_name;  // persistentVolumeClaim.claimName, if that kind
  bool empty_dir = false;
  bool host_path = false;
  bool operator==(const Volume&) const = default;
};

// Content hashes for interning (pod_hash.cc).
size_t HashValue(const ContainerStatus& status);
size_t HashValue(const Container& container);
size_t HashValue(const NodeSelectorTerm& term);
size_t HashValue(const PodAffinityTerm& term);
size_t HashValue(const WeightedPodAffinityTerm& term);
size_t HashValue(const TopologySpreadConstraint& constraint);
size_t HashValue(const Volume& volume);

// Lists and label sets are interned (interned_list.h, labels.h): pods of one workload share
// one copy of each, which keeps a pod near 0.5 KB (docs/design/pod-memory.md).
struct Pod {
  ObjectMeta meta;
  InternedList<Container> containers;
  InternedList<Container> init_containers;
  std::string node_name;
  InternedString scheduler_name;
  Labels node_selector;
  Affinity affinity;
  InternedList<Toleration> tolerations;
  InternedList<TopologySpreadConstraint> topology_spread;
  InternedList<Volume> volumes;
  int32_t priority = 0;
  PodPhase phase = PodPhase::kPending;
  InternedString priority_class_name;
  Resources overhead;  // spec.overhead (RuntimeClass)
  InternedList<ContainerStatus> container_statuses;

  // What the scheduler counts: max(sum of containers, max of init containers) + overhead,
  // with pods = 1; sidecar init containers count with the app containers (see pod.cc).
  Resources Requests() const;
  Resources Limits() const;
  bool IsTerminal() const { return phase == PodPhase::kSucceeded || phase == PodPhase::kFailed; }
  bool IsDaemonSetPod() const;   // controller is a DaemonSet
  bool IsMirrorPod() const;      // static pod (kubernetes.io/config.mirror annotation)
  bool HasLocalStorage() const;  // emptyDir or hostPath volumes
  int32_t RestartCount() const;
};

}  // namespace cloudoptim
