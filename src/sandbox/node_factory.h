// Turns an EC2 instance that joined the cluster into the Node object EKS would register:
// EKS-style name (ip-10-0-1-23.ec2.internal), providerID aws:///<az>/<instance-id>, the
// well-known labels (instance type, zone, region, hostname, arch, os, capacity type in
// Karpenter's and EKS's spelling, node group), capacity and allocatable from the instance
// catalogue's instance type (vCPUs, memory, EKS max pods and the allocatable Karpenter computes
// for AL2023), Ready conditions and nodeInfo.
//
//   Result<const InstanceType*> type = FindNodeType(ShippedCatalog(), "m7g.large");
//   nlohmann::json node = MakeNodeObject(instance, "general", "us-east-1", **type);
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "catalog/catalog.h"
#include "common/error.h"
#include "model/cloud.h"

namespace cloudoptim::sandbox {

// "10.0.1.23" -> "ip-10-0-1-23.ec2.internal"
std::string NodeNameForIp(const std::string& private_ip);

nlohmann::json MakeNodeObject(const Ec2Instance& instance, const std::string& node_group,
                              const std::string& region, const InstanceType& type);

// The shipped catalogue (DefaultDataDirectory()), loaded once per process; nullptr when the
// data directory cannot be read. Nodes are shaped from it unless a catalogue is injected.
const Catalog* ShippedCatalog();

// The catalogue's type, or InvalidArgument naming it ("... has no entry in the instance
// catalogue") when unknown or when there is no catalogue.
Result<const InstanceType*> FindNodeType(const Catalog* catalog, std::string_view instance_type);

// The instance id from a node's providerID ("" when not an AWS node).
std::string InstanceIdOfNode(const nlohmann::json& node);

}  // namespace cloudoptim::sandbox
