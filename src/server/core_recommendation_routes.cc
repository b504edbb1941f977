// Core API: recommendations — list with filters, one, approve, reject.
#include "server/core_routes.h"

namespace cloudoptim::server {
namespace {

Json RecommendationJson(const store::StoredRecommendation& r) {
  Json actions = Json::parse(r.actions_json, nullptr, /*allow_exceptions=*/false);
  if (actions.is_discarded()) actions = Json::array();
  return {{"id", r.id},
          {"cluster_id", r.cluster_id},
          {"engine", r.engine},
          {"target", r.target},
          {"actions", std::move(actions)},
          {"monthly_savings_usd", MoneyToUsdText(r.monthly_savings)},
          {"confidence", r.confidence},
          {"explanation", r.explanation},
          {"status", std::string(store::RecommendationStatusName(r.status))},
          {"created", FormatRfc3339(r.created)},
          {"updated", FormatRfc3339(r.updated)}};
}

Result<ApiReply> List(CoreContext& ctx, const ApiRequest& request) {
  const std::string& tenant = request.principal.tenant_id;
  store::RecommendationFilter filter;
  CO_ASSIGN_OR_RETURN(filter.limit, ParseLimit(request, 100, 1000));
  filter.cluster_id = request.Query("cluster_id");
  filter.engine = request.Query("engine");
  if (std::string status = request.Query("status"); !status.empty()) {
    Result<store::RecommendationStatus> parsed = store::ParseRecommendationStatus(status);
    if (!parsed) {
      return InvalidArgument("status: unknown value \"" + status +
                             "\" (expected pending, approved, rejected, applied or superseded)");
    }
    filter.status = *parsed;
  }
  if (!filter.cluster_id.empty()) {
    CO_RETURN_IF_ERROR(OwnCluster(ctx, tenant, filter.cluster_id));
  }
  CO_ASSIGN_OR_RETURN(std::vector<store::StoredRecommendation> found,
                      ctx.store.recommendations().ListRecommendations(tenant, filter));
  Json items = Json::array();
  Money total;
  for (const store::StoredRecommendation& r : found) {
    total += r.monthly_savings;
    items.push_back(RecommendationJson(r));
  }
  return JsonReply({{"recommendations", std::move(items)},
                    {"count", found.size()},
                    {"total_monthly_savings_usd", MoneyToUsdText(total)}});
}

Result<store::StoredRecommendation> Find(CoreContext& ctx, const ApiRequest& request) {
  const std::string& tenant = request.principal.tenant_id;
  CO_ASSIGN_OR_RETURN(store::Cluster cluster, OwnCluster(ctx, tenant, request.Param("cluster_id")));
  const std::string& id = request.Param("recommendation_id");
  Result<store::StoredRecommendation> found =
      ctx.store.recommendations().GetRecommendation(tenant, cluster.id, id);
  if (!found && IsNotFound(found.error())) {
    return NotFound("recommendation \"" + id + "\" not found");
  }
  return found;
}

Result<ApiReply> Get(CoreContext& ctx, const ApiRequest& request) {
  CO_ASSIGN_OR_RETURN(store::StoredRecommendation found, Find(ctx, request));
  return JsonReply(RecommendationJson(found));
}

Result<ApiReply> Decide(CoreContext& ctx, const ApiRequest& request,
                        store::RecommendationStatus status) {
  CO_ASSIGN_OR_RETURN(Json body, ParseBodyObject(request.body, /*allow_empty=*/true));
  FieldReader in;
  std::string reason = in.String(body, "reason", "");
  if (in.failed()) return std::unexpected(in.error());
  if (reason.size() > 1000) return InvalidArgument("reason: at most 1000 characters");
  CO_ASSIGN_OR_RETURN(store::StoredRecommendation found, Find(ctx, request));
  const std::string& tenant = request.principal.tenant_id;
  CO_RETURN_IF_ERROR(ctx.store.recommendations().SetRecommendationStatus(tenant, found.cluster_id,
                                                                         found.id, status));
  bool approve = status == store::RecommendationStatus::kApproved;
  Audit(ctx, request.principal, approve ? "recommendation.approve" : "recommendation.reject",
        "recommendation/" + found.id, reason);
  CO_ASSIGN_OR_RETURN(
      found, ctx.store.recommendations().GetRecommendation(tenant, found.cluster_id, found.id));
  return JsonReply(RecommendationJson(found));
}

}  // namespace

std::vector<Route> RecommendationRoutes(CoreContext& ctx) {
  std::vector<FieldDoc> decide_body = {{"reason", "string", false, "why, for the audit log"}};
  return {
      {.method = "GET",
       .path = "/api/v1/recommendations",
       .access = Access::kViewer,
       .tag = "recommendations",
       .summary = "The tenant's recommendations, highest monthly savings first",
       .query = {{"cluster_id", "string", false, "only this cluster"},
                 {"status", "string", false,
                  "pending | approved | rejected | applied | superseded"},
                 {"engine", "string", false, "spot-optimize | bin-pack | rightsize"},
                 {"limit", "integer", false, "1-1000, default 100"}},
       .handler = [&ctx](const ApiRequest& r) { return List(ctx, r); }},
      {.method = "GET",
       .path = "/api/v1/clusters/{cluster_id}/recommendations/{recommendation_id}",
       .access = Access::kViewer,
       .tag = "recommendations",
       .summary = "One recommendation with its actions",
       .handler = [&ctx](const ApiRequest& r) { return Get(ctx, r); }},
      {.method = "POST",
       .path = "/api/v1/clusters/{cluster_id}/recommendations/{recommendation_id}/approve",
       .access = Access::kOperator,
       .tag = "recommendations",
       .summary = "Approve a pending recommendation (the executor may then apply it)",
       .body = decide_body,
       .handler =
           [&ctx](const ApiRequest& r) {
             return Decide(ctx, r, store::RecommendationStatus::kApproved);
           }},
      {.method = "POST",
       .path = "/api/v1/clusters/{cluster_id}/recommendations/{recommendation_id}/reject",
       .access = Access::kOperator,
       .tag = "recommendations",
       .summary = "Reject a pending or approved recommendation",
       .body = decide_body,
       .handler =
           [&ctx](const ApiRequest& r) {
             return Decide(ctx, r, store::RecommendationStatus::kRejected);
           }},
  };
}

}  // namespace cloudoptim::server
