#include "controlplane/control_plane_log.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cloudoptim::controlplane {
namespace {

TEST(ControlPlaneLogTest, TextLinesQuoteValuesWithSpaces) {
  std::string line = FormatLogLine(LogLevel::kWarn, "engine cycle failed",
                                   {{"cluster", "c1"}, {"error", "connection refused"}},
                                   LogFormat::kText, "2026-11-26T07:00:00Z");
  EXPECT_EQ(line,
            "2026-11-26T07:00:00Z warn engine cycle failed cluster=c1 "
            "error=\"connection refused\"");
}

TEST(ControlPlaneLogTest, JsonLinesAreOneObjectWithEveryField) {
  std::string line = FormatLogLine(LogLevel::kInfo, "engine cycle", {{"cluster", "c1"}},
                                   LogFormat::kJson, "2026-11-26T07:00:00Z");
  nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["msg"], "engine cycle");
  EXPECT_EQ(parsed["cluster"], "c1");
  EXPECT_EQ(parsed["time"], "2026-11-26T07:00:00Z");
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(ControlPlaneLogTest, LevelsParseByName) {
  EXPECT_EQ(ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(ParseLogLevel("error"), LogLevel::kError);
  EXPECT_EQ(ParseLogLevel("nonsense"), LogLevel::kInfo);
}

}  // namespace
}  // namespace cloudoptim::controlplane
