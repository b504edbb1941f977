// Turns an EC2 instance that joined the cluster into the Node object EKS would register:
// EKS-style name (ip-10-0-1-23.ec2.internal), providerID aws:///<az>/<instance-id>, the
// well-known labels (instance type, zone, region, hostname, arch, os, capacity type in
// Karpenter's and EKS's spelling, node group), capacity and allocatable from the instance
// shape, Ready conditions and nodeInfo.
//
//   nlohmann::json node = MakeNodeObject(instance, "general", "us-east-1", *shape);
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "model/cloud.h"
#include "sandbox/instance_shapes.h"

namespace cloudoptim::sandbox {

// "10.0.1.23" -> "ip-10-0-1-23.ec2.internal"
std::string NodeNameForIp(const std::string& private_ip);

nlohmann::json MakeNodeObject(const Ec2Instance& instance, const std::string& node_group,
                              const std::string& region, const InstanceShape& shape);

// The instance id from a node's providerID ("" when not an AWS node).
std::string InstanceIdOfNode(const nlohmann::json& node);

}  // namespace cloudoptim::sandbox
