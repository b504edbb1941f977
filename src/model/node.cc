#include "model/node.h"

namespace cloudoptim {

std::string_view CapacityTypeName(CapacityType type) {
  switch (type) {
    case CapacityType::kOnDemand:
      return "on-demand";
    case CapacityType::kSpot:
      return "spot";
  }
  return "on-demand";
}

// The AWS cloud provider writes "aws:///<zone>/<instance-id>"; older clusters and some tools
// write "aws://<zone>/<instance-id>". Both carry the zone and the instance ID as the last two
// path segments. Fargate nodes use the same form with a non-EC2 ID, hence InstanceId() only
// reports IDs that look like EC2's ("i-...").
bool ParseAwsProviderId(std::string_view provider_id, std::string* zone, std::string* instance_id) {
  constexpr std::string_view kScheme = "aws://";
  if (!provider_id.starts_with(kScheme)) return false;
  std::string_view rest = provider_id.substr(kScheme.size());
  if (rest.starts_with('/')) rest.remove_prefix(1);
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view az = rest.substr(0, slash);
  const std::string_view id = rest.substr(slash + 1);
  if (az.empty() || id.empty() || id.find('/') != std::string_view::npos) return false;
  if (zone != nullptr) *zone = std::string(az);
  if (instance_id != nullptr) *instance_id = std::string(id);
  return true;
}

bool Node::IsReady() const {
  for (const NodeCondition& condition : conditions) {
    if (condition.type == "Ready") return condition.status == "True";
  }
  return false;
}

std::string Node::InstanceId() const {
  std::string zone, id;
  if (!ParseAwsProviderId(provider_id, &zone, &id) || !id.starts_with("i-")) return "";
  return id;
}

std::string Node::Zone() const {
  if (const std::string* zone = meta.Label(labels::kZone)) return *zone;
  std::string zone, id;
  if (!ParseAwsProviderId(provider_id, &zone, &id)) return "";
  return zone;
}

std::string Node::InstanceType() const {
  const std::string* type = meta.Label(labels::kInstanceType);
  return type == nullptr ? "" : *type;
}

// Karpenter writes "spot" / "on-demand"; EKS managed node groups write "SPOT" / "ON_DEMAND".
CapacityType Node::Capacity() const {
  if (const std::string* karpenter = meta.Label(labels::kKarpenterCapacityType)) {
    if (*karpenter == "spot") return CapacityType::kSpot;
  }
  if (const std::string* eks = meta.Label(labels::kEksCapacityType)) {
    if (*eks == "SPOT") return CapacityType::kSpot;
  }
  return CapacityType::kOnDemand;
}

}  // namespace cloudoptim
