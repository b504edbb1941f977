// Structured access logs: one JSON line per request (time, method, route template, status,
// latency, tenant, key id). Never the key itself, never a body. Where lines go is the
// caller's choice: a sink function (stderr by default in the commands, a vector in tests).
//
//   AccessLogSink sink = [](const std::string& line) { std::cerr << line << "\n"; };
//   sink(FormatAccessLog(entry));   // {"time":"2026-...","method":"GET","route":...}
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/clock.h"

namespace cloudoptim::server {

using AccessLogSink = std::function<void(const std::string& json_line)>;

struct AccessLogEntry {
  TimePoint time{};
  std::string server;  // "core" | "ml"
  std::string method;
  std::string route;  // the route template, "/api/v1/clusters/{cluster_id}"; never the raw path
  int status = 0;
  std::chrono::microseconds latency{0};
  std::string tenant_id;   // empty when unauthenticated or the service operator
  std::string key_id;      // the public id of the key used; empty when none
  std::string error_code;  // the error shape's code for 4xx/5xx ("not_found")
};

std::string FormatAccessLog(const AccessLogEntry& entry);

}  // namespace cloudoptim::server
