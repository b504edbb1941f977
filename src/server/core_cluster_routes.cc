// Core API: clusters — list, detail, settings, onboarding, triggering a cycle, ML health.
#include <algorithm>
#include <cctype>

#include "server/cluster_credentials.h"
#include "server/core_routes.h"

namespace cloudoptim::server {
namespace {

struct ThresholdRange {
  const char* name;
  double min;
  double max;
  bool integer;
};
// The per-cluster safety thresholds a tenant may set (policy.h SafetyThresholds).
constexpr ThresholdRange kThresholds[] = {
    {"min_pool_safety_score", 0, 1, false},
    {"min_availability_zones", 1, 6, true},
    {"max_pool_capacity_share", 0.01, 1, false},
    {"min_on_demand_share", 0, 1, false},
};

Status ValidateThresholds(const Json& thresholds) {
  if (!thresholds.is_object()) return InvalidArgument("thresholds: expected an object");
  for (auto it = thresholds.begin(); it != thresholds.end(); ++it) {
    const ThresholdRange* range = nullptr;
    for (const ThresholdRange& r : kThresholds) {
      if (it.key() == r.name) range = &r;
    }
    std::string field = "thresholds." + it.key();
    if (!range) {
      return InvalidArgument(field +
                             ": unknown threshold (known: min_pool_safety_score, "
                             "min_availability_zones, max_pool_capacity_share, "
                             "min_on_demand_share)");
    }
    bool type_ok = range->integer ? it->is_number_integer() : it->is_number();
    if (!type_ok || it->get<double>() < range->min || it->get<double>() > range->max) {
      return InvalidArgument(field + ": expected " + (range->integer ? "an integer" : "a number") +
                             " from " + Json(range->min).dump() + " to " + Json(range->max).dump());
    }
  }
  return Ok();
}

bool IsHttpUrl(const std::string& text) {
  return text.starts_with("https://") || text.starts_with("http://");
}

Status ValidateName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 63 && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    ok = ok && (std::islower(static_cast<unsigned char>(c)) ||
                std::isdigit(static_cast<unsigned char>(c)) || c == '-');
  }
  if (!ok) {
    return InvalidArgument("name: expected 1-63 lower-case letters, digits or '-', got \"" + name +
                           "\"");
  }
  return Ok();
}

// Reads and checks the onboarding body; the credentials part is sealed by the store.
Result<store::ClusterRegistration> ParseOnboarding(const Json& body) {
  FieldReader in;
  store::ClusterRegistration registration{.name = in.String(body, "name", ""),
                                          .region = in.String(body, "region", ""),
                                          .aws_endpoint = in.String(body, "aws_endpoint", ""),
                                          .queue_url = in.String(body, "queue_url", ""),
                                          .launch_template = in.String(body, "launch_template", ""),
                                          .subnet_ids = in.StringList(body, "subnet_ids", "")};
  ClusterCredentials credentials{.kubeconfig = in.String(body, "kubeconfig", ""),
                                 .server = in.String(body, "server", ""),
                                 .token = in.String(body, "token", ""),
                                 .ca_certificate = in.String(body, "ca_certificate", ""),
                                 .role_arn = in.String(body, "role_arn", ""),
                                 .external_id = in.String(body, "external_id", "")};
  if (in.failed()) return std::unexpected(in.error());
  CO_RETURN_IF_ERROR(ValidateName(registration.name));
  const std::string& region = registration.region;
  if (region.empty() || region.find('-') == std::string::npos ||
      !std::all_of(region.begin(), region.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) ||
               std::isdigit(static_cast<unsigned char>(c)) || c == '-';
      })) {
    return InvalidArgument("region: expected an AWS region such as us-east-1, got \"" + region +
                           "\"");
  }
  if (credentials.kubeconfig.empty() && (credentials.server.empty() || credentials.token.empty())) {
    return InvalidArgument("kubeconfig: give a kubeconfig, or server and token");
  }
  if (!credentials.server.empty() && !IsHttpUrl(credentials.server)) {
    return InvalidArgument("server: expected an https:// URL");
  }
  if (!registration.aws_endpoint.empty() && !IsHttpUrl(registration.aws_endpoint)) {
    return InvalidArgument("aws_endpoint: expected an http(s):// URL");
  }
  if (!registration.queue_url.empty() && !IsHttpUrl(registration.queue_url)) {
    return InvalidArgument("queue_url: expected the SQS queue's https:// URL");
  }
  for (size_t i = 0; i < registration.subnet_ids.size(); ++i) {
    const std::string& subnet = registration.subnet_ids[i];
    if (!subnet.starts_with("subnet-") || subnet.find(',') != std::string::npos) {
      return InvalidArgument("subnet_ids[" + std::to_string(i) +
                             "]: expected a subnet id (subnet-...), got \"" + subnet + "\"");
    }
  }
  if (!credentials.role_arn.empty() && !credentials.role_arn.starts_with("arn:aws:iam::")) {
    return InvalidArgument("role_arn: expected an IAM role ARN (arn:aws:iam::<account>:role/...)");
  }
  registration.credentials = EncodeClusterCredentials(credentials);
  return registration;
}

Result<ApiReply> ListClusters(CoreContext& ctx, const ApiRequest& request) {
  const std::string& tenant = request.principal.tenant_id;
  CO_ASSIGN_OR_RETURN(std::vector<store::Cluster> clusters,
                      ctx.store.clusters().ListClusters(tenant));
  Json items = Json::array();
  for (const store::Cluster& cluster : clusters) {
    Json item = ClusterJson(cluster);
    CO_ASSIGN_OR_RETURN(store::ClusterSettings settings,
                        ctx.store.clusters().GetSettings(tenant, cluster.id));
    item["mode"] = std::string(store::ClusterModeName(settings.mode));
    if (auto loop = ctx.hooks.GetLoopStatus(tenant, cluster.id)) item["loop"] = LoopJson(*loop);
    items.push_back(std::move(item));
  }
  return JsonReply({{"clusters", std::move(items)}});
}

Result<ApiReply> GetClusterDetail(CoreContext& ctx, const ApiRequest& request) {
  const std::string& tenant = request.principal.tenant_id;
  CO_ASSIGN_OR_RETURN(store::Cluster cluster, OwnCluster(ctx, tenant, request.Param("cluster_id")));
  CO_ASSIGN_OR_RETURN(store::ClusterSettings settings,
                      ctx.store.clusters().GetSettings(tenant, cluster.id));
  CO_ASSIGN_OR_RETURN(std::vector<store::StoredRecommendation> pending,
                      ctx.store.recommendations().ListRecommendations(
                          tenant, {.cluster_id = cluster.id,
                                   .status = store::RecommendationStatus::kPending,
                                   .limit = 100000}));
  Money pending_savings;
  for (const store::StoredRecommendation& r : pending) pending_savings += r.monthly_savings;
  Json body = ClusterJson(cluster);
  body["settings"] = SettingsJson(settings);
  body["pending_recommendations"] = pending.size();
  body["pending_monthly_savings_usd"] = MoneyToUsdText(pending_savings);
  if (auto loop = ctx.hooks.GetLoopStatus(tenant, cluster.id)) body["loop"] = LoopJson(*loop);
  return JsonReply(body);
}

Result<ApiReply> GetSettings(CoreContext& ctx, const ApiRequest& request) {
  const std::string& tenant = request.principal.tenant_id;
  CO_ASSIGN_OR_RETURN(store::Cluster cluster, OwnCluster(ctx, tenant, request.Param("cluster_id")));
  CO_ASSIGN_OR_RETURN(store::ClusterSettings settings,
                      ctx.store.clusters().GetSettings(tenant, cluster.id));
  return JsonReply(SettingsJson(settings));
}

// PUT replaces the fields it names and keeps the others.
Result<ApiReply> PutSettings(CoreContext& ctx, const ApiRequest& request) {
  const std::string& tenant = request.principal.tenant_id;
  CO_ASSIGN_OR_RETURN(Json body, ParseBodyObject(request.body));
  CO_ASSIGN_OR_RETURN(store::Cluster cluster, OwnCluster(ctx, tenant, request.Param("cluster_id")));
  CO_ASSIGN_OR_RETURN(store::ClusterSettings settings,
                      ctx.store.clusters().GetSettings(tenant, cluster.id));
  FieldReader in;
  if (body.contains("mode")) {
    std::string mode_text = in.String(body, "mode", "");
    Result<store::ClusterMode> mode = store::ParseClusterMode(mode_text);
    if (in.failed()) return std::unexpected(in.error());
    if (!mode) {
      return InvalidArgument("mode: unknown value \"" + mode_text +
                             "\" (expected recommend-only, approve or autopilot)");
    }
    settings.mode = *mode;
  }
  if (body.contains("thresholds")) {
    CO_RETURN_IF_ERROR(ValidateThresholds(body["thresholds"]));
    settings.thresholds_json = body["thresholds"].dump();
  }
  settings.kill_switch = in.Bool(body, "kill_switch", "", settings.kill_switch);
  if (in.failed()) return std::unexpected(in.error());
  CO_RETURN_IF_ERROR(ctx.store.clusters().PutSettings(tenant, cluster.id, settings));
  Audit(ctx, request.principal, "cluster.settings", "cluster/" + cluster.id,
        "mode " + std::string(store::ClusterModeName(settings.mode)));
  ctx.hooks.OnSettingsChanged(tenant, cluster.id);
  CO_ASSIGN_OR_RETURN(settings, ctx.store.clusters().GetSettings(tenant, cluster.id));
  return JsonReply(SettingsJson(settings));
}

Result<ApiReply> Onboard(CoreContext& ctx, const ApiRequest& request) {
  CO_ASSIGN_OR_RETURN(Json body, ParseBodyObject(request.body));
  CO_ASSIGN_OR_RETURN(store::ClusterRegistration registration, ParseOnboarding(body));
  Result<store::Cluster> cluster =
      ctx.store.clusters().RegisterCluster(request.principal.tenant_id, registration);
  if (!cluster && IsAlreadyExists(cluster.error())) {
    return AlreadyExists("name: this tenant already has a cluster named \"" + registration.name +
                         "\"");
  }
  if (!cluster) return std::unexpected(cluster.error());
  Audit(ctx, request.principal, "cluster.onboard", "cluster/" + cluster->id, registration.name);
  ctx.hooks.OnClusterRegistered(*cluster);
  return JsonReply({{"cluster", ClusterJson(*cluster)}}, 201);
}

Result<ApiReply> Trigger(CoreContext& ctx, const ApiRequest& request) {
  const std::string& tenant = request.principal.tenant_id;
  CO_ASSIGN_OR_RETURN(Json body, ParseBodyObject(request.body));
  FieldReader in;
  std::string cluster_id = in.String(body, "cluster_id", "");
  if (in.failed()) return std::unexpected(in.error());
  if (cluster_id.empty()) return InvalidArgument("cluster_id: required");
  CO_ASSIGN_OR_RETURN(store::Cluster cluster, OwnCluster(ctx, tenant, cluster_id));
  Result<CycleOutcome> outcome = ctx.hooks.TriggerCycle(tenant, cluster.id);
  if (!outcome) {
    // The hooks' contract: their NotFound/Unavailable/Aborted messages are for the tenant.
    const Error& e = outcome.error();
    if (IsNotFound(e) || IsUnavailable(e) || IsAborted(e)) {
      return MakeError(e.code == ErrorCode::kNotFound ? ErrorCode::kFailedPrecondition : e.code,
                       "cluster \"" + cluster.id + "\": " + e.message);
    }
    return std::unexpected(e);
  }
  Audit(ctx, request.principal, "optimization.trigger", "cluster/" + cluster.id, "");
  return JsonReply({{"cluster_id", cluster.id},
                    {"recommendation_count", outcome->recommendation_count},
                    {"inserted", outcome->inserted},
                    {"updated", outcome->updated},
                    {"superseded", outcome->superseded},
                    {"monthly_savings_usd", MoneyToUsdText(outcome->monthly_savings)},
                    {"started", FormatRfc3339(outcome->started)},
                    {"finished", FormatRfc3339(outcome->finished)}});
}

Result<ApiReply> MlHealthReply(CoreContext& ctx) {
  MlHealth health = ctx.hooks.GetMlHealth();
  Json body = {{"mode", health.mode}, {"healthy", health.healthy}, {"engines", health.engines}};
  if (!health.url.empty()) body["url"] = health.url;
  if (!health.detail.empty()) body["detail"] = health.detail;
  return JsonReply(body, health.healthy ? 200 : 503);
}

}  // namespace

std::vector<Route> ClusterRoutes(CoreContext& ctx) {
  return {
      {.method = "GET",
       .path = "/api/v1/admin/clusters",
       .access = Access::kViewer,
       .tag = "clusters",
       .summary = "The tenant's clusters with their mode and loop status",
       .handler = [&ctx](const ApiRequest& r) { return ListClusters(ctx, r); }},
      {.method = "GET",
       .path = "/api/v1/clusters/{cluster_id}",
       .access = Access::kViewer,
       .tag = "clusters",
       .summary = "One cluster: settings, loop status, pending recommendations and savings",
       .handler = [&ctx](const ApiRequest& r) { return GetClusterDetail(ctx, r); }},
      {.method = "GET",
       .path = "/api/v1/clusters/{cluster_id}/settings",
       .access = Access::kViewer,
       .tag = "clusters",
       .summary = "The cluster's mode, safety thresholds and kill switch",
       .handler = [&ctx](const ApiRequest& r) { return GetSettings(ctx, r); }},
      {.method = "PUT",
       .path = "/api/v1/clusters/{cluster_id}/settings",
       .access = Access::kAdmin,
       .tag = "clusters",
       .summary = "Change the cluster's mode, thresholds or kill switch (fields given only)",
       .body = {{"mode", "string", false, "recommend-only | approve | autopilot"},
                {"thresholds", "object", false,
                 "min_pool_safety_score, min_availability_zones, max_pool_capacity_share, "
                 "min_on_demand_share"},
                {"kill_switch", "boolean", false, "stop every action on the cluster"}},
       .handler = [&ctx](const ApiRequest& r) { return PutSettings(ctx, r); }},
      {.method = "POST",
       .path = "/api/v1/customer/onboard",
       .access = Access::kAdmin,
       .tag = "clusters",
       .summary = "Register a cluster; its credentials are stored encrypted",
       .body = {{"name", "string", true, "lower-case name, unique in the tenant"},
                {"region", "string", true, "AWS region, e.g. us-east-1"},
                {"kubeconfig", "string", false, "a kubeconfig (or server + token)"},
                {"server", "string", false, "Kubernetes API server URL"},
                {"token", "string", false, "bearer token for the API server"},
                {"ca_certificate", "string", false, "PEM CA of the API server"},
                {"aws_endpoint", "string", false, "AWS endpoint override"},
                {"role_arn", "string", false, "IAM role to assume in the account"},
                {"external_id", "string", false, "external id of that role"},
                {"queue_url", "string", false, "SQS queue with the cluster's EC2 events"},
                {"launch_template", "string", false,
                 "launch template (lt-... or name) for replacement nodes; default: the replaced "
                 "node's own"},
                {"subnet_ids", "array", false,
                 "subnets for replacement nodes; default: those the node group runs in"}},
       .handler = [&ctx](const ApiRequest& r) { return Onboard(ctx, r); }},
      {.method = "POST",
       .path = "/api/v1/optimization/trigger",
       .access = Access::kOperator,
       .tag = "clusters",
       .summary = "Run an engine cycle for a cluster now",
       .body = {{"cluster_id", "string", true, "the cluster"}},
       .handler = [&ctx](const ApiRequest& r) { return Trigger(ctx, r); }},
      {.method = "GET",
       .path = "/api/v1/ml/health",
       .access = Access::kViewer,
       .tag = "ml",
       .summary = "Where recommendations are computed (in-process or a remote ML server)",
       .handler = [&ctx](const ApiRequest&) { return MlHealthReply(ctx); }},
  };
}

}  // namespace cloudoptim::server
