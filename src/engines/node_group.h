// Node groups as the node-level engines (spot-optimize, node rightsizing) see a cluster: the
// nodes one provisioner manages together, with the pods running on them. A node belongs to
// the group its first present label names — `cloudoptim.io/node-group` (the customer's explicit
// override), then `eks.amazonaws.com/nodegroup`, then `karpenter.sh/nodepool` — else to the
// group of its instance type ("type/m5.large"), for self-managed nodes without any of them.
//
//   for (const NodeGroup& group : GroupNodes(snapshot)) { ... group.workload_pods ... }
#pragma once

#include <string>
#include <vector>

#include "model/node.h"
#include "model/pod.h"
#include "model/snapshot.h"

namespace cloudoptim {

struct NodeGroup {
  std::string name;       // the label value, or "type/<instance type>"
  std::string label_key;  // which label named it; empty when grouped by instance type
  std::vector<const Node*> nodes;
  // Non-terminal pods bound to the group's nodes, split: DaemonSet and mirror pods run on every
  // node whatever its type, so they count as per-node overhead, not as workload.
  std::vector<const Pod*> workload_pods;
  std::vector<const Pod*> daemon_pods;

  // "node-group/<name>", the target string recommendations use.
  std::string Target() const { return "node-group/" + name; }
  // Distinct zones of the nodes, sorted.
  std::vector<std::string> Zones() const;
};

// Groups in name order; nodes in snapshot order within a group. Nodes being deleted are left
// out (their provisioner is already replacing them).
std::vector<NodeGroup> GroupNodes(const Snapshot& snapshot);

// Whether a pod may run on spot capacity: not when it opts out (`cloudoptim.io/spot: "false"`
// as an annotation or a label), nor when its namespace is in `excluded_namespaces`.
bool PodAllowsSpot(const Pod& pod, const std::vector<std::string>& excluded_namespaces);

}  // namespace cloudoptim
