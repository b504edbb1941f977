// Which instance types could replace the nodes of a node group: the shape the group needs
// (architecture, GPUs, types pinned by pods, the largest pod plus DaemonSet overhead) and the
// catalogue types that meet it and the policy. Shared by spot-optimize and node rightsizing.
//
//   GroupShape shape = DescribeGroup(group, catalog);
//   for (const InstanceType* type : CandidateTypes(catalog, "us-east-1", shape, policy)) ...
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "engines/node_group.h"
#include "engines/policy.h"
#include "model/resources.h"

namespace cloudoptim {

// A pod's node constraints (nodeSelector, required node affinity) and the labels of the node
// it runs on: a type is acceptable when that node, relabelled as the type, still matches.
struct PlacementConstraint {
  const Pod* pod = nullptr;
  Labels node_labels;
};

struct GroupShape {
  std::vector<const InstanceType*> current_types;  // distinct, catalogue-known only
  std::set<Architecture> architectures;            // what the pods can run on
  std::string gpu_name;                            // empty: a CPU group
  // Types the pods pin with nodeSelector / required node affinity on the instance-type label;
  // nullopt when nothing is pinned.
  std::optional<std::set<std::string>> pinned_types;
  // One per distinct set of node constraints among the workload pods.
  std::vector<PlacementConstraint> placement_constraints;
  Resources largest_pod;      // per dimension, over workload pods
  Resources daemon_overhead;  // per node: the most any node's DaemonSet pods request
  bool bare_metal = false;    // the group runs bare metal today
  bool burstable = false;     // the group runs burstable (t*) types today
};

// A pod's request as a node must hold it: requests, raised to observed usage plus `buffer`
// (0.2 = 20% headroom) where usage is known, so a busy pod with small requests is not packed
// onto a node it would overload. `usage` may be null.
Resources EffectiveRequest(const Pod& pod, const PodUsage* usage, double buffer);

GroupShape DescribeGroup(const NodeGroup& group, const Catalog& catalog);

// `node_labels` as a node of `type` would carry them: the well-known instance-type and arch
// labels and Karpenter's karpenter.k8s.aws/instance-* labels replaced by the type's.
Labels LabelsAsType(const InstanceType& type, const Labels& node_labels);
// Whether a node with `node_labels` satisfies the pod's nodeSelector and required node
// affinity (terms ORed, expressions ANDed; matchFields are not about the type and are ignored).
bool PodAcceptsNodeLabels(const Pod& pod, const Labels& node_labels);

// Whether the policy allows the type: family prefix allow/deny lists and architectures.
bool TypeAllowedByPolicy(const InstanceType& type, const Policy& policy);

// Current-generation types with an on-demand price (bare metal only for groups already on it,
// burstable types too unless the policy includes them: CPU credits and whole hosts are choices
// we do not make for anyone) in
// `region` that match the shape and the policy and can hold the largest pod next to the DaemonSet
// overhead; sorted by name.
std::vector<const InstanceType*> CandidateTypes(const Catalog& catalog, std::string_view region,
                                                const GroupShape& shape, const Policy& policy);

}  // namespace cloudoptim
