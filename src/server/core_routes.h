// The core API's route table, in groups (one file each): clusters and onboarding,
// recommendations, records (savings, actions, audit, safety violations), keys and tenants,
// the global kill switch, and service routes (health, metrics, OpenAPI). Internal to src/server;
// CoreApiServer registers them. Helpers shared by the handlers are declared here too.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "server/control_plane_hooks.h"
#include "server/json_fields.h"
#include "server/metrics.h"
#include "server/route.h"
#include "store/store.h"

namespace cloudoptim::server {

struct CoreContext {
  store::Store& store;
  ControlPlaneHooks& hooks;
  const Clock& clock;
  MetricsRegistry& metrics;
};

std::vector<Route> ClusterRoutes(CoreContext& context);
std::vector<Route> RecommendationRoutes(CoreContext& context);
std::vector<Route> RecordRoutes(CoreContext& context);
std::vector<Route> TenantRoutes(CoreContext& context);
std::vector<Route> KillSwitchRoutes(CoreContext& context);

// ---- helpers for handlers ----
ApiReply JsonReply(const Json& body, int status = 200);
// The request body as a JSON object: InvalidArgument "body: ..." otherwise. An empty body
// reads as {} when `allow_empty`.
Result<Json> ParseBodyObject(const std::string& body, bool allow_empty = false);
// ?limit= in [1, max], `fallback` when absent.
Result<int> ParseLimit(const ApiRequest& request, int fallback, int max);
// ?<name>= as an RFC 3339 time, nullopt when absent.
Result<std::optional<TimePoint>> ParseTimeQuery(const ApiRequest& request, const char* name);
// The tenant's cluster, or NotFound worded the same whether it is another tenant's or absent.
Result<store::Cluster> OwnCluster(CoreContext& context, const std::string& tenant_id,
                                  const std::string& cluster_id);
// Appends an audit entry; failures are not the caller's problem (the action already happened),
// they are counted in cloudoptim_audit_failures_total.
void Audit(CoreContext& context, const Principal& principal, const std::string& action,
           const std::string& target, const std::string& reason);
// The same in `tenant_id`'s log (the service operator acting on what every tenant sees).
void AuditTenant(CoreContext& context, const std::string& tenant_id, const Principal& principal,
                 const std::string& action, const std::string& target, const std::string& reason);

Json ClusterJson(const store::Cluster& cluster);
Json SettingsJson(const store::ClusterSettings& settings);
Json LoopJson(const LoopStatus& loop);

}  // namespace cloudoptim::server
