#include "risk/structural_risk.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

StructuralTraits M5Large() {
  return StructuralTraits{.category = "m",
                          .generation = 5,
                          .current_generation = true,
                          .vcpus = 2,
                          .sizes_in_family = 10,
                          .zones_offering = 6};
}

TEST(StructuralRiskTest, MainstreamCurrentTypeInADeepPoolIsRiskFree) {
  EXPECT_DOUBLE_EQ(StructuralRisk(M5Large()), 0.0);
}

TEST(StructuralRiskTest, EachTraitAddsItsPenalty) {
  const StructuralPenalties p;
  auto with = [](auto change) {
    StructuralTraits t = M5Large();
    change(t);
    return StructuralRisk(t);
  };
  EXPECT_DOUBLE_EQ(with([](auto& t) { t.current_generation = false; }), p.previous_generation);
  EXPECT_DOUBLE_EQ(with([](auto& t) { t.generation = 4; }), p.old_generation);
  EXPECT_DOUBLE_EQ(with([](auto& t) { t.bare_metal = true; }), p.bare_metal);
  EXPECT_DOUBLE_EQ(with([](auto& t) { t.gpus = 1; }), p.gpu);
  EXPECT_DOUBLE_EQ(with([](auto& t) { t.vcpus = 96; }), p.very_large);
  EXPECT_DOUBLE_EQ(with([](auto& t) { t.category = "x"; }), p.niche_category);
  EXPECT_DOUBLE_EQ(with([](auto& t) { t.sizes_in_family = 2; }), p.few_sizes);
  EXPECT_DOUBLE_EQ(with([](auto& t) { t.zones_offering = 2; }), p.few_zones);
}

TEST(StructuralRiskTest, PenaltiesAddUpAndClampAtOne) {
  StructuralTraits t = M5Large();
  t.bare_metal = true;
  t.gpus = 8;
  EXPECT_DOUBLE_EQ(StructuralRisk(t), 0.6);
  t.current_generation = false;
  t.generation = 3;
  t.vcpus = 96;
  t.category = "p";
  EXPECT_DOUBLE_EQ(StructuralRisk(t), 1.0);
}

TEST(StructuralRiskTest, TraitsComeFromTheInstanceType) {
  InstanceType type;
  type.category = "g";
  type.generation = 5;
  type.gpus = 1;
  type.vcpus = 4;
  const StructuralTraits t = StructuralTraitsOf(type, 6, 3);
  EXPECT_EQ(t.category, "g");
  EXPECT_EQ(t.gpus, 1);
  EXPECT_EQ(t.sizes_in_family, 6);
  EXPECT_EQ(t.zones_offering, 3);
}

TEST(StructuralRiskTest, GenerationFiveAndLaterCountAsCurrentWhateverTheFlag) {
  InstanceType m5;
  m5.generation = 5;
  m5.current_generation = false;  // as the shipped catalogue says for m5
  EXPECT_TRUE(StructuralTraitsOf(m5, 10, 6).current_generation);
  InstanceType m3;
  m3.generation = 3;
  m3.current_generation = false;
  EXPECT_FALSE(StructuralTraitsOf(m3, 4, 6).current_generation);
}

}  // namespace
}  // namespace cloudoptim
