// What the provisioner may launch in a cluster's region: every catalogue type the policy
// allows, with its allocatable after DaemonSet overhead, its on-demand price, the zones that
// offer it and, per zone, its spot price when that pool is safe enough. Also builds the
// hypothetical Node a launch would register, so the scheduling simulator can test pods on it.
//
//   LaunchCatalog launch = LaunchCatalog::Build(input);
//   for (const LaunchType& t : launch.types()) { ... t.on_demand_hourly ... }
//   Node n = launch.TemplateNode(t, "us-east-1a", CapacityType::kSpot, "new-1");
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/instance_type.h"
#include "common/money.h"
#include "engines/engine.h"
#include "model/node.h"

namespace cloudoptim {

struct LaunchZone {
  std::string zone;
  std::optional<Money> safe_spot_hourly;  // set when the spot pool meets the safety threshold
};

struct LaunchType {
  const InstanceType* type = nullptr;
  Resources allocatable;  // the type's allocatable minus DaemonSet pods that would land on it
  Money on_demand_hourly;
  std::vector<LaunchZone> zones;  // sorted by name

  Money Hourly(CapacityType capacity, const std::string& zone) const;  // zero when unavailable
  bool SafeSpot(const std::string& zone) const;
};

class LaunchCatalog {
 public:
  // Types without an on-demand price in the region, excluded by the policy's families or
  // architectures, or offered in no zone are left out. DaemonSet overhead comes from the
  // snapshot's DaemonSet workloads.
  static LaunchCatalog Build(const EngineInput& input);
  // For benchmarks and tests: explicit zones, no DaemonSets, spot never safe.
  static LaunchCatalog ForTypes(const Catalog& catalog, const std::string& region,
                                const std::vector<std::string>& zones, const Policy& policy);

  const std::vector<LaunchType>& types() const { return types_; }  // by on-demand price
  const LaunchType* Find(const std::string& name) const;
  const std::vector<std::string>& zones() const { return zones_; }
  const std::string& region() const { return region_; }
  // Indices into types(), in order, of the types NonDominatedIndices keeps (no type dominates
  // them: as much of every resource, no dearer) at their on-demand price, or, for kSpot,
  // among the types with a safe spot pool at their cheapest such price. Depends only on the
  // catalogue, so it is found once here rather than by every packing call.
  const std::vector<size_t>& Undominated(CapacityType capacity) const {
    return capacity == CapacityType::kSpot ? undominated_spot_ : undominated_on_demand_;
  }

  // The Node a launch would register: well-known and Karpenter labels (instance type,
  // family, category, generation, cpu, memory, arch, os, zone, region, capacity type,
  // hostname = name) and the type's allocatable.
  Node TemplateNode(const LaunchType& type, const std::string& zone, CapacityType capacity,
                    const std::string& name) const;

 private:
  struct LabelCache;  // template labels per (type, zone, capacity); see TemplateNode
  Labels BuildLabels(const LaunchType& t, const std::string& zone, CapacityType capacity,
                     const std::string& name) const;

  std::string region_;
  std::vector<std::string> zones_;
  std::vector<LaunchType> types_;
  std::shared_ptr<LabelCache> label_cache_;
  std::vector<size_t> undominated_on_demand_, undominated_spot_;
  void FindUndominated();
};

// Whether the policy allows a type at all: its family is allowed (exact family names, "m5"
// is m5.* only) and not excluded, its architecture is allowed, and it is not burstable unless
// the policy includes burstable types (new nodes belong to no group that already runs them).
bool PolicyAllowsType(const Policy& policy, const InstanceType& type);

}  // namespace cloudoptim
