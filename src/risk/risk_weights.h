// How much each risk factor counts, as a function of the evidence we have about a pool. On day
// one only public data exists (60/30/10/0); as our own observed instance-hours in the pool grow,
// weight moves from Spot Advisor (a regional monthly average) to what we saw ourselves.
//
//   RiskWeights w = WeightsForObservedHours(feedback.instance_hours);   // 60/30/10/0 below 10K
#pragma once

#include <array>

namespace cloudoptim {

struct RiskWeights {
  double spot_advisor = 0.60;
  double price_volatility = 0.30;
  double structural = 0.10;
  double customer_feedback = 0.0;
};

// One step of the evidence ladder: from `min_instance_hours` on, these weights apply.
struct EvidenceStep {
  double min_instance_hours = 0;
  RiskWeights weights;
};

// The ladder, lowest threshold first. Spot Advisor gives up weight to customer feedback in
// equal-ish steps; volatility and structure keep theirs, since our own interruption counts say
// nothing new about price swings or pool depth.
//   hours     advisor volatility structural feedback
//   < 10K       60       30         10         0
//   10K-50K     55       30         10         5
//   50K-200K    48       30         10        12
//   200K-500K   42       30         10        18
//   >= 500K     35       30         10        25
inline constexpr std::array<EvidenceStep, 5> kEvidenceLadder = {{
    {0, {0.60, 0.30, 0.10, 0.00}},
    {10'000, {0.55, 0.30, 0.10, 0.05}},
    {50'000, {0.48, 0.30, 0.10, 0.12}},
    {200'000, {0.42, 0.30, 0.10, 0.18}},
    {500'000, {0.35, 0.30, 0.10, 0.25}},
}};

// The weights for a pool in which we have observed `instance_hours` hours of spot capacity
// (across all customers). Negative or NaN hours count as none.
RiskWeights WeightsForObservedHours(double instance_hours);

}  // namespace cloudoptim
