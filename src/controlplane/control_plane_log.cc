#include "controlplane/control_plane_log.h"

#include <atomic>
#include <iostream>
#include <mutex>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace cloudoptim::controlplane {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<LogFormat> g_format{LogFormat::kText};
std::mutex g_write_mutex;

constexpr std::string_view kLevelNames[] = {"trace", "debug", "info", "warn", "error"};

}  // namespace

LogLevel ParseLogLevel(std::string_view text) {
  for (size_t i = 0; i < std::size(kLevelNames); ++i) {
    if (kLevelNames[i] == text) return static_cast<LogLevel>(i);
  }
  return LogLevel::kInfo;
}

void ConfigureLog(LogLevel level, LogFormat format) {
  g_level = level;
  g_format = format;
}

std::string FormatLogLine(LogLevel level, std::string_view message, const LogFields& fields,
                          LogFormat format, std::string_view timestamp) {
  std::string_view level_name = kLevelNames[static_cast<size_t>(level)];
  if (format == LogFormat::kJson) {
    nlohmann::json line = {{"time", timestamp}, {"level", level_name}, {"msg", message}};
    for (const auto& [key, value] : fields) line[key] = value;
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string line =
      std::string(timestamp) + " " + std::string(level_name) + " " + std::string(message);
  for (const auto& [key, value] : fields) {
    bool quote = value.empty() || value.find(' ') != std::string::npos;
    line += " " + key + "=" + (quote ? "\"" + value + "\"" : value);
  }
  return line;
}

void Log(LogLevel level, std::string_view message, const LogFields& fields) {
  if (level < g_level.load()) return;
  std::string line = FormatLogLine(level, message, fields, g_format.load(),
                                   FormatRfc3339(std::chrono::system_clock::now()));
  std::lock_guard lock(g_write_mutex);
  std::cerr << line << "\n" << std::flush;
}

}  // namespace cloudoptim::controlplane
