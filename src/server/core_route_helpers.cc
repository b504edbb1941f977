// Helpers shared by the core API's handlers (declared in core_routes.h).
#include <charconv>

#include "server/core_routes.h"

namespace cloudoptim::server {

ApiReply JsonReply(const Json& body, int status) {
  return {status, body.dump(), "application/json"};
}

Result<Json> ParseBodyObject(const std::string& body, bool allow_empty) {
  if (body.empty() && allow_empty) return Json::object();
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return InvalidArgument("body: not valid JSON");
  if (!parsed.is_object()) return InvalidArgument("body: expected a JSON object");
  return parsed;
}

Result<int> ParseLimit(const ApiRequest& request, int fallback, int max) {
  std::string text = request.Query("limit");
  if (text.empty()) return fallback;
  int limit = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (ec != std::errc() || end != text.data() + text.size() || limit < 1 || limit > max) {
    return InvalidArgument("limit: expected an integer from 1 to " + std::to_string(max) +
                           ", got \"" + text + "\"");
  }
  return limit;
}

Result<std::optional<TimePoint>> ParseTimeQuery(const ApiRequest& request, const char* name) {
  std::string text = request.Query(name);
  if (text.empty()) return std::optional<TimePoint>();
  TimePoint time;
  if (!ParseRfc3339(text, &time)) {
    return InvalidArgument(std::string(name) +
                           ": expected an RFC 3339 time such as 2026-01-02T15:04:05Z, got \"" +
                           text + "\"");
  }
  return std::optional<TimePoint>(time);
}

Result<store::Cluster> OwnCluster(CoreContext& context, const std::string& tenant_id,
                                  const std::string& cluster_id) {
  Result<store::Cluster> cluster = context.store.clusters().GetCluster(tenant_id, cluster_id);
  if (!cluster && IsNotFound(cluster.error())) {
    return NotFound("cluster \"" + cluster_id + "\" not found");
  }
  return cluster;
}

void Audit(CoreContext& context, const Principal& principal, const std::string& action,
           const std::string& target, const std::string& reason) {
  AuditTenant(context, principal.tenant_id, principal, action, target, reason);
}

void AuditTenant(CoreContext& context, const std::string& tenant_id, const Principal& principal,
                 const std::string& action, const std::string& target, const std::string& reason) {
  store::AuditEntry entry{.actor = principal.Actor(),
                          .action = action,
                          .target = target,
                          .reason = reason,
                          .at = context.clock.Now()};
  if (!context.store.audit().AppendAudit(tenant_id, entry)) {
    context.metrics.Increment("cloudoptim_audit_failures_total");
  }
}

Json ClusterJson(const store::Cluster& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"region", c.region},
          {"aws_endpoint", c.aws_endpoint},
          {"queue_url", c.queue_url},
          {"launch_template", c.launch_template},
          {"subnet_ids", c.subnet_ids},
          {"created", FormatRfc3339(c.created)}};
}

Json SettingsJson(const store::ClusterSettings& s) {
  Json thresholds = Json::parse(s.thresholds_json, nullptr, /*allow_exceptions=*/false);
  if (thresholds.is_discarded()) thresholds = Json::object();
  Json out = {{"mode", std::string(store::ClusterModeName(s.mode))},
              {"thresholds", std::move(thresholds)},
              {"kill_switch", s.kill_switch}};
  if (s.updated != TimePoint{}) out["updated"] = FormatRfc3339(s.updated);
  return out;
}

Json LoopJson(const LoopStatus& loop) {
  Json out = {{"running", loop.running},
              {"cycle_interval_seconds",
               std::chrono::duration_cast<std::chrono::seconds>(loop.cycle_interval).count()}};
  if (loop.last_snapshot) out["last_snapshot"] = FormatRfc3339(*loop.last_snapshot);
  if (loop.last_cycle) out["last_cycle"] = FormatRfc3339(*loop.last_cycle);
  if (loop.next_cycle) out["next_cycle"] = FormatRfc3339(*loop.next_cycle);
  if (!loop.last_error.empty()) out["last_error"] = loop.last_error;
  if (!loop.replica.empty()) out["replica"] = loop.replica;
  if (loop.updated) out["updated"] = FormatRfc3339(*loop.updated);
  return out;
}

}  // namespace cloudoptim::server
