// Workload controllers: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob.
// One struct with a kind, since the engines treat them alike (replicas, a pod template).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/label_selector.h"
#include "model/object_meta.h"
#include "model/pod.h"

namespace cloudoptim {

enum class WorkloadKind { kDeployment, kReplicaSet, kStatefulSet, kDaemonSet, kJob, kCronJob };
std::string_view WorkloadKindName(WorkloadKind kind);  // "Deployment", ...

struct Workload {
  WorkloadKind kind = WorkloadKind::kDeployment;
  ObjectMeta meta;
  std::optional<int32_t> replicas;  // spec.replicas (Deployment, ReplicaSet, StatefulSet)
  int32_t ready_replicas = 0;
  LabelSelector selector;
  Pod pod_template;        // spec.template (jobTemplate.spec.template for CronJob)
  std::string schedule;    // CronJob only
  bool suspended = false;  // CronJob spec.suspend
  std::vector<std::string> volume_claim_templates;  // StatefulSet PVC template names
};

// A PodDisruptionBudget (policy/v1).
struct PodDisruptionBudget {
  ObjectMeta meta;
  LabelSelector selector;
  // Exactly one of these is set; percentages are kept as written ("50%").
  std::optional<std::string> min_available;
  std::optional<std::string> max_unavailable;
  // status, as the disruption controller computed it.
  int32_t current_healthy = 0;
  int32_t desired_healthy = 0;
  int32_t expected_pods = 0;
  int32_t disruptions_allowed = 0;
};

}  // namespace cloudoptim
