#include "risk/risk_weights.h"

namespace cloudoptim {

RiskWeights WeightsForObservedHours(double instance_hours) {
  RiskWeights weights = kEvidenceLadder.front().weights;
  // `!(x >= t)` also rejects NaN, which therefore stays on day-one weights.
  for (const EvidenceStep& step : kEvidenceLadder) {
    if (!(instance_hours >= step.min_instance_hours)) break;
    weights = step.weights;
  }
  return weights;
}

}  // namespace cloudoptim
