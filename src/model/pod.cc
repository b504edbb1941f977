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

namespace {

// The scheduler's rule (PodRequests in k8s.io/component-helpers/resource). Init containers run
// one after another before the app containers, so the pod needs at any moment either one init
// container's resources or all app containers' together: the element-wise max of the two.
// Sidecars (restartable init containers) start in order and then keep running, so each adds
// to the app containers' sum, and every init container after a sidecar runs beside all the
// sidecars started before it. `pick` selects requests or limits.
template <typename Pick>
Resources EffectiveResources(const Pod& pod, Pick pick) {
  Resources app;
  for (const Container& c : pod.containers) app += pick(c);
  Resources sidecars;
  Resources init_peak;
  for (const Container& c : pod.init_containers) {
    if (c.restart_policy_always) {
      app += pick(c);
      sidecars += pick(c);
      init_peak = init_peak.Max(sidecars);
    } else {
      init_peak = init_peak.Max(pick(c) + sidecars);
    }
  }
  return app.Max(init_peak);
}

// Adds overhead only where the limit is set: a zero (absent) limit stays "unlimited".
int64_t WithOverhead(int64_t limit, int64_t overhead) { return limit == 0 ? 0 : limit + overhead; }

}  // namespace

Resources Pod::Requests() const {
  Resources total =
      EffectiveResources(*this, [](const Container& c) { return c.resources.requests; }) + overhead;
  total.pods = 1;
  return total;
}

// Same rule for limits (PodLimits), with overhead added only to limits that are set. A zero
// limit means "unlimited" in that dimension, which a sum cannot express; callers that care
// check the containers themselves.
Resources Pod::Limits() const {
  const Resources l =
      EffectiveResources(*this, [](const Container& c) { return c.resources.limits; });
  return {WithOverhead(l.cpu_millis, overhead.cpu_millis),
          WithOverhead(l.memory_bytes, overhead.memory_bytes),
          WithOverhead(l.ephemeral_storage_bytes, overhead.ephemeral_storage_bytes), 0,
          WithOverhead(l.gpus, overhead.gpus)};
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
