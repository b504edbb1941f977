#include "scheduling/daemonset_overhead.h"

#include "scheduling/node_constraints.h"

namespace cloudoptim {

std::vector<const Pod*> DaemonSetPodsFor(const std::vector<Workload>& workloads, const Node& node) {
  std::vector<const Pod*> pods;
  for (const Workload& w : workloads) {
    if (w.kind != WorkloadKind::kDaemonSet) continue;
    const Pod& t = w.pod_template;
    if (!MatchesNodeSelectorAndAffinity(t.node_selector, t.affinity.required_node_terms, node)) {
      continue;
    }
    if (!ToleratesAll(t.tolerations, node.taints)) continue;
    pods.push_back(&t);
  }
  return pods;
}

Resources DaemonSetOverhead(const std::vector<Workload>& workloads, const Node& node) {
  Resources total;
  for (const Pod* pod : DaemonSetPodsFor(workloads, node)) total += pod->Requests();
  return total;
}

}  // namespace cloudoptim
