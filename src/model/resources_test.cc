#include "model/resources.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

constexpr int64_t kGi = int64_t{1} << 30;

TEST(ResourcesTest, AddsAndSubtractsElementWise) {
  const Resources a{1000, 2 * kGi, 10 * kGi, 3, 1};
  const Resources b{500, kGi, kGi, 1, 0};
  EXPECT_EQ(a + b, (Resources{1500, 3 * kGi, 11 * kGi, 4, 1}));
  EXPECT_EQ(a - b, (Resources{500, kGi, 9 * kGi, 2, 1}));
  Resources c = a;
  c += b;
  c -= b;
  EXPECT_EQ(c, a);
  EXPECT_EQ(b * 3, (Resources{1500, 3 * kGi, 3 * kGi, 3, 0}));
  EXPECT_TRUE((a - a).IsZero());
  EXPECT_FALSE(a.IsZero());
}

TEST(ResourcesTest, FitsOnlyWhenEveryDimensionFits) {
  const Resources free{2000, 4 * kGi, 20 * kGi, 10, 0};
  EXPECT_TRUE((Resources{2000, 4 * kGi, 20 * kGi, 10, 0}).FitsIn(free));  // exactly full
  EXPECT_TRUE((Resources{100, kGi, 0, 1, 0}).FitsIn(free));
  EXPECT_FALSE((Resources{2001, kGi, 0, 1, 0}).FitsIn(free));
  EXPECT_FALSE((Resources{100, 4 * kGi + 1, 0, 1, 0}).FitsIn(free));
  EXPECT_FALSE((Resources{100, kGi, 0, 11, 0}).FitsIn(free));
  EXPECT_FALSE((Resources{100, kGi, 0, 1, 1}).FitsIn(free));  // a GPU pod on a CPU node
  EXPECT_FALSE((Resources{100, kGi, 21 * kGi, 1, 0}).FitsIn(free));
}

TEST(ResourcesTest, MaxMinAndClamp) {
  const Resources a{1000, kGi, 0, 5, 0};
  const Resources b{500, 2 * kGi, kGi, 1, 2};
  EXPECT_EQ(a.Max(b), (Resources{1000, 2 * kGi, kGi, 5, 2}));
  EXPECT_EQ(a.Min(b), (Resources{500, kGi, 0, 1, 0}));
  EXPECT_EQ((a - b).ClampedAtZero(), (Resources{500, 0, 0, 4, 0}));
}

TEST(ResourcesTest, PrintsWithKubernetesQuantities) {
  EXPECT_EQ((Resources{1500, 2 * kGi, 0, 3, 0}).ToString(), "cpu=1500m memory=2Gi pods=3");
  EXPECT_EQ((Resources{2000, 1536 * (int64_t{1} << 20), 0, 0, 0}).ToString(),
            "cpu=2 memory=1536Mi");
  EXPECT_EQ((Resources{250, 0, 20 * kGi, 0, 1}).ToString(),
            "cpu=250m memory=0 ephemeral-storage=20Gi gpus=1");
  EXPECT_EQ(Resources{}.ToString(), "cpu=0 memory=0");
}

}  // namespace
}  // namespace cloudoptim
