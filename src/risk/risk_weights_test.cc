#include "risk/risk_weights.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

double Sum(const RiskWeights& w) {
  return w.spot_advisor + w.price_volatility + w.structural + w.customer_feedback;
}

TEST(RiskWeightsTest, DayOneIgnoresCustomerFeedback) {
  const RiskWeights w = WeightsForObservedHours(0);
  EXPECT_DOUBLE_EQ(w.spot_advisor, 0.60);
  EXPECT_DOUBLE_EQ(w.price_volatility, 0.30);
  EXPECT_DOUBLE_EQ(w.structural, 0.10);
  EXPECT_DOUBLE_EQ(w.customer_feedback, 0.0);
  EXPECT_DOUBLE_EQ(WeightsForObservedHours(9'999).customer_feedback, 0.0);
}

TEST(RiskWeightsTest, EachThresholdStartsTheNextStep) {
  EXPECT_DOUBLE_EQ(WeightsForObservedHours(10'000).customer_feedback, 0.05);
  EXPECT_DOUBLE_EQ(WeightsForObservedHours(49'999).customer_feedback, 0.05);
  EXPECT_DOUBLE_EQ(WeightsForObservedHours(50'000).customer_feedback, 0.12);
  EXPECT_DOUBLE_EQ(WeightsForObservedHours(200'000).customer_feedback, 0.18);
  EXPECT_DOUBLE_EQ(WeightsForObservedHours(499'999).customer_feedback, 0.18);
  const RiskWeights mature = WeightsForObservedHours(500'000);
  EXPECT_DOUBLE_EQ(mature.spot_advisor, 0.35);
  EXPECT_DOUBLE_EQ(mature.price_volatility, 0.30);
  EXPECT_DOUBLE_EQ(mature.structural, 0.10);
  EXPECT_DOUBLE_EQ(mature.customer_feedback, 0.25);
  EXPECT_DOUBLE_EQ(WeightsForObservedHours(1e9).customer_feedback, 0.25);
}

TEST(RiskWeightsTest, WeightsAlwaysSumToOneAndMoveMonotonically) {
  RiskWeights previous = WeightsForObservedHours(0);
  for (double hours = 0; hours <= 1e6; hours += 1'000) {
    const RiskWeights w = WeightsForObservedHours(hours);
    EXPECT_NEAR(Sum(w), 1.0, 1e-12) << hours;
    EXPECT_LE(w.spot_advisor, previous.spot_advisor) << hours;
    EXPECT_GE(w.customer_feedback, previous.customer_feedback) << hours;
    previous = w;
  }
}

TEST(RiskWeightsTest, NegativeOrNanHoursCountAsNone) {
  EXPECT_DOUBLE_EQ(WeightsForObservedHours(-5).spot_advisor, 0.60);
  EXPECT_DOUBLE_EQ(WeightsForObservedHours(std::numeric_limits<double>::quiet_NaN()).spot_advisor,
                   0.60);
}

}  // namespace
}  // namespace cloudoptim
