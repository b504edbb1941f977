#include "model/snapshot.h"

namespace cloudoptim {

// Linear scans: snapshots hold at most a few thousand nodes, and engines that look nodes up in
// hot loops build their own index once.
const Node* Snapshot::FindNode(std::string_view name) const {
  for (const Node& node : nodes) {
    if (node.meta.name == name) return &node;
  }
  return nullptr;
}

const Namespace* Snapshot::FindNamespace(std::string_view name) const {
  for (const Namespace& ns : namespaces) {
    if (ns.meta.name == name) return &ns;
  }
  return nullptr;
}

std::vector<const Pod*> Snapshot::PodsOnNode(std::string_view node_name) const {
  std::vector<const Pod*> out;
  for (const Pod& pod : pods) {
    if (pod.node_name == node_name && !pod.IsTerminal()) out.push_back(&pod);
  }
  return out;
}

}  // namespace cloudoptim
