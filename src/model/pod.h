// A Kubernetes Pod reduced to what scheduling, disruption and rightsizing need: containers
// with requests and limits, placement constraints, and status (phase, restarts, OOMKilled).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/label_selector.h"
#include "model/object_meta.h"
#include "model/resources.h"
#include "model/taint.h"

namespace cloudoptim {

struct ContainerResources {
  Resources requests;  // pods dimension unused
  Resources limits;    // zero in a dimension = no limit
};

struct ContainerState {
  // "waiting" | "running" | "terminated"; reason such as "OOMKilled", "CrashLoopBackOff".
  std::string state;
  std::string reason;
  int32_t exit_code = 0;
  std::optional<TimePoint> finished_at;
};

struct ContainerStatus {
  std::string name;
  bool ready = false;
  int32_t restart_count = 0;
  ContainerState current;
  std::optional<ContainerState> last_state;  // lastState.terminated when present

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
};

// nodeSelectorTerms: terms are ORed, requirements inside a term are ANDed. Requirements on
// fields (matchFields: metadata.name) are kept with key "metadata.name".
struct NodeSelectorTerm {
  std::vector<SelectorRequirement> match_expressions;
  std::vector<SelectorRequirement> match_fields;
};

struct PodAffinityTerm {
  LabelSelector label_selector;
  std::vector<std::string> namespaces;  // empty: the pod's own namespace
  std::string topology_key;             // "kubernetes.io/hostname", "topology.kubernetes.io/zone"
};

struct WeightedPodAffinityTerm {
  int32_t weight = 0;
  PodAffinityTerm term;
};

struct Affinity {
  std::vector<NodeSelectorTerm> required_node_terms;  // requiredDuringScheduling...
  std::vector<PodAffinityTerm> required_pod_affinity;
  std::vector<PodAffinityTerm> required_pod_anti_affinity;
  std::vector<WeightedPodAffinityTerm> preferred_pod_anti_affinity;
};

enum class UnsatisfiableAction { kDoNotSchedule, kScheduleAnyway };

struct TopologySpreadConstraint {
  int32_t max_skew = 1;
  std::string topology_key;
  UnsatisfiableAction when_unsatisfiable = UnsatisfiableAction::kDoNotSchedule;
  LabelSelector label_selector;
  std::optional<int32_t> min_domains;
};

enum class PodPhase { kPending, kRunning, kSucceeded, kFailed, kUnknown };
std::string_view PodPhaseName(PodPhase phase);

struct Volume {
  std::string name;
  std::string pvc_claim_name;  // persistentVolumeClaim.claimName, if that kind
  bool empty_dir = false;
  bool host_path = false;
};

struct Pod {
  ObjectMeta meta;
  std::vector<Container> containers;
  std::vector<Container> init_containers;
  std::string node_name;
  std::string scheduler_name;
  Labels node_selector;
  Affinity affinity;
  std::vector<Toleration> tolerations;
  std::vector<TopologySpreadConstraint> topology_spread;
  std::vector<Volume> volumes;
  int32_t priority = 0;
  std::string priority_class_name;
  Resources overhead;  // spec.overhead (RuntimeClass)
  PodPhase phase = PodPhase::kPending;
  std::vector<ContainerStatus> container_statuses;

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
