#include "engines/node_group.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <unordered_map>

namespace cloudoptim {
namespace {

constexpr std::array<std::string_view, 3> kGroupLabels = {
    labels::kCloudOptimNodeGroup, labels::kEksNodeGroup, labels::kKarpenterNodePool};

// The group a node belongs to: {name, label key}.
std::pair<std::string, std::string> GroupOf(const Node& node) {
  for (std::string_view key : kGroupLabels) {
    if (const std::string* value = node.meta.Label(key); value != nullptr && !value->empty()) {
      return {*value, std::string(key)};
    }
  }
  const std::string type = node.InstanceType();
  return {"type/" + (type.empty() ? std::string("unknown") : type), ""};
}

}  // namespace

std::vector<std::string> NodeGroup::Zones() const {
  std::set<std::string> zones;
  for (const Node* node : nodes) {
    if (std::string zone = node->Zone(); !zone.empty()) zones.insert(std::move(zone));
  }
  return {zones.begin(), zones.end()};
}

std::vector<NodeGroup> GroupNodes(const Snapshot& snapshot) {
  std::map<std::string, NodeGroup> groups;
  std::unordered_map<std::string_view, NodeGroup*> group_of_node;
  for (const Node& node : snapshot.nodes) {
    if (node.meta.deletion_timestamp) continue;
    auto [name, key] = GroupOf(node);
    NodeGroup& group = groups[name];
    group.name = name;
    group.label_key = key;
    group.nodes.push_back(&node);
    group_of_node[node.meta.name] = &group;
  }
  for (const Pod& pod : snapshot.pods) {
    if (pod.IsTerminal() || pod.node_name.empty()) continue;
    auto it = group_of_node.find(pod.node_name);
    if (it == group_of_node.end()) continue;
    if (pod.IsDaemonSetPod() || pod.IsMirrorPod()) {
      it->second->daemon_pods.push_back(&pod);
    } else {
      it->second->workload_pods.push_back(&pod);
    }
  }
  std::vector<NodeGroup> out;
  out.reserve(groups.size());
  for (auto& [name, group] : groups) out.push_back(std::move(group));
  return out;
}

bool PodAllowsSpot(const Pod& pod, const std::vector<std::string>& excluded_namespaces) {
  for (const std::string* value :
       {pod.meta.Annotation(labels::kCloudOptimSpot), pod.meta.Label(labels::kCloudOptimSpot)}) {
    if (value != nullptr && *value == "false") return false;
  }
  return std::find(excluded_namespaces.begin(), excluded_namespaces.end(),
                   pod.meta.namespace_name) == excluded_namespaces.end();
}

}  // namespace cloudoptim
