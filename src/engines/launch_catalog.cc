#include "engines/launch_catalog.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <set>

#include "engines/lp_type_assignment.h"
#include "scheduling/daemonset_overhead.h"

namespace cloudoptim {

// Packers open thousands of hypothetical nodes per call, and interning a node's sixteen labels
// was a tenth of a provisioning call's time. Labels depend only on the type, zone and capacity
// type, except the hostname; they are built once per catalogue and the hostname set on a copy.
// Slots are indexed by the type's position in types_ (fixed once built), so copies of the
// catalogue may share the cache; the mutex makes concurrent packers on one catalogue safe.
struct LaunchCatalog::LabelCache {
  std::mutex mutex;
  std::vector<std::optional<Labels>> slots;  // [type][zone][capacity]
};

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
  if (!FamilyAllowed(type.family, policy)) return false;
  if (type.burstable && policy.burstable_instances == BurstableInstances::kExcluded) return false;
  std::string_view arch = ArchitectureName(type.arch);
  return std::find(policy.allowed_architectures.begin(), policy.allowed_architectures.end(),
                   arch) != policy.allowed_architectures.end();
}

LaunchCatalog LaunchCatalog::Build(const EngineInput& input) {
  const std::string& region = input.snapshot.region;
  LaunchCatalog launch = ForTypes(input.catalog, region, input.catalog.Zones(region), input.policy);
  launch.label_cache_.reset();  // types_ and zones_ change below; the cache is made after
  // Built once per provisioning call over every type: a template node (sixteen interned
  // labels) per type is only needed when some DaemonSet selects nodes by label; otherwise
  // every DaemonSet lands on every new node (they carry no taints) and the overhead is the
  // same for all. The spot estimate is read once per type, when some pool of it is safe.
  const std::vector<Workload>& workloads = input.snapshot.workloads;
  const bool per_type_overhead =
      std::any_of(workloads.begin(), workloads.end(), [](const Workload& w) {
        return w.kind == WorkloadKind::kDaemonSet &&
               (!w.pod_template.node_selector.empty() ||
                !w.pod_template.affinity.required_node_terms.empty());
      });
  const Resources same_overhead = DaemonSetOverhead(workloads, Node{});
  std::vector<LaunchType> kept;
  for (LaunchType& t : launch.types_) {
    std::vector<LaunchZone> zones;
    std::optional<Result<Money>> spot;
    for (const std::string& zone : input.catalog.ZonesOffering(region, t.type->name)) {
      LaunchZone z{zone};
      const PoolScore* score =
          input.pool_scores ? input.pool_scores->Find(t.type->name, zone) : nullptr;
      if (input.policy.spot_enabled && score &&
          score->safety_score >= input.policy.safety.min_pool_safety_score) {
        if (!spot) spot = input.catalog.SpotPriceEstimate(region, t.type->name);
        if (*spot) z.safe_spot_hourly = **spot;
      }
      zones.push_back(std::move(z));
    }
    if (zones.empty()) continue;
    t.zones = std::move(zones);
    Resources overhead = same_overhead;
    if (per_type_overhead) {
      Node node = launch.TemplateNode(t, t.zones.front().zone, CapacityType::kOnDemand, "template");
      overhead = DaemonSetOverhead(workloads, node);
    }
    t.allocatable = t.allocatable - overhead;
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
  launch.label_cache_ = std::make_shared<LabelCache>();
  launch.FindUndominated();
  return launch;
}

void LaunchCatalog::FindUndominated() {
  std::vector<PriceOption> on_demand, spot;
  std::vector<size_t> spot_types;
  for (size_t k = 0; k < types_.size(); ++k) {
    const LaunchType& t = types_[k];
    on_demand.push_back({"", t.allocatable, t.on_demand_hourly});
    std::optional<Money> cheapest;
    for (const LaunchZone& z : t.zones) {
      if (z.safe_spot_hourly && (!cheapest || *z.safe_spot_hourly < *cheapest)) {
        cheapest = z.safe_spot_hourly;
      }
    }
    if (!cheapest) continue;
    spot.push_back({"", t.allocatable, *cheapest});
    spot_types.push_back(k);
  }
  undominated_on_demand_ = NonDominatedIndices(on_demand);
  undominated_spot_.clear();
  for (size_t kept : NonDominatedIndices(spot)) undominated_spot_.push_back(spot_types[kept]);
  std::sort(undominated_on_demand_.begin(), undominated_on_demand_.end());
  std::sort(undominated_spot_.begin(), undominated_spot_.end());
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
  launch.label_cache_ = std::make_shared<LabelCache>();
  launch.FindUndominated();
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
  node.capacity = t.type->allocatable;
  node.allocatable = t.allocatable;
  auto zone_at = std::find(zones_.begin(), zones_.end(), zone);
  std::less<const LaunchType*> before;
  bool cached = label_cache_ != nullptr && !types_.empty() && !before(&t, types_.data()) &&
                before(&t, types_.data() + types_.size()) && zone_at != zones_.end();
  if (!cached) {
    node.meta.labels = BuildLabels(t, zone, capacity, name);
    return node;
  }
  size_t slot = ((static_cast<size_t>(&t - types_.data()) * zones_.size()) +
                 static_cast<size_t>(zone_at - zones_.begin())) *
                    2 +
                (capacity == CapacityType::kSpot ? 1 : 0);
  {
    std::lock_guard<std::mutex> lock(label_cache_->mutex);
    std::vector<std::optional<Labels>>& slots = label_cache_->slots;
    if (slots.empty()) slots.resize(types_.size() * zones_.size() * 2);
    if (!slots[slot]) slots[slot] = BuildLabels(t, zone, capacity, "");
    node.meta.labels = *slots[slot];
  }
  node.meta.labels.insert_or_assign(labels::kHostname, name);
  return node;
}

Labels LaunchCatalog::BuildLabels(const LaunchType& t, const std::string& zone,
                                  CapacityType capacity, const std::string& name) const {
  const InstanceType& type = *t.type;
  std::string capacity_name(CapacityTypeName(capacity));
  return {
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
}

}  // namespace cloudoptim
