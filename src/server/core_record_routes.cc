// Core API: what happened — savings over time, the action journal, the audit log and the
// safety enforcer's violations.
#include "server/core_routes.h"

namespace cloudoptim::server {
namespace {

// The cluster filter of a list route: "" (every cluster of the tenant) or an own cluster.
Result<std::string> ClusterFilter(CoreContext& ctx, const ApiRequest& request) {
  std::string cluster_id = request.Query("cluster_id");
  if (!cluster_id.empty()) {
    CO_RETURN_IF_ERROR(OwnCluster(ctx, request.principal.tenant_id, cluster_id));
  }
  return cluster_id;
}

// Realized savings are summed over the window; the projected run-rate is each cluster's
// latest point; `recommended` is what pending recommendations would save per month.
Result<ApiReply> Savings(CoreContext& ctx, const ApiRequest& request) {
  const std::string& tenant = request.principal.tenant_id;
  CO_ASSIGN_OR_RETURN(std::string cluster_id, ClusterFilter(ctx, request));
  CO_ASSIGN_OR_RETURN(std::optional<TimePoint> from, ParseTimeQuery(request, "from"));
  CO_ASSIGN_OR_RETURN(std::optional<TimePoint> to, ParseTimeQuery(request, "to"));
  TimePoint end = to.value_or(ctx.clock.Now() + std::chrono::seconds(1));
  TimePoint start = from.value_or(end - std::chrono::hours(24 * 30));
  if (start >= end) return InvalidArgument("from: must be before to");
  CO_ASSIGN_OR_RETURN(std::vector<store::SavingsPoint> points,
                      ctx.store.time_series().QuerySavings(tenant, cluster_id, start, end));
  Money realized;
  std::map<std::string, Money> projected_by_cluster;
  Json series = Json::array();
  for (const store::SavingsPoint& p : points) {
    realized += p.realized;
    projected_by_cluster[p.cluster_id] = p.projected_monthly;
    series.push_back({{"cluster_id", p.cluster_id},
                      {"at", FormatRfc3339(p.at)},
                      {"realized_usd", MoneyToUsdText(p.realized)},
                      {"projected_monthly_usd", MoneyToUsdText(p.projected_monthly)}});
  }
  Money projected;
  for (const auto& [id, money] : projected_by_cluster) projected += money;
  CO_ASSIGN_OR_RETURN(std::vector<store::StoredRecommendation> pending,
                      ctx.store.recommendations().ListRecommendations(
                          tenant, {.cluster_id = cluster_id,
                                   .status = store::RecommendationStatus::kPending,
                                   .limit = 100000}));
  Money recommended;
  for (const store::StoredRecommendation& r : pending) recommended += r.monthly_savings;
  return JsonReply({{"from", FormatRfc3339(start)},
                    {"to", FormatRfc3339(end)},
                    {"realized_usd", MoneyToUsdText(realized)},
                    {"projected_monthly_usd", MoneyToUsdText(projected)},
                    {"recommended_monthly_usd", MoneyToUsdText(recommended)},
                    {"pending_recommendations", pending.size()},
                    {"points", std::move(series)}});
}

Result<ApiReply> Actions(CoreContext& ctx, const ApiRequest& request) {
  CO_ASSIGN_OR_RETURN(int limit, ParseLimit(request, 100, 1000));
  CO_ASSIGN_OR_RETURN(std::string cluster_id, ClusterFilter(ctx, request));
  CO_ASSIGN_OR_RETURN(
      std::vector<store::JournalEntry> entries,
      ctx.store.journal().ListRecentActions(request.principal.tenant_id, cluster_id, limit));
  Json items = Json::array();
  for (const store::JournalEntry& e : entries) {
    items.push_back({{"id", e.id},
                     {"plan_id", e.plan_id},
                     {"cluster_id", e.cluster_id},
                     {"step", e.step_index},
                     {"kind", e.kind},
                     {"target", e.target},
                     {"state", std::string(store::ActionStateName(e.state))},
                     {"attempts", e.attempts},
                     {"result", e.result},
                     {"created", FormatRfc3339(e.created)},
                     {"updated", FormatRfc3339(e.updated)}});
  }
  return JsonReply({{"actions", std::move(items)}});
}

Result<ApiReply> AuditLog(CoreContext& ctx, const ApiRequest& request) {
  CO_ASSIGN_OR_RETURN(int limit, ParseLimit(request, 100, 1000));
  CO_ASSIGN_OR_RETURN(std::optional<TimePoint> since, ParseTimeQuery(request, "since"));
  CO_ASSIGN_OR_RETURN(std::vector<store::AuditEntry> entries,
                      ctx.store.audit().ListAudit(request.principal.tenant_id, since, limit));
  Json items = Json::array();
  for (const store::AuditEntry& e : entries) {
    items.push_back({{"id", e.id},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"target", e.target},
                     {"reason", e.reason},
                     {"at", FormatRfc3339(e.at)}});
  }
  return JsonReply({{"entries", std::move(items)}});
}

Result<ApiReply> Violations(CoreContext& ctx, const ApiRequest& request) {
  CO_ASSIGN_OR_RETURN(int limit, ParseLimit(request, 100, 1000));
  CO_ASSIGN_OR_RETURN(std::string cluster_id, ClusterFilter(ctx, request));
  CO_ASSIGN_OR_RETURN(
      std::vector<store::SafetyViolation> found,
      ctx.store.audit().ListSafetyViolations(request.principal.tenant_id, cluster_id, limit));
  Json items = Json::array();
  for (const store::SafetyViolation& v : found) {
    items.push_back({{"id", v.id},
                     {"cluster_id", v.cluster_id},
                     {"plan_id", v.plan_id},
                     {"layer", v.layer},
                     {"measured", v.measured},
                     {"threshold", v.threshold},
                     {"detail", v.detail},
                     {"at", FormatRfc3339(v.at)}});
  }
  return JsonReply({{"violations", std::move(items)}});
}

}  // namespace

std::vector<Route> RecordRoutes(CoreContext& ctx) {
  FieldDoc cluster{"cluster_id", "string", false, "only this cluster"};
  FieldDoc limit{"limit", "integer", false, "1-1000, default 100"};
  return {
      {.method = "GET",
       .path = "/api/v1/admin/savings",
       .access = Access::kViewer,
       .tag = "savings",
       .summary = "Realized, projected and recommended savings over a window (default 30 days)",
       .query = {cluster,
                 {"from", "string", false, "RFC 3339 start"},
                 {"to", "string", false, "RFC 3339 end"}},
       .handler = [&ctx](const ApiRequest& r) { return Savings(ctx, r); }},
      {.method = "GET",
       .path = "/api/v1/actions",
       .access = Access::kViewer,
       .tag = "records",
       .summary = "The action journal, most recently changed first",
       .query = {cluster, limit},
       .handler = [&ctx](const ApiRequest& r) { return Actions(ctx, r); }},
      {.method = "GET",
       .path = "/api/v1/audit",
       .access = Access::kViewer,
       .tag = "records",
       .summary = "The tenant's audit log, newest first",
       .query = {{"since", "string", false, "RFC 3339: entries at or after"}, limit},
       .handler = [&ctx](const ApiRequest& r) { return AuditLog(ctx, r); }},
      {.method = "GET",
       .path = "/api/v1/safety-violations",
       .access = Access::kViewer,
       .tag = "records",
       .summary = "Plans the safety enforcer refused, newest first",
       .query = {cluster, limit},
       .handler = [&ctx](const ApiRequest& r) { return Violations(ctx, r); }},
  };
}

}  // namespace cloudoptim::server
