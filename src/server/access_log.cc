#include "server/access_log.h"

#include <nlohmann/json.hpp>

namespace cloudoptim::server {

std::string FormatAccessLog(const AccessLogEntry& entry) {
  nlohmann::json line = {
      {"time", FormatRfc3339(entry.time)},
      {"server", entry.server},
      {"method", entry.method},
      {"route", entry.route},
      {"status", entry.status},
      {"latency_ms", static_cast<double>(entry.latency.count()) / 1000.0},
  };
  if (!entry.tenant_id.empty()) line["tenant"] = entry.tenant_id;
  if (!entry.key_id.empty()) line["key_id"] = entry.key_id;
  if (!entry.error_code.empty()) line["error"] = entry.error_code;
  return line.dump();
}

}  // namespace cloudoptim::server
