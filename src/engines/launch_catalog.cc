#include "engines/launch_catalog.h"

#include <algorithm>
#include <set>

#include "scheduling/daemonset_overhead.h"

namespace cloudoptim {
namespace {

// A policy names whole families ("m5" means m5.*, not m5a or m5n).
bool InFamilies(const std::string& family, const std::vector<std::string>& families) {
  return std::find(families.begin(), families.end(), family) != families.end();
}

}  // namespace

Money LaunchType::Hourly(CapacityType capacity, const std::string& zone) const {
  if (capacity == CapacityType::kOnDemand) return on_demand_hourly;
  for (const LaunchZone& z : zones) {
    if (z.zone == zone && z.safe_spot_hourly) return *z.safe_spot_hourly;
  }
  return Money();
}

bool LaunchType::SafeSpot(const std::string& zone) const {
  for (const LaunchZone& z : zones) {
    if (z.zone == zone) return z.safe_spot_hourly.has_value();
  }
  return false;
}

bool PolicyAllowsType(const Policy& policy, const InstanceType& type) {
  if (!policy.allowed_families.empty() && !InFamilies(type.family, policy.allowed_families)) {
    return false;
  }
  if (InFamilies(type.family, policy.excluded_families)) return false;
  std::string_view arch = ArchitectureName(type.arch);
  return std::find(policy.allowed_architectures.begin(), policy.allowed_architectures.end(),
                   arch) != policy.allowed_architectures.end();
}

LaunchCatalog LaunchCatalog::Build(const EngineInput& input) {
  const std::string& region = input.snapshot.region;
  LaunchCatalog launch = ForTypes(input.catalog, region, input.catalog.Zones(region), input.policy);
  std::vector<LaunchType> kept;
  for (LaunchType& t : launch.types_) {
    std::vector<LaunchZone> zones;
    for (const std::string& zone : input.catalog.ZonesOffering(region, t.type->name)) {
      LaunchZone z{zone};
      const PoolScore* score =
          input.pool_scores ? input.pool_scores->Find(t.type->name, zone) : nullptr;
      Result<Money> spot = input.catalog.SpotPriceEstimate(region, t.type->name);
      if (input.policy.spot_enabled && score &&
          score->safety_score >= input.policy.safety.min_pool_safety_score && spot) {
        z.safe_spot_hourly = *spot;
      }
      zones.push_back(std::move(z));
    }
    if (zones.empty()) continue;
    t.zones = std::move(zones);
    Node node = launch.TemplateNode(t, t.zones.front().zone, CapacityType::kOnDemand, "template");
    t.allocatable = (t.allocatable - DaemonSetOverhead(input.snapshot.workloads, node));
    if (t.allocatable.cpu_millis <= 0 || t.allocatable.memory_bytes <= 0 ||
        t.allocatable.pods <= 0) {
      continue;  // the DaemonSets alone would not fit
    }
    kept.push_back(std::move(t));
  }
  launch.types_ = std::move(kept);
  std::set<std::string> zones;
  for (const LaunchType& t : launch.types_) {
    for (const LaunchZone& z : t.zones) zones.insert(z.zone);
  }
  launch.zones_.assign(zones.begin(), zones.end());
  return launch;
}

LaunchCatalog LaunchCatalog::ForTypes(const Catalog& catalog, const std::string& region,
                                      const std::vector<std::string>& zones, const Policy& policy) {
  LaunchCatalog launch;
  launch.region_ = region;
  launch.zones_ = zones;
  for (const InstanceType& type : catalog.Types()) {
    if (!PolicyAllowsType(policy, type)) continue;
    Result<Money> price = catalog.OnDemandPrice(region, type.name);
    if (!price || price->micros() <= 0) continue;
    LaunchType t{&type, type.allocatable, *price};
    for (const std::string& z : zones) t.zones.push_back(LaunchZone{z});
    launch.types_.push_back(std::move(t));
  }
  std::stable_sort(launch.types_.begin(), launch.types_.end(),
                   [](const LaunchType& a, const LaunchType& b) {
                     return a.on_demand_hourly < b.on_demand_hourly;
                   });
  return launch;
}

const LaunchType* LaunchCatalog::Find(const std::string& name) const {
  for (const LaunchType& t : types_) {
    if (t.type->name == name) return &t;
  }
  return nullptr;
}

Node LaunchCatalog::TemplateNode(const LaunchType& t, const std::string& zone,
                                 CapacityType capacity, const std::string& name) const {
  Node node;
  node.meta.name = name;
  const InstanceType& type = *t.type;
  std::string capacity_name(CapacityTypeName(capacity));
  node.meta.labels = {
      {std::string(labels::kHostname), name},
      {std::string(labels::kInstanceType), type.name},
      {"beta.kubernetes.io/instance-type", type.name},
      {std::string(labels::kZone), zone},
      {"failure-domain.beta.kubernetes.io/zone", zone},
      {std::string(labels::kRegion), region_},
      {std::string(labels::kArch), std::string(ArchitectureName(type.arch))},
      {std::string(labels::kOs), "linux"},
      {std::string(labels::kKarpenterCapacityType), capacity_name},
      {std::string(labels::kEksCapacityType),
       capacity == CapacityType::kSpot ? "SPOT" : "ON_DEMAND"},
      {"karpenter.k8s.aws/instance-family", type.family},
      {"karpenter.k8s.aws/instance-category", type.category},
      {"karpenter.k8s.aws/instance-generation", std::to_string(type.generation)},
      {"karpenter.k8s.aws/instance-size", type.size},
      {"karpenter.k8s.aws/instance-cpu", std::to_string(type.vcpus)},
      {"karpenter.k8s.aws/instance-memory", std::to_string(type.memory_mib)},
  };
  node.capacity = type.allocatable;
  node.allocatable = t.allocatable;
  return node;
}

}  // namespace cloudoptim
