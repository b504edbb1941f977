#include "safety/fleet_plan.h"

namespace cloudoptim {

int64_t FleetPlan::TotalVcpus() const {
  int64_t total = 0;
  for (const PlannedPool& pool : pools) total += pool.Vcpus();
  return total;
}

int64_t FleetPlan::OnDemandVcpus() const {
  int64_t total = 0;
  for (const PlannedPool& pool : pools) {
    if (pool.capacity == CapacityType::kOnDemand) total += pool.Vcpus();
  }
  return total;
}

double FleetPlan::OnDemandShare() const {
  int64_t total = TotalVcpus();
  if (total <= 0) return 0;
  return static_cast<double>(OnDemandVcpus()) / static_cast<double>(total);
}

std::set<std::string> FleetPlan::ZonesUsed() const {
  std::set<std::string> zones;
  for (const PlannedPool& pool : pools) {
    if (pool.count > 0) zones.insert(pool.availability_zone);
  }
  return zones;
}

std::map<PoolKey, int64_t> FleetPlan::VcpusByPool() const {
  std::map<PoolKey, int64_t> by_pool;
  for (const PlannedPool& pool : pools) {
    if (pool.count > 0) by_pool[pool.Key()] += pool.Vcpus();
  }
  return by_pool;
}

int32_t FleetPlan::InstanceCount() const {
  int32_t total = 0;
  for (const PlannedPool& pool : pools) total += pool.count;
  return total;
}

Result<FleetPlan> NormalizePlan(const FleetPlan& plan, const Catalog& catalog) {
  std::map<PoolKey, PlannedPool> merged;
  for (PlannedPool pool : plan.pools) {
    const std::string name = pool.Key().ToString();
    if (pool.count < 0) {
      return InvalidArgument("pool " + name + ": count " + std::to_string(pool.count) +
                             " is negative");
    }
    if (pool.vcpus_per_instance <= 0) {
      const InstanceType* type = catalog.FindType(pool.instance_type);
      if (type == nullptr) {
        return InvalidArgument("pool " + name + ": instance type '" + pool.instance_type +
                               "' is not in the catalogue and the plan gives no vCPUs");
      }
      pool.vcpus_per_instance = type->vcpus;
    }
    if (pool.vcpus_per_instance <= 0) {
      return InvalidArgument("pool " + name + ": instance type has no vCPUs");
    }
    if (pool.count == 0) continue;
    auto [it, inserted] = merged.try_emplace(pool.Key(), pool);
    if (!inserted) {
      if (it->second.vcpus_per_instance != pool.vcpus_per_instance) {
        return InvalidArgument("pool " + name + ": listed twice with different vCPUs (" +
                               std::to_string(it->second.vcpus_per_instance) + " and " +
                               std::to_string(pool.vcpus_per_instance) + ")");
      }
      it->second.count += pool.count;
    }
  }
  FleetPlan out = plan;
  out.pools.clear();
  for (auto& [key, pool] : merged) out.pools.push_back(std::move(pool));
  return out;
}

std::string DescribePlan(const FleetPlan& plan) {
  std::string out;
  for (const PlannedPool& pool : plan.pools) {
    if (!out.empty()) out += ", ";
    out += std::to_string(pool.count) + " x " + pool.Key().ToString();
  }
  return out.empty() ? "(no instances)" : out;
}

}  // namespace cloudoptim
