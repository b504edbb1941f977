#include "engines/instance_candidates.h"

#include <algorithm>
#include <map>

namespace cloudoptim {
namespace {

constexpr std::string_view kBetaInstanceType = "beta.kubernetes.io/instance-type";

bool IsInstanceTypeKey(std::string_view key) {
  return key == labels::kInstanceType || key == kBetaInstanceType;
}

// The instance types one pod allows, or nullopt when it does not constrain them. Required
// node-affinity terms are ORed, so the pod pins types only when every term does.
std::optional<std::set<std::string>> TypesPinnedBy(const Pod& pod) {
  std::optional<std::set<std::string>> pinned;
  for (const auto& [key, value] : pod.node_selector) {
    if (IsInstanceTypeKey(key)) pinned = std::set<std::string>{value};
  }
  const auto& terms = pod.affinity.required_node_terms;
  if (terms.empty()) return pinned;
  std::set<std::string> from_terms;
  for (const NodeSelectorTerm& term : terms) {
    bool term_pins = false;
    for (const SelectorRequirement& req : term.match_expressions) {
      if (!IsInstanceTypeKey(req.key) || req.op != SelectorOperator::kIn) continue;
      term_pins = true;
      from_terms.insert(req.values.begin(), req.values.end());
    }
    if (!term_pins) return pinned;
  }
  if (!pinned) return from_terms;
  std::set<std::string> both;
  std::set_intersection(pinned->begin(), pinned->end(), from_terms.begin(), from_terms.end(),
                        std::inserter(both, both.begin()));
  return both;
}

// A key identifying a pod's node constraints, so pods of one workload are checked once.
std::string ConstraintKey(const Pod& pod) {
  std::string key;
  for (const auto& [k, v] : pod.node_selector) key += k + "=" + v + ";";
  for (const NodeSelectorTerm& term : pod.affinity.required_node_terms) {
    key += "|";
    for (const SelectorRequirement& req : term.match_expressions) key += req.ToString() + ";";
  }
  return key;
}

constexpr std::string_view kKarpenterTypeLabelPrefix = "karpenter.k8s.aws/instance-";

}  // namespace

Labels LabelsAsType(const InstanceType& type, const Labels& node_labels) {
  const std::string arch(ArchitectureName(type.arch));
  const std::string prefix(kKarpenterTypeLabelPrefix);
  std::vector<std::pair<std::string, std::string>> type_labels = {
      {std::string(labels::kInstanceType), type.name},
      {std::string(kBetaInstanceType), type.name},
      {std::string(labels::kArch), arch},
      {"beta.kubernetes.io/arch", arch},
      {prefix + "family", type.family},
      {prefix + "category", type.category},
      {prefix + "generation", std::to_string(type.generation)},
      {prefix + "size", type.size},
      {prefix + "cpu", std::to_string(type.vcpus)},
      {prefix + "memory", std::to_string(type.memory_mib)}};
  if (type.gpus > 0) {
    type_labels.emplace_back(prefix + "gpu-count", std::to_string(type.gpus));
    type_labels.emplace_back(prefix + "gpu-name", type.gpu_name);
  }
  // The node's labels minus its own type's, then the type's (later pairs win): one new set.
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (const auto& [key, value] : node_labels) {
    if (!key.starts_with(kKarpenterTypeLabelPrefix)) pairs.emplace_back(key, value);
  }
  for (const auto& [key, value] : type_labels) pairs.emplace_back(key, value);
  return Labels::FromPairs(std::move(pairs));
}

bool PodAcceptsNodeLabels(const Pod& pod, const Labels& node_labels) {
  for (const auto& [key, value] : pod.node_selector) {
    auto it = node_labels.find(key);
    if (it == node_labels.end() || it->second != value) return false;
  }
  const auto& terms = pod.affinity.required_node_terms;
  if (terms.empty()) return true;
  return std::any_of(terms.begin(), terms.end(), [&](const NodeSelectorTerm& term) {
    return std::all_of(term.match_expressions.begin(), term.match_expressions.end(),
                       [&](const SelectorRequirement& req) { return req.Matches(node_labels); });
  });
}

Resources EffectiveRequest(const Pod& pod, const PodUsage* usage, double buffer) {
  Resources request = pod.Requests();
  if (usage == nullptr) return request;
  int64_t cpu_millis = 0;
  int64_t memory_bytes = 0;
  for (const ContainerUsage& container : usage->containers) {
    cpu_millis += container.cpu_millis;
    memory_bytes += container.memory_bytes;
  }
  const double factor = 1.0 + std::max(0.0, buffer);
  request.cpu_millis =
      std::max(request.cpu_millis, static_cast<int64_t>(static_cast<double>(cpu_millis) * factor));
  request.memory_bytes = std::max(request.memory_bytes,
                                  static_cast<int64_t>(static_cast<double>(memory_bytes) * factor));
  return request;
}

GroupShape DescribeGroup(const NodeGroup& group, const Catalog& catalog) {
  GroupShape shape;
  for (const Node* node : group.nodes) {
    const InstanceType* type = catalog.FindType(node->InstanceType());
    if (type == nullptr) continue;
    if (std::find(shape.current_types.begin(), shape.current_types.end(), type) ==
        shape.current_types.end()) {
      shape.current_types.push_back(type);
    }
    shape.architectures.insert(type->arch);
    if (type->gpus > 0) shape.gpu_name = type->gpu_name;
    shape.bare_metal = shape.bare_metal || type->bare_metal;
    shape.burstable = shape.burstable || type->burstable;
  }
  std::map<std::string_view, const Node*> nodes_by_name;
  for (const Node* node : group.nodes) nodes_by_name[node->meta.name] = node;
  std::set<std::string> constraint_keys;
  for (const Pod* pod : group.workload_pods) {
    if (pod->node_selector.empty() && pod->affinity.required_node_terms.empty()) continue;
    if (!constraint_keys.insert(ConstraintKey(*pod)).second) continue;
    auto node = nodes_by_name.find(pod->node_name);
    shape.placement_constraints.push_back(
        {pod, node == nodes_by_name.end() ? Labels{} : node->second->meta.labels});
  }
  std::map<std::string_view, Resources> daemon_per_node;
  for (const Pod* pod : group.daemon_pods) daemon_per_node[pod->node_name] += pod->Requests();
  for (const auto& [node, overhead] : daemon_per_node) {
    shape.daemon_overhead = shape.daemon_overhead.Max(overhead);
  }
  for (const Pod* pod : group.workload_pods) {
    shape.largest_pod = shape.largest_pod.Max(pod->Requests());
    if (auto arch = pod->node_selector.find(labels::kArch); arch != pod->node_selector.end()) {
      std::erase_if(shape.architectures,
                    [&](Architecture a) { return ArchitectureName(a) != arch->second; });
    }
    std::optional<std::set<std::string>> pinned = TypesPinnedBy(*pod);
    if (!pinned) continue;
    if (!shape.pinned_types) {
      shape.pinned_types = std::move(pinned);
      continue;
    }
    std::erase_if(*shape.pinned_types, [&](const std::string& t) { return !pinned->count(t); });
  }
  return shape;
}

bool TypeAllowedByPolicy(const InstanceType& type, const Policy& policy) {
  if (!FamilyAllowed(type.family, policy)) return false;
  const auto& archs = policy.allowed_architectures;
  return std::find(archs.begin(), archs.end(), ArchitectureName(type.arch)) != archs.end();
}

std::vector<const InstanceType*> CandidateTypes(const Catalog& catalog, std::string_view region,
                                                const GroupShape& shape, const Policy& policy) {
  std::vector<const InstanceType*> out;
  const Resources needed = shape.largest_pod + shape.daemon_overhead;
  for (const InstanceType& type : catalog.Types()) {
    // Generation >= 5 counts as current: the shipped flag wrongly marks m5/c5/r5/m6i previous.
    const bool current = type.current_generation || type.generation >= 5;
    if (!current || (type.bare_metal && !shape.bare_metal)) continue;
    if (type.burstable && !shape.burstable &&
        policy.burstable_instances == BurstableInstances::kExcluded) {
      continue;
    }
    if (!shape.architectures.count(type.arch)) continue;
    if (shape.gpu_name.empty() ? type.gpus > 0 : type.gpu_name != shape.gpu_name) continue;
    if (shape.pinned_types && !shape.pinned_types->count(type.name)) continue;
    if (!TypeAllowedByPolicy(type, policy)) continue;
    if (!needed.FitsIn(type.allocatable)) continue;
    const bool accepted =
        std::all_of(shape.placement_constraints.begin(), shape.placement_constraints.end(),
                    [&](const PlacementConstraint& c) {
                      return PodAcceptsNodeLabels(*c.pod, LabelsAsType(type, c.node_labels));
                    });
    if (!accepted) continue;
    if (!catalog.OnDemandPrice(region, type.name)) continue;
    out.push_back(&type);
  }
  return out;
}

}  // namespace cloudoptim
