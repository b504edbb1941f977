// Opt-outs from voluntary disruption that CloudOptim honours, whoever set them: Karpenter's
// and our own do-not-disrupt annotation on a pod or node, and the cluster-autoscaler's
// safe-to-evict "false" on a pod.
//
//   if (auto why = NodeDisruptionBlocker(node, snapshot.PodsOnNode(node.meta.name))) refuse(*why);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/node.h"
#include "model/pod.h"

namespace cloudoptim {

// Why the pod must not be disrupted ("pod shop/cart has karpenter.sh/do-not-disrupt: true"),
// or nullopt. Values are compared exactly, as Karpenter and the autoscaler do.
std::optional<std::string> PodDoNotDisruptReason(const Pod& pod);
std::optional<std::string> NodeDoNotDisruptReason(const Node& node);
// The node's own annotation, else the first non-terminal pod on it that opts out.
std::optional<std::string> NodeDisruptionBlocker(const Node& node,
                                                 const std::vector<const Pod*>& pods_on_node);

}  // namespace cloudoptim
