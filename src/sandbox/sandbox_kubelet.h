// The kubelets of every node, simulated: bound pods start (Running, Ready, container
// statuses, pod IP), Job pods complete after their run time, pods past their deletion grace
// period go away, and OOM-prone containers whose simulated memory passes their limit are
// OOMKilled: lastState.terminated.reason OOMKilled, restartCount + 1, and a Warning Event.
// Also serves the usage that metrics.k8s.io reports (via UsageOf).
//
//   SandboxKubelet kubelet(&store, &index, /*seed=*/7);
//   kubelet.Tick(clock.Now());
#pragma once

#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/clock.h"
#include "sandbox/object_store.h"
#include "sandbox/pod_index.h"
#include "sandbox/usage_model.h"

namespace cloudoptim::sandbox {

// How long a Job pod runs before it succeeds (annotation on the pod template).
inline constexpr std::string_view kRunSecondsAnnotation = "sandbox.cloudoptim.io/run-seconds";
// The exit code a Job pod ends with (default 0; anything else makes the pod Failed).
inline constexpr std::string_view kExitCodeAnnotation = "sandbox.cloudoptim.io/exit-code";

class SandboxKubelet {
 public:
  SandboxKubelet(ObjectStore* store, const PodIndex* index, uint64_t seed)
      : store_(store), index_(index), seed_(seed) {}

  void Tick(TimePoint now);

  // The usage of one container now (deterministic in seed, pod and time).
  ContainerUsage UsageOf(const PodRecord& pod, const ContainerRecord& container,
                         TimePoint now) const;

  // Marks a pod Running with Ready containers on its node (also used by the generator to
  // build large clusters without waiting for ticks).
  static void MarkRunning(nlohmann::json& pod, TimePoint now, const std::string& pod_ip);

 private:
  void StartPod(const PodRecord& pod, TimePoint now);
  void CompleteJobPod(const PodRecord& pod, TimePoint now);
  void CheckOom(const PodRecord& pod, TimePoint now);

  ObjectStore* store_;
  const PodIndex* index_;
  uint64_t seed_;
  uint64_t next_ip_ = 0;
  std::map<std::string, TimePoint> last_oom_;  // "ns/name/container" -> when
};

}  // namespace cloudoptim::sandbox
