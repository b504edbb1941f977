// One step of a Deployment rollout, as the deployment controller computes it: how many
// replicas the new ReplicaSet (the one matching the current pod template) and each old one
// should have now, under RollingUpdate (maxSurge / maxUnavailable, defaults 25% / 25%) or
// Recreate. The controller applies a step per reconcile; pods becoming Ready move it on.
//
//   RolloutStrategy strategy = ParseRolloutStrategy(deployment["spec"], replicas).value();
//   std::vector<int64_t> target = NextRolloutStep(replicas, strategy, replica_sets);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/error.h"

namespace cloudoptim::sandbox {

struct RolloutStrategy {
  bool recreate = false;
  int64_t max_surge = 1;        // absolute, resolved against the desired replicas
  int64_t max_unavailable = 0;  // absolute
};

// spec.strategy of a Deployment. Percentages resolve as Kubernetes does: maxSurge rounds up,
// maxUnavailable down, and both zero makes maxUnavailable 1. InvalidArgument naming the
// field for a malformed value ("spec.strategy.rollingUpdate.maxSurge: bad value \"x%\"").
Result<RolloutStrategy> ParseRolloutStrategy(const nlohmann::json& deployment_spec,
                                             int64_t replicas);

// An int-or-percent field resolved against `total` ("25%" of 10 = 2.5, rounded up or down).
Result<int64_t> ResolveIntOrPercent(const nlohmann::json& value, int64_t total, bool round_up,
                                    const std::string& field);

struct RolloutReplicaSet {
  bool is_new = false;
  int64_t replicas = 0;   // spec.replicas now
  int64_t active = 0;     // pods not terminating nor finished
  int64_t available = 0;  // of those, Ready
};

// Target spec.replicas for each replica set (same order). RollingUpdate: the new set grows
// while the total stays within replicas + maxSurge; old sets shrink (oldest first) while the
// available pods stay at least replicas - maxUnavailable, and pods that are not available
// may always go. Recreate: old sets go to zero, and the new set grows only once no old pod
// is left.
std::vector<int64_t> NextRolloutStep(int64_t replicas, const RolloutStrategy& strategy,
                                     const std::vector<RolloutReplicaSet>& sets);

}  // namespace cloudoptim::sandbox
