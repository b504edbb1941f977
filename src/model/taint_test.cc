// Toleration semantics of the Kubernetes scheduler (v1 Toleration.ToleratesTaint and the
// TaintToleration filter).
#include "model/taint.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

const Taint kSpotNoSchedule{"cloudoptim.io/spot", "true", TaintEffect::kNoSchedule};

Toleration Equal(std::string key, std::string value, std::optional<TaintEffect> effect) {
  return Toleration{std::move(key), false, std::move(value), effect, std::nullopt};
}
Toleration Exists(std::string key, std::optional<TaintEffect> effect) {
  return Toleration{std::move(key), true, "", effect, std::nullopt};
}

TEST(TolerationTest, EqualToleratesOnlyTheSameKeyValueAndEffect) {
  EXPECT_TRUE(
      Equal("cloudoptim.io/spot", "true", TaintEffect::kNoSchedule).Tolerates(kSpotNoSchedule));
  EXPECT_FALSE(
      Equal("cloudoptim.io/spot", "false", TaintEffect::kNoSchedule).Tolerates(kSpotNoSchedule));
  EXPECT_FALSE(Equal("other", "true", TaintEffect::kNoSchedule).Tolerates(kSpotNoSchedule));
  EXPECT_FALSE(
      Equal("cloudoptim.io/spot", "true", TaintEffect::kNoExecute).Tolerates(kSpotNoSchedule));
}

TEST(TolerationTest, ExistsIgnoresTheValue) {
  EXPECT_TRUE(Exists("cloudoptim.io/spot", TaintEffect::kNoSchedule).Tolerates(kSpotNoSchedule));
  Toleration with_value = Exists("cloudoptim.io/spot", std::nullopt);
  with_value.value = "ignored";
  EXPECT_TRUE(with_value.Tolerates(kSpotNoSchedule));
  EXPECT_FALSE(Exists("other", std::nullopt).Tolerates(kSpotNoSchedule));
}

TEST(TolerationTest, EmptyEffectMatchesEveryEffect) {
  for (TaintEffect effect :
       {TaintEffect::kNoSchedule, TaintEffect::kPreferNoSchedule, TaintEffect::kNoExecute}) {
    const Taint taint{"dedicated", "gpu", effect};
    EXPECT_TRUE(Equal("dedicated", "gpu", std::nullopt).Tolerates(taint));
    EXPECT_TRUE(Exists("dedicated", std::nullopt).Tolerates(taint));
  }
}

TEST(TolerationTest, EmptyKeyWithExistsToleratesEverything) {
  const Toleration everything = Exists("", std::nullopt);
  EXPECT_TRUE(everything.Tolerates(kSpotNoSchedule));
  EXPECT_TRUE(
      everything.Tolerates({"node.kubernetes.io/unreachable", "", TaintEffect::kNoExecute}));
  // With an effect, it tolerates every key of that effect only.
  const Toleration no_execute = Exists("", TaintEffect::kNoExecute);
  EXPECT_TRUE(no_execute.Tolerates({"a", "b", TaintEffect::kNoExecute}));
  EXPECT_FALSE(no_execute.Tolerates(kSpotNoSchedule));
}

TEST(ToleratesAllTest, EveryBlockingTaintMustBeTolerated) {
  const std::vector<Taint> taints = {
      kSpotNoSchedule,
      {"node.kubernetes.io/not-ready", "", TaintEffect::kNoExecute},
      {"soft", "x", TaintEffect::kPreferNoSchedule},
  };
  EXPECT_FALSE(ToleratesAll({}, taints));
  EXPECT_FALSE(ToleratesAll({Exists("cloudoptim.io/spot", std::nullopt)}, taints));
  // PreferNoSchedule never blocks, so it need not be tolerated.
  EXPECT_TRUE(ToleratesAll({Exists("cloudoptim.io/spot", std::nullopt),
                            Exists("node.kubernetes.io/not-ready", TaintEffect::kNoExecute)},
                           taints));
  EXPECT_TRUE(ToleratesAll({Exists("", std::nullopt)}, taints));
  EXPECT_TRUE(ToleratesAll({}, {}));
  EXPECT_TRUE(ToleratesAll({}, {{"soft", "x", TaintEffect::kPreferNoSchedule}}));
}

TEST(TaintEffectTest, NamesRoundTrip) {
  for (TaintEffect effect :
       {TaintEffect::kNoSchedule, TaintEffect::kPreferNoSchedule, TaintEffect::kNoExecute}) {
    EXPECT_EQ(ParseTaintEffect(TaintEffectName(effect)), effect);
  }
  EXPECT_EQ(TaintEffectName(TaintEffect::kPreferNoSchedule), "PreferNoSchedule");
  EXPECT_EQ(ParseTaintEffect("noschedule"), std::nullopt);
  EXPECT_EQ(ParseTaintEffect(""), std::nullopt);
}

}  // namespace
}  // namespace cloudoptim
