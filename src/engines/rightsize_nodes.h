// Node rightsizing: for each node group, the cheapest single instance type (and node count)
// that holds the group's pods — their requests, raised to observed usage plus the policy's
// buffer where usage is known — keeping the group's architecture, GPUs, pinned types and zone
// spread. Proposed only when it saves at least the policy's minimum.
//
//   Recommendations recs = RunRightsizeNodes(input);
#pragma once

#include <vector>

#include "engines/engine.h"
#include "model/resources.h"

namespace cloudoptim {

// Each recommendation carries one kChangeNodeGroupMix action on "node-group/<name>" with
// parameters: instance_types (the one new type), node_count, capacity_type ("on-demand" |
// "spot"), from_instance_types, from_node_count, basis ("requests" | "requests+usage").
Recommendations RunRightsizeNodes(const EngineInput& input);

// First-fit decreasing: how many nodes offering `per_node` hold every pod in `pods` (each a
// request vector, pods = 1). Pods that fit no empty node make it return -1.
int32_t NodesNeeded(std::vector<Resources> pods, const Resources& per_node);

}  // namespace cloudoptim
