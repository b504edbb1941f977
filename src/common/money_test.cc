#include "common/money.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

TEST(MoneyTest, ToStringUsesDollarsThousandsSeparatorsAndCents) {
  EXPECT_EQ(Money::FromMicros(1'234'560'000).ToString(), "$1,234.56");
  EXPECT_EQ(Money::FromMicros(0).ToString(), "$0.00");
  EXPECT_EQ(Money::FromUsd(999.99).ToString(), "$999.99");
  EXPECT_EQ(Money::FromUsd(1000).ToString(), "$1,000.00");
  EXPECT_EQ(Money::FromUsd(1234567.891).ToString(), "$1,234,567.89");
  EXPECT_EQ(Money::FromUsd(100000).ToString(), "$100,000.00");
  EXPECT_EQ(Money::FromUsd(-1234.5).ToString(), "-$1,234.50");
}

TEST(MoneyTest, ToStringRoundsHalfAwayFromZeroToTheCent) {
  EXPECT_EQ(Money::FromMicros(5'000).ToString(), "$0.01");
  EXPECT_EQ(Money::FromMicros(4'999).ToString(), "$0.00");
  EXPECT_EQ(Money::FromMicros(-5'000).ToString(), "-$0.01");
  EXPECT_EQ(Money::FromMicros(-4'999).ToString(), "$0.00");           // no "-$0.00"
  EXPECT_EQ(Money::FromMicros(999'995'000).ToString(), "$1,000.00");  // carries into thousands
}

TEST(MoneyTest, ToDecimalStringKeepsTheRequestedDecimals) {
  const Money m5_large = Money::FromUsd(0.096);
  EXPECT_EQ(m5_large.ToDecimalString(), "0.0960");
  EXPECT_EQ(m5_large.ToDecimalString(2), "0.10");
  EXPECT_EQ(m5_large.ToDecimalString(6), "0.096000");
  EXPECT_EQ(Money::FromUsd(1234.5678).ToDecimalString(0), "1235");
  EXPECT_EQ(Money::FromUsd(1234.5678).ToDecimalString(), "1234.5678");  // no separators
  EXPECT_EQ(Money::FromMicros(-123).ToDecimalString(4), "-0.0001");
  EXPECT_EQ(Money::FromMicros(-49).ToDecimalString(4), "0.0000");
  EXPECT_EQ(Money::FromMicros(1).ToDecimalString(6), "0.000001");
}

TEST(MoneyTest, FromUsdRoundsToTheNearestMicro) {
  EXPECT_EQ(Money::FromUsd(0.096).micros(), 96'000);
  EXPECT_EQ(Money::FromUsd(0.0960004).micros(), 96'000);
  EXPECT_EQ(Money::FromUsd(0.0960006).micros(), 96'001);
  EXPECT_EQ(Money::FromUsd(-1.5).micros(), -1'500'000);
  EXPECT_EQ(Money::FromUsd(0.1 + 0.2).micros(), 300'000);  // binary noise disappears
  EXPECT_EQ(Money::FromUsd(0).micros(), 0);
  EXPECT_DOUBLE_EQ(Money::FromMicros(96'000).usd(), 0.096);
}

TEST(MoneyTest, SumsAreExact) {
  Money total;
  for (int i = 0; i < 1000; ++i) total += Money::FromUsd(0.1);
  EXPECT_EQ(total, Money::FromUsd(100));
  EXPECT_EQ(total - Money::FromUsd(40), Money::FromUsd(60));
  EXPECT_EQ(-Money::FromUsd(2), Money::FromUsd(-2));
  EXPECT_EQ(Money::FromUsd(0.5) * 3, Money::FromUsd(1.5));
  EXPECT_TRUE((total - total).IsZero());
  EXPECT_LT(Money::FromUsd(1), Money::FromUsd(2));
}

TEST(MoneyTest, MonthlyIs730HoursAndScalingRoundsToTheMicro) {
  EXPECT_EQ(Money::FromUsd(0.096).PerHourToMonthly().ToString(), "$70.08");
  EXPECT_EQ(Money::FromUsd(1).PerHourToMonthly(), Money::FromUsd(730));
  EXPECT_EQ(Money::FromUsd(0.096).Scaled(0.3), Money::FromMicros(28'800));
  EXPECT_EQ(Money::FromMicros(1).Scaled(0.5), Money::FromMicros(1));  // half away from zero
  EXPECT_EQ(Money::FromMicros(3).Scaled(1.0 / 3.0), Money::FromMicros(1));
}

}  // namespace
}  // namespace cloudoptim
