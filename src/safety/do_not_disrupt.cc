#include "safety/do_not_disrupt.h"

namespace cloudoptim {
namespace {

std::optional<std::string> AnnotatedAs(const ObjectMeta& meta, std::string_view what,
                                       std::string_view key, std::string_view value) {
  const std::string* found = meta.Annotation(key);
  if (found == nullptr || *found != value) return std::nullopt;
  return std::string(what) + " " + meta.Key() + " has " + std::string(key) + ": \"" +
         std::string(value) + "\"";
}

}  // namespace

std::optional<std::string> PodDoNotDisruptReason(const Pod& pod) {
  if (auto r = AnnotatedAs(pod.meta, "pod", labels::kKarpenterDoNotDisrupt, "true")) return r;
  if (auto r = AnnotatedAs(pod.meta, "pod", labels::kCloudOptimDoNotDisrupt, "true")) return r;
  return AnnotatedAs(pod.meta, "pod", labels::kSafeToEvict, "false");
}

std::optional<std::string> NodeDoNotDisruptReason(const Node& node) {
  if (auto r = AnnotatedAs(node.meta, "node", labels::kKarpenterDoNotDisrupt, "true")) return r;
  return AnnotatedAs(node.meta, "node", labels::kCloudOptimDoNotDisrupt, "true");
}

std::optional<std::string> NodeDisruptionBlocker(const Node& node,
                                                 const std::vector<const Pod*>& pods_on_node) {
  if (auto reason = NodeDoNotDisruptReason(node)) return reason;
  for (const Pod* pod : pods_on_node) {
    if (pod->IsTerminal()) continue;
    if (auto reason = PodDoNotDisruptReason(*pod))
      return *reason + " (on node " + node.meta.name + ")";
  }
  return std::nullopt;
}

}  // namespace cloudoptim
