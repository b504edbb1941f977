// The control plane's log: one line per event on stderr, as text ("2026-11-26T07:00:00Z info
// cycle cluster=c1 recommendations=4") or as one JSON object per line, at or above the
// configured level. Thread-safe; configured once at start-up by `cloudoptim core`.
//
//   ConfigureLog(LogLevel::kInfo, LogFormat::kJson);
//   Log(LogLevel::kWarn, "cluster unreachable", {{"cluster", id}, {"error", message}});
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "controlplane/control_plane_config.h"

namespace cloudoptim::controlplane {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };
// "info" -> kInfo; unknown text is kInfo (the config validated it already).
LogLevel ParseLogLevel(std::string_view text);

using LogFields = std::vector<std::pair<std::string, std::string>>;

void ConfigureLog(LogLevel level, LogFormat format);
void Log(LogLevel level, std::string_view message, const LogFields& fields = {});
// The line Log would write (without the newline), for tests.
std::string FormatLogLine(LogLevel level, std::string_view message, const LogFields& fields,
                          LogFormat format, std::string_view timestamp);

}  // namespace cloudoptim::controlplane
