// Test-only: a Ready, empty on-demand node of a catalogue type, labelled as EKS and Karpenter
// label theirs, for tests of the engines and of what serves them. Included only by *_test.cc.
//
//   snapshot.nodes.push_back(IdleOnDemandNode("n1", "us-east-1a", *catalog.FindType("m5.large")));
#pragma once

#include <string>

#include "catalog/instance_type.h"
#include "model/node.h"

namespace cloudoptim {

inline Node IdleOnDemandNode(const std::string& name, const std::string& zone,
                             const InstanceType& type) {
  Node node;
  node.meta.name = name;
  node.meta.labels = {{std::string(labels::kInstanceType), type.name},
                      {std::string(labels::kZone), zone},
                      {std::string(labels::kHostname), name},
                      {std::string(labels::kKarpenterCapacityType), "on-demand"}};
  node.provider_id = "aws:///" + zone + "/i-0" + name;
  node.capacity = type.allocatable;
  node.allocatable = type.allocatable;
  node.conditions.push_back({.type = "Ready", .status = "True"});
  return node;
}

}  // namespace cloudoptim
