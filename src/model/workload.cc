#include "model/workload.h"

namespace cloudoptim {

std::string_view WorkloadKindName(WorkloadKind kind) {
  switch (kind) {
    case WorkloadKind::kDeployment:
      return "Deployment";
    case WorkloadKind::kReplicaSet:
      return "ReplicaSet";
    case WorkloadKind::kStatefulSet:
      return "StatefulSet";
    case WorkloadKind::kDaemonSet:
      return "DaemonSet";
    case WorkloadKind::kJob:
      return "Job";
    case WorkloadKind::kCronJob:
      return "CronJob";
  }
  return "Deployment";
}

}  // namespace cloudoptim
