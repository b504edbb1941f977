// The safety enforcer: every fleet-changing plan passes through it before the executor may
// act. It checks the five layers with the cluster's own thresholds and answers pass, fixed
// (with a safe alternative plan) or refused (with the reason naming the layer and numbers).
//
//   SafetyEnforcer enforcer(catalog, scores);
//   Result<SafetyVerdict> verdict = enforcer.Enforce(plan, policy.safety, now);
//   if (verdict->outcome == VerdictOutcome::kFixed) Execute(*verdict->alternative);
//   store.RecordViolations(verdict->violations);
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/error.h"
#include "engines/policy.h"
#include "risk/pool_score.h"
#include "safety/fleet_plan.h"
#include "safety/safety_layers.h"

namespace cloudoptim {

enum class VerdictOutcome { kPass, kFixed, kRefused };
std::string_view VerdictOutcomeName(VerdictOutcome outcome);  // "pass" | "fixed" | "refused"

struct SafetyVerdict {
  VerdictOutcome outcome = VerdictOutcome::kRefused;
  // The violations of the plan as proposed (empty on pass), stamped with "now".
  std::vector<SafetyViolation> violations;
  // kFixed: the safe plan to run instead, and what was changed to get it.
  std::optional<FleetPlan> alternative;
  std::vector<std::string> changes;
  // kRefused: the layer that could not be satisfied and why, with the numbers.
  std::optional<SafetyLayer> refused_layer;
  std::string reason;
};

// Thresholds per cluster, with the product defaults for clusters that set none.
class ClusterThresholds {
 public:
  void Set(const std::string& cluster, SafetyThresholds thresholds) {
    by_cluster_[cluster] = thresholds;
  }
  const SafetyThresholds& For(std::string_view cluster) const {
    auto it = by_cluster_.find(cluster);
    return it == by_cluster_.end() ? defaults_ : it->second;
  }

 private:
  SafetyThresholds defaults_;
  std::map<std::string, SafetyThresholds, std::less<>> by_cluster_;
};

class SafetyEnforcer {
 public:
  // Both must outlive the enforcer.
  SafetyEnforcer(const Catalog& catalog, const PoolScoreTable& scores)
      : catalog_(catalog), scores_(scores) {}

  // InvalidArgument for thresholds out of range or a malformed plan (NormalizePlan); every
  // other outcome, refusal included, is a verdict. Deterministic for equal inputs.
  Result<SafetyVerdict> Enforce(const FleetPlan& plan, const SafetyThresholds& thresholds,
                                TimePoint now) const;

 private:
  const Catalog& catalog_;
  const PoolScoreTable& scores_;
};

}  // namespace cloudoptim
