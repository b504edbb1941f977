// DaemonSet overhead of a node that does not exist yet: the DaemonSet pods that would land on
// it (their node selector, affinity and tolerations admit it). On real nodes the overhead is
// just the bound DaemonSet pods, which the cluster state already counts.
//
//   Resources reserved = DaemonSetOverhead(snapshot.workloads, candidate_node);
//   candidate_node.allocatable -= reserved;  // or bind DaemonSetPodsFor(...) to it
#pragma once

#include <vector>

#include "model/node.h"
#include "model/resources.h"
#include "model/workload.h"

namespace cloudoptim {

// Pod templates of the DaemonSets that would run on `node` (unschedulable is ignored, as the
// DaemonSet controller tolerates it).
std::vector<const Pod*> DaemonSetPodsFor(const std::vector<Workload>& workloads, const Node& node);

// Sum of their requests (pods counted too).
Resources DaemonSetOverhead(const std::vector<Workload>& workloads, const Node& node);

}  // namespace cloudoptim
