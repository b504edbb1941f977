#include "risk/risk_model.h"

#include <algorithm>
#include <cmath>

#include "common/money.h"
#include "risk/risk_weights.h"

namespace cloudoptim {
namespace {

// The interruption probability per month that counts as full risk, for both the public and
// our own evidence, so that the two factors are on one scale.
constexpr double kFullRiskMonthlyInterruption = 0.20;
// Ten instance-months added to the observed hours, so that a handful of early interruptions
// reads as a warning rather than as certainty; it no longer matters once the weight does.
constexpr double kPseudoExposureHours = 10.0 * Money::kHoursPerMonth;

}  // namespace

double SpotAdvisorRisk(std::optional<InterruptionRange> range) {
  if (!range) return kUnknownAdvisorRisk;
  switch (*range) {
    case InterruptionRange::kUnder5:
      return 0.025 / kFullRiskMonthlyInterruption;
    case InterruptionRange::k5To10:
      return 0.075 / kFullRiskMonthlyInterruption;
    case InterruptionRange::k10To15:
      return 0.125 / kFullRiskMonthlyInterruption;
    case InterruptionRange::k15To20:
      return 0.175 / kFullRiskMonthlyInterruption;
    case InterruptionRange::kOver20:
      return 1.0;
  }
  return kUnknownAdvisorRisk;
}

double CustomerFeedbackRisk(const InterruptionFeedback& feedback) {
  if (feedback.interruptions <= 0) return 0;
  const double hours = std::max(0.0, feedback.instance_hours) + kPseudoExposureHours;
  const double rate_per_hour = static_cast<double>(feedback.interruptions) / hours;
  const double monthly = 1.0 - std::exp(-rate_per_hour * Money::kHoursPerMonth);
  return std::min(1.0, monthly / kFullRiskMonthlyInterruption);
}

PoolStatus CrossCustomerStatus(int32_t customers_interrupted) {
  if (customers_interrupted >= 3) return PoolStatus::kRisky;
  if (customers_interrupted == 2) return PoolStatus::kUncertain;
  return PoolStatus::kNormal;
}

double CrossCustomerPenalty(PoolStatus status) {
  switch (status) {
    case PoolStatus::kNormal:
      return 0;
    case PoolStatus::kUncertain:
      return 0.10;
    case PoolStatus::kRisky:
      return 0.20;
  }
  return 0;
}

std::string_view PoolStatusName(PoolStatus status) {
  switch (status) {
    case PoolStatus::kNormal:
      return "normal";
    case PoolStatus::kUncertain:
      return "uncertain";
    case PoolStatus::kRisky:
      return "risky";
  }
  return "normal";
}

double WeightedRisk(const RiskFactors& f) {
  return f.weight_spot_advisor * f.spot_advisor + f.weight_price_volatility * f.price_volatility +
         f.weight_structural * f.structural + f.weight_customer_feedback * f.customer_feedback +
         f.cross_customer_penalty;
}

PoolScore ScorePool(const PoolRiskInput& input) {
  const RiskWeights weights = WeightsForObservedHours(input.feedback.instance_hours);
  RiskFactors factors;
  factors.spot_advisor = SpotAdvisorRisk(input.advisor_range);
  factors.price_volatility = VolatilityRisk(MeasureVolatility(input.price_history));
  factors.structural = StructuralRisk(input.structure);
  factors.customer_feedback = CustomerFeedbackRisk(input.feedback);
  factors.weight_spot_advisor = weights.spot_advisor;
  factors.weight_price_volatility = weights.price_volatility;
  factors.weight_structural = weights.structural;
  factors.weight_customer_feedback = weights.customer_feedback;
  const PoolStatus status = CrossCustomerStatus(input.feedback.customers_interrupted);
  factors.cross_customer_penalty = CrossCustomerPenalty(status);
  return PoolScore{.instance_type = input.instance_type,
                   .availability_zone = input.availability_zone,
                   .safety_score = std::clamp(1.0 - WeightedRisk(factors), 0.0, 1.0),
                   .factors = factors,
                   .status = status};
}

PoolScoreTable ScorePools(std::span<const PoolRiskInput> inputs) {
  PoolScoreTable table;
  for (const PoolRiskInput& input : inputs) table.Set(ScorePool(input));
  return table;
}

}  // namespace cloudoptim
