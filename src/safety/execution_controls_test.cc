#include "safety/execution_controls.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

TEST(ExecutionModeTest, NamesRoundTripAndUnknownNamesAreRejected) {
  for (ExecutionMode mode :
       {ExecutionMode::kRecommendOnly, ExecutionMode::kApprove, ExecutionMode::kAutopilot}) {
    EXPECT_EQ(ParseExecutionMode(ExecutionModeName(mode)), mode);
  }
  EXPECT_EQ(ExecutionModeName(ExecutionMode::kRecommendOnly), "recommend-only");
  EXPECT_FALSE(ParseExecutionMode("yolo").has_value());
}

TEST(KillSwitchesTest, GlobalStopsEveryClusterAndClusterStopsOnlyItself) {
  KillSwitches switches;
  EXPECT_FALSE(switches.Blocking("prod"));
  switches.Engage("prod", "bad deploy");
  EXPECT_EQ(switches.Blocking("prod"), "kill switch of cluster prod engaged: bad deploy");
  EXPECT_FALSE(switches.Blocking("staging"));
  switches.EngageGlobal("incident 4711");
  EXPECT_EQ(switches.Blocking("staging"), "global kill switch engaged: incident 4711");
  switches.ReleaseGlobal();
  EXPECT_FALSE(switches.Blocking("staging"));
  switches.Release("prod");
  EXPECT_FALSE(switches.Blocking("prod"));
}

}  // namespace
}  // namespace cloudoptim
