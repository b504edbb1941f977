// Nodes read from the configuration LP: the LP's fractional configuration counts floored,
// each floored configuration one node filled with real pods of its shapes. The LP-guided
// packer opens these nodes first and packs the pods left over (the residue) greedily.
//
//   std::vector<GuidedNode> nodes = GuideByConfigLp(pod_requests, options, limits);
//   for (const GuidedNode& n : nodes) ... a node of options[n.option] holding n.pods ...
#pragma once

#include <cstdint>
#include <vector>

#include "engines/config_lp.h"
#include "engines/cost_lower_bound.h"
#include "model/resources.h"

namespace cloudoptim {

struct GuidedNode {
  int32_t option = 0;        // index into the options given
  std::vector<size_t> pods;  // indices into the pods given; their requests fit the option
};

// Empty when the LP cannot be solved. Pods are grouped into at most `max_shapes` mean-request
// shapes over the candidate options (the cheapest per shape and for the batch); a pod joins a
// node only while the node's real free capacity holds it, so every node is a valid packing of
// requests (placement constraints are the caller's to check). Pods no node took are the
// residue, not listed.
std::vector<GuidedNode> GuideByConfigLp(const std::vector<Resources>& pods,
                                        const std::vector<PriceOption>& options, size_t max_shapes,
                                        const ConfigLpLimits& limits);

}  // namespace cloudoptim
