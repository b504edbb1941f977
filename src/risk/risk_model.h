// The spot risk model: the safety score of a pool (instance type × AZ) from four factors —
// Spot Advisor's interruption range, price volatility, structure, and what we observed
// ourselves — weighted by how much evidence we have (risk_weights.h). Pure: inputs are plain
// structs, so the control plane, the ML server and tests score pools identically.
//
//   PoolRiskInput in{.instance_type = "m5.large", .availability_zone = "us-east-1a",
//                    .advisor_range = InterruptionRange::kUnder5, .price_history = points};
//   PoolScore score = ScorePool(in);            // score.safety_score, score.factors
//   PoolScoreTable table = ScorePools(inputs);
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "risk/pool_score.h"
#include "risk/price_volatility.h"
#include "risk/structural_risk.h"

namespace cloudoptim {

// What we observed in a pool, summed over customers: spot instance-hours run and how many
// of those instances AWS interrupted.
struct InterruptionFeedback {
  double instance_hours = 0;
  int64_t interruptions = 0;
  // How many distinct customers saw an interruption in the pool in the recent window (the
  // caller's choice, e.g. 24 h): the cross-customer signal of DESIGN.md.
  int32_t customers_interrupted = 0;
};

struct PoolRiskInput {
  std::string instance_type;
  std::string availability_zone;
  std::optional<InterruptionRange> advisor_range;  // nullopt: Spot Advisor has no entry
  std::span<const SpotPricePoint> price_history;   // this pool's points; empty = unknown
  StructuralTraits structure;
  InterruptionFeedback feedback;
};

// Spot Advisor risk: the midpoint of the bucket's monthly interruption frequency on a scale
// where 20%/month is 1.0 — <5% 0.125, 5-10% 0.375, 10-15% 0.625, 15-20% 0.875, >20% 1.0.
// Midpoints, not upper bounds, because the buckets describe a regional average, and upper
// bounds would make even the calmest pools fail the 0.75 safety line on day one.
double SpotAdvisorRisk(std::optional<InterruptionRange> range);
// Without Spot Advisor data we know nothing public: treat the pool like the 15-20% bucket,
// which keeps it out of plans until our own evidence says otherwise.
inline constexpr double kUnknownAdvisorRisk = 0.875;

// Customer-feedback risk on the same scale: the observed interruption rate per instance-hour
// as a monthly (730 h) interruption probability, 20%/month = 1.0. Ten instance-months of
// pseudo-exposure are added to the hours so a single early interruption is not certainty.
double CustomerFeedbackRisk(const InterruptionFeedback& feedback);

// 2 customers interrupted in the same pool: UNCERTAIN; 3 or more: RISKY. One customer's
// interruptions are that customer's feedback, not yet a pattern.
PoolStatus CrossCustomerStatus(int32_t customers_interrupted);
// The risk added for a status: 0, 0.10, 0.20.
double CrossCustomerPenalty(PoolStatus status);
std::string_view PoolStatusName(PoolStatus status);  // "normal" | "uncertain" | "risky"

// Scores one pool; safety = 1 - Σ weight·risk, clamped to [0,1], breakdown in `factors`.
PoolScore ScorePool(const PoolRiskInput& input);
PoolScoreTable ScorePools(std::span<const PoolRiskInput> inputs);

// The weighted risk plus the cross-customer penalty: what the breakdown adds up to (1 - safety
// before clamping).
double WeightedRisk(const RiskFactors& factors);

}  // namespace cloudoptim
