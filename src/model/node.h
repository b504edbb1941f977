// A Kubernetes Node as CloudOptim sees it: what it offers (allocatable), where it is
// (zone, instance type, capacity type from well-known labels) and whether it is usable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/object_meta.h"
#include "model/resources.h"
#include "model/taint.h"

namespace cloudoptim {

// Well-known labels and annotations (Kubernetes, EKS, Karpenter, ours).
namespace labels {
inline constexpr std::string_view kInstanceType = "node.kubernetes.io/instance-type";
inline constexpr std::string_view kZone = "topology.kubernetes.io/zone";
inline constexpr std::string_view kRegion = "topology.kubernetes.io/region";
inline constexpr std::string_view kHostname = "kubernetes.io/hostname";
inline constexpr std::string_view kArch = "kubernetes.io/arch";
inline constexpr std::string_view kOs = "kubernetes.io/os";
inline constexpr std::string_view kKarpenterCapacityType = "karpenter.sh/capacity-type";
inline constexpr std::string_view kEksCapacityType = "eks.amazonaws.com/capacityType";
inline constexpr std::string_view kEksNodeGroup = "eks.amazonaws.com/nodegroup";
inline constexpr std::string_view kKarpenterNodePool = "karpenter.sh/nodepool";
inline constexpr std::string_view kKarpenterDoNotDisrupt = "karpenter.sh/do-not-disrupt";
inline constexpr std::string_view kSafeToEvict = "cluster-autoscaler.kubernetes.io/safe-to-evict";
inline constexpr std::string_view kCloudOptimDoNotDisrupt = "cloudoptim.io/do-not-disrupt";
inline constexpr std::string_view kCloudOptimSpot = "cloudoptim.io/spot";
inline constexpr std::string_view kCloudOptimNodeGroup = "cloudoptim.io/node-group";
inline constexpr std::string_view kEnvironment = "environment";
}  // namespace labels

enum class CapacityType { kOnDemand, kSpot };
std::string_view CapacityTypeName(CapacityType type);  // "on-demand" | "spot"

struct NodeCondition {
  std::string type;    // "Ready", "MemoryPressure", ...
  std::string status;  // "True" | "False" | "Unknown"
  std::string reason;
};

struct Node {
  ObjectMeta meta;
  std::string provider_id;  // "aws:///us-east-1a/i-0123456789abcdef0"
  bool unschedulable = false;
  std::vector<Taint> taints;
  Resources capacity;
  Resources allocatable;
  std::vector<NodeCondition> conditions;

  bool IsReady() const;
  // From providerID; empty when it is not an AWS provider ID.
  std::string InstanceId() const;
  std::string Zone() const;          // label, else from providerID
  std::string InstanceType() const;  // label
  // From the Karpenter or EKS label; on-demand when neither says spot.
  CapacityType Capacity() const;
};

// "aws:///us-east-1a/i-0abc" -> {"us-east-1a", "i-0abc"}; also accepts "aws://us-east-1a/i-..."
// Returns false for other providers.
bool ParseAwsProviderId(std::string_view provider_id, std::string* zone, std::string* instance_id);

}  // namespace cloudoptim
