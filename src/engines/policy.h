// Per-cluster policy: what the engines may propose and the safety thresholds they must meet.
// Defaults are the product's documented defaults (DESIGN.md: safety layers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/money.h"

namespace cloudoptim {

struct SafetyThresholds {
  double min_pool_safety_score = 0.75;    // layer 1: every spot pool used scores >= this
  int32_t min_availability_zones = 3;     // layer 2
  double max_pool_capacity_share = 0.20;  // layer 3: at most this share of capacity per pool
  double min_on_demand_share = 0.15;      // layer 4
};

// Whether the engines may choose burstable (T-family) types where a node group does not run
// them already; the values and the default are those of EC2's attribute-based instance type
// selection (InstanceRequirements.BurstablePerformance). A burstable type's list price buys a
// CPU baseline (5-40% of its vCPUs), not the whole CPU its allocatable shows: pods that use
// their requests either get throttled to the baseline (standard credits) or pay for surplus
// credits (unlimited, the default for T3/T3a/T4g), neither of which a plan at list price shows.
enum class BurstableInstances {
  kExcluded,  // only where a node group already runs burstable types (rightsizing, spot)
  kIncluded,  // candidates everywhere, at their list price
};

// "excluded" / "included" (the policy's JSON and YAML spelling); nullopt for anything else.
inline std::optional<BurstableInstances> BurstableInstancesNamed(std::string_view name) {
  if (name == "excluded") return BurstableInstances::kExcluded;
  if (name == "included") return BurstableInstances::kIncluded;
  return std::nullopt;
}
inline const char* BurstableInstancesName(BurstableInstances value) {
  return value == BurstableInstances::kIncluded ? "included" : "excluded";
}

struct Policy {
  SafetyThresholds safety;
  // Spot: which namespaces may run on spot (empty = all but those excluded).
  bool spot_enabled = true;
  std::vector<std::string> spot_excluded_namespaces = {"kube-system"};
  // Consolidation churn guard: an action must save at least this much to be proposed.
  double min_savings_percent_of_node_cost = 10.0;
  Money min_monthly_savings = Money::FromUsd(5.0);
  // Spot launches want a flexible list of similar types (price-capacity-optimized).
  int32_t min_flexible_instance_types = 15;
  // How hard provisioning searches for a cheaper packing after its greedy plan: search steps
  // per pending pod (PackingOptions::search_steps_per_pod; 50 by default, ~2 ms per
  // 1,000 pods; 4,000 is thorough; 0 turns the search off).
  int64_t packing_search_steps_per_pod = 50;
  // Rightsizing headroom over observed usage.
  double rightsize_buffer = 0.20;
  // Instance types allowed / excluded by family (FamilyAllowed): exact names ("m5" is m5.*
  // only), or a prefix with a trailing '*' ("m5*": m5, m5a, m5d, ...); empty = all.
  std::vector<std::string> allowed_families;
  std::vector<std::string> excluded_families;
  std::vector<std::string> allowed_architectures = {"amd64", "arm64"};
  BurstableInstances burstable_instances = BurstableInstances::kExcluded;
};

// Whether `family` ("m5a") is in `families`: by exact name, as Karpenter's
// karpenter.k8s.aws/instance-family label and EC2 name a family ("m5" is not "m5a"), or by
// prefix for an entry ending in '*' ("m5*" is m5, m5a, m5ad, m5d, m5n, m5zn, ...).
inline bool FamilyListed(std::string_view family, const std::vector<std::string>& families) {
  for (std::string_view entry : families) {
    if (entry.ends_with('*') ? family.starts_with(entry.substr(0, entry.size() - 1))
                             : family == entry) {
      return true;
    }
  }
  return false;
}

// Whether the policy's family lists let its engines use `family`: every engine (the launch
// catalogue, rightsizing, spot-optimize) asks this one question.
inline bool FamilyAllowed(std::string_view family, const Policy& policy) {
  if (!policy.allowed_families.empty() && !FamilyListed(family, policy.allowed_families)) {
    return false;
  }
  return !FamilyListed(family, policy.excluded_families);
}

}  // namespace cloudoptim
