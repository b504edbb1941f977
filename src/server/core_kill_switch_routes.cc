// Core API: the global kill switch, set by the service operator during an incident. While it
// is engaged no cluster of any tenant acts: the execution gate refuses every plan (see
// LoadGateConfig). Tenants' keys cannot read or change it (403); each tenant's audit log gets
// an entry when it changes, so a tenant can tell why its approved plans are held.
#include "server/core_routes.h"

#include <algorithm>
#include <string_view>

namespace cloudoptim::server {
namespace {

// Long enough for an incident reference and a sentence; short enough for a log line.
constexpr size_t kMaxReasonChars = 500;

// Characters as a person counts them (Unicode code points), not bytes: the JSON parser has
// checked the text is valid UTF-8, so every byte that is not a continuation byte (10xxxxxx)
// starts one code point.
size_t CodePoints(std::string_view utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

Json KillSwitchJson(const store::GlobalKillSwitch& s) {
  Json out = {{"engaged", s.engaged}, {"reason", s.reason}, {"changed_by", s.changed_by}};
  if (s.changed != TimePoint{}) out["changed"] = FormatRfc3339(s.changed);
  return out;
}

Result<store::GlobalKillSwitch> ParseKillSwitchBody(const std::string& text) {
  CO_ASSIGN_OR_RETURN(Json body, ParseBodyObject(text));
  if (!body.contains("engaged")) return InvalidArgument("engaged: required (true or false)");
  FieldReader in;
  store::GlobalKillSwitch kill_switch;
  kill_switch.engaged = in.Bool(body, "engaged", "");
  kill_switch.reason = in.String(body, "reason", "");
  if (in.failed()) return std::unexpected(in.error());
  if (kill_switch.engaged && kill_switch.reason.empty()) {
    return InvalidArgument("reason: required when engaging (say why, e.g. \"incident 4711\")");
  }
  if (const size_t chars = CodePoints(kill_switch.reason); chars > kMaxReasonChars) {
    return InvalidArgument("reason: at most " + std::to_string(kMaxReasonChars) + " characters (" +
                           std::to_string(chars) + " given)");
  }
  return kill_switch;
}

// Every tenant is affected, so every tenant's audit log records the change. A failed entry
// is counted, not returned: the switch is already set.
void AuditEveryTenant(CoreContext& ctx, const Principal& principal,
                      const store::GlobalKillSwitch& kill_switch) {
  Result<std::vector<store::Tenant>> tenants = ctx.store.tenants().ListTenants();
  if (!tenants) {
    ctx.metrics.Increment("cloudoptim_audit_failures_total");
    return;
  }
  const std::string action =
      kill_switch.engaged ? "service.kill-switch.engage" : "service.kill-switch.release";
  for (const store::Tenant& tenant : *tenants) {
    AuditTenant(ctx, tenant.id, principal, action, "service/kill-switch", kill_switch.reason);
  }
}

Result<ApiReply> GetKillSwitch(CoreContext& ctx) {
  CO_ASSIGN_OR_RETURN(store::GlobalKillSwitch kill_switch,
                      ctx.store.service_settings().GetGlobalKillSwitch());
  return JsonReply(KillSwitchJson(kill_switch));
}

Result<ApiReply> PutKillSwitch(CoreContext& ctx, const ApiRequest& request) {
  CO_ASSIGN_OR_RETURN(store::GlobalKillSwitch wanted, ParseKillSwitchBody(request.body));
  wanted.changed_by = request.principal.Actor();
  CO_ASSIGN_OR_RETURN(store::GlobalKillSwitch stored,
                      ctx.store.service_settings().PutGlobalKillSwitch(wanted));
  AuditEveryTenant(ctx, request.principal, stored);
  return JsonReply(KillSwitchJson(stored));
}

}  // namespace

std::vector<Route> KillSwitchRoutes(CoreContext& ctx) {
  return {
      {.method = "GET",
       .path = "/api/v1/service/kill-switch",
       .access = Access::kService,
       .tag = "service",
       .summary = "The global kill switch: engaged or not, why, by whom, since when",
       .handler = [&ctx](const ApiRequest&) { return GetKillSwitch(ctx); }},
      {.method = "PUT",
       .path = "/api/v1/service/kill-switch",
       .access = Access::kService,
       .tag = "service",
       .summary = "Engage or release the global kill switch: while engaged nothing acts in any "
                  "cluster (service operator key)",
       .body = {{"engaged", "boolean", true, "true stops every execution, false releases"},
                {"reason", "string", false, "why; required when engaging (at most 500 chars)"}},
       .handler = [&ctx](const ApiRequest& r) { return PutKillSwitch(ctx, r); }},
  };
}

}  // namespace cloudoptim::server
