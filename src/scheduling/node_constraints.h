// The per-node checks that depend only on the pod's spec and the node (not on other pods):
// nodeSelector, required node affinity, taints/tolerations and unschedulable. The cluster
// state caches their results per distinct pod "placement class", so these run once per
// (class, node) pair, not once per pod.
//
//   if (!MatchesNodeSelectorAndAffinity(pod.node_selector, pod.affinity.required_node_terms,
//                                       node)) { ... }
#pragma once

#include <string_view>
#include <vector>

#include "model/node.h"
#include "model/pod.h"

namespace cloudoptim {

// nodeSelector (all labels equal) AND required node affinity (terms ORed, expressions and
// fields inside a term ANDed; matchFields supports metadata.name). An empty term list passes;
// a term with no requirements matches nothing, as in Kubernetes.
bool MatchesNodeSelectorAndAffinity(const Labels& node_selector,
                                    const std::vector<NodeSelectorTerm>& terms, const Node& node);

// Like the above, for a node that does not exist yet and of which only one label is known
// (a zone a new node could be launched in): only requirements on `key` are evaluated.
bool MayMatchDomain(const Labels& node_selector, const std::vector<NodeSelectorTerm>& terms,
                    std::string_view key, std::string_view value);

// True when every NoSchedule/NoExecute taint of the node is tolerated, and the node is not
// cordoned (or the pod tolerates node.kubernetes.io/unschedulable).
bool ToleratesNode(const std::vector<Toleration>& tolerations, const Node& node);
bool ToleratesUnschedulable(const std::vector<Toleration>& tolerations);

}  // namespace cloudoptim
