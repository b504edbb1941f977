// A fleet-changing plan as the safety enforcer sees it: the pools (instance type x zone x
// capacity type) a cluster's capacity will sit in, with instance counts and vCPUs, plus the
// shares the five safety layers measure. Capacity is counted in vCPUs.
//
//   FleetPlan plan{.cluster = "prod", .region = "us-east-1", .recommendation_id = rec.id};
//   plan.pools.push_back({.instance_type = "m5.large", .availability_zone = "us-east-1a",
//                         .capacity = CapacityType::kSpot, .count = 4, .vcpus_per_instance = 2});
//   double od = plan.OnDemandShare();
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/error.h"
#include "model/pool.h"

namespace cloudoptim {

struct PlannedPool {
  std::string instance_type;
  std::string availability_zone;
  CapacityType capacity = CapacityType::kSpot;
  int32_t count = 0;               // instances
  int32_t vcpus_per_instance = 0;  // 0 = look it up in the catalogue (FillVcpus)

  PoolKey Key() const { return {instance_type, availability_zone, capacity}; }
  int64_t Vcpus() const { return int64_t{count} * vcpus_per_instance; }
};

struct FleetPlan {
  std::string cluster;
  std::string region;
  std::string recommendation_id;  // the recommendation this plan came from
  std::vector<PlannedPool> pools;

  int64_t TotalVcpus() const;
  int64_t OnDemandVcpus() const;
  // On-demand vCPUs / total vCPUs; 0 for an empty plan.
  double OnDemandShare() const;
  // Zones holding at least one instance.
  std::set<std::string> ZonesUsed() const;
  // vCPUs per pool, entries with the same key added up; pools with no instances left out.
  std::map<PoolKey, int64_t> VcpusByPool() const;
  int32_t InstanceCount() const;
};

// Sets vcpus_per_instance from the catalogue where it is 0, and merges entries with the same
// pool key, dropping pools with no instances; the result is sorted by pool key.
// InvalidArgument names the pool for a negative count, an unknown type or a type without vCPUs.
Result<FleetPlan> NormalizePlan(const FleetPlan& plan, const Catalog& catalog);

// "3 x m5.large/us-east-1a/spot, 2 x m5a.large/us-east-1b/on-demand" for messages.
std::string DescribePlan(const FleetPlan& plan);

}  // namespace cloudoptim
