#include "safety/safety_enforcer.h"

#include "safety/plan_repair.h"
#include "safety/pool_finder.h"

namespace cloudoptim {

std::string_view VerdictOutcomeName(VerdictOutcome outcome) {
  switch (outcome) {
    case VerdictOutcome::kPass:
      return "pass";
    case VerdictOutcome::kFixed:
      return "fixed";
    case VerdictOutcome::kRefused:
      return "refused";
  }
  return "unknown";
}

Result<SafetyVerdict> SafetyEnforcer::Enforce(const FleetPlan& plan,
                                              const SafetyThresholds& thresholds,
                                              TimePoint now) const {
  CO_RETURN_IF_ERROR(ValidateThresholds(thresholds));
  CO_ASSIGN_OR_RETURN(FleetPlan normalized, NormalizePlan(plan, catalog_));

  SafetyVerdict verdict;
  verdict.violations = CheckAllLayers(normalized, thresholds, scores_);
  for (SafetyViolation& v : verdict.violations) v.detected_at = now;
  if (verdict.violations.empty()) {
    verdict.outcome = VerdictOutcome::kPass;
    return verdict;
  }

  if (normalized.InstanceCount() == 0) {
    verdict.outcome = VerdictOutcome::kRefused;
    verdict.refused_layer = SafetyLayer::kZoneSpread;
    verdict.reason = "layer 2 (availability-zones): the plan has no instances to spread";
    return verdict;
  }
  PoolFinder finder(catalog_, scores_, normalized.region, thresholds);
  auto repaired = RepairPlan(normalized, finder);
  if (!repaired) {
    verdict.outcome = VerdictOutcome::kRefused;
    verdict.refused_layer = repaired.error().layer;
    verdict.reason = "layer " + std::to_string(static_cast<int>(repaired.error().layer)) + " (" +
                     std::string(SafetyLayerName(repaired.error().layer)) +
                     "): " + repaired.error().reason;
    return verdict;
  }
  // Layer 5 proper: the alternative must pass every layer at once. The repair steps are built
  // not to undo each other; this re-check is what guarantees it.
  std::vector<SafetyViolation> remaining = CheckAllLayers(repaired->plan, thresholds, scores_);
  if (!remaining.empty()) {
    verdict.outcome = VerdictOutcome::kRefused;
    verdict.refused_layer = SafetyLayer::kAllLayers;
    verdict.reason = "the repaired plan still fails: " + remaining.back().message;
    return verdict;
  }
  verdict.outcome = VerdictOutcome::kFixed;
  verdict.alternative = std::move(repaired->plan);
  verdict.changes = std::move(repaired->changes);
  return verdict;
}

}  // namespace cloudoptim
