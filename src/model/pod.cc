#include "model/pod.h"

namespace cloudoptim {

std::string_view PodPhaseName(PodPhase phase) {
  switch (phase) {
    case PodPhase::kPending:
      return "Pending";
    case PodPhase::kRunning:
      return "Running";
    case PodPhase::kSucceeded:
      return "Succeeded";
    case PodPhase::kFailed:
      return "Failed";
    case PodPhase::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

// Init containers run one after another before the app containers, so the pod needs at any
// moment either one init container's resources or all app containers' together: the scheduler
// reserves the element-wise max of the two, plus the RuntimeClass overhead. (Sidecar init
// containers with restartPolicy=Always are not modelled; they are treated as plain init
// containers.)
Resources Pod::Requests() const {
  Resources sum;
  for (const Container& c : containers) sum += c.resources.requests;
  Resources init_max;
  for (const Container& c : init_containers) init_max = init_max.Max(c.resources.requests);
  Resources total = sum.Max(init_max) + overhead;
  total.pods = 1;
  return total;
}

// Same rule for limits. A zero limit means "unlimited" in that dimension, which a sum cannot
// express; callers that care check the containers themselves.
Resources Pod::Limits() const {
  Resources sum;
  for (const Container& c : containers) sum += c.resources.limits;
  Resources init_max;
  for (const Container& c : init_containers) init_max = init_max.Max(c.resources.limits);
  Resources total = sum.Max(init_max) + overhead;
  total.pods = 0;
  return total;
}

bool Pod::IsDaemonSetPod() const {
  const OwnerReference* owner = meta.ControllerRef();
  return owner != nullptr && owner->kind == "DaemonSet";
}

bool Pod::IsMirrorPod() const { return meta.Annotation("kubernetes.io/config.mirror") != nullptr; }

bool Pod::HasLocalStorage() const {
  for (const Volume& v : volumes) {
    if (v.empty_dir || v.host_path) return true;
  }
  return false;
}

int32_t Pod::RestartCount() const {
  int32_t total = 0;
  for (const ContainerStatus& s : container_statuses) total += s.restart_count;
  return total;
}

}  // namespace cloudoptim
