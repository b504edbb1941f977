// Core API: API keys of a tenant (its admins manage them) and tenant administration by the
// service operator (create a tenant with its first admin key, list tenants and clusters).
#include "server/core_routes.h"

namespace cloudoptim::server {
namespace {

Json KeyJson(const store::ApiKeyRecord& k) {
  Json out = {{"key_id", k.key_id},
              {"role", std::string(store::RoleName(k.role))},
              {"description", k.description},
              {"created", FormatRfc3339(k.created)}};
  if (k.revoked) out["revoked"] = FormatRfc3339(*k.revoked);
  return out;
}

// The plaintext is in this reply only; the store keeps its hash.
Json NewKeyJson(const store::NewApiKey& key) {
  Json out = KeyJson(key.record);
  out["key"] = key.plaintext;
  return out;
}

Result<ApiReply> ListKeys(CoreContext& ctx, const ApiRequest& request) {
  CO_ASSIGN_OR_RETURN(std::vector<store::ApiKeyRecord> keys,
                      ctx.store.tenants().ListApiKeys(request.principal.tenant_id));
  Json items = Json::array();
  for (const store::ApiKeyRecord& k : keys) items.push_back(KeyJson(k));
  return JsonReply({{"keys", std::move(items)}});
}

Result<ApiReply> CreateKey(CoreContext& ctx, const ApiRequest& request) {
  CO_ASSIGN_OR_RETURN(Json body, ParseBodyObject(request.body));
  FieldReader in;
  std::string role_text = in.String(body, "role", "");
  std::string description = in.String(body, "description", "");
  if (in.failed()) return std::unexpected(in.error());
  Result<store::Role> role = store::ParseRole(role_text);
  if (!role) {
    return InvalidArgument("role: unknown value \"" + role_text +
                           "\" (expected admin, operator or viewer)");
  }
  if (description.size() > 200) return InvalidArgument("description: at most 200 characters");
  CO_ASSIGN_OR_RETURN(store::NewApiKey key, ctx.store.tenants().CreateApiKey(
                                                request.principal.tenant_id, *role, description));
  Audit(ctx, request.principal, "api-key.create", "api-key/" + key.record.key_id, role_text);
  return JsonReply(NewKeyJson(key), 201);
}

Result<ApiReply> RevokeKey(CoreContext& ctx, const ApiRequest& request) {
  const std::string& key_id = request.Param("key_id");
  Status revoked = ctx.store.tenants().RevokeApiKey(request.principal.tenant_id, key_id);
  if (!revoked && IsNotFound(revoked.error())) {
    return NotFound("api key \"" + key_id + "\" not found");
  }
  CO_RETURN_IF_ERROR(revoked);
  Audit(ctx, request.principal, "api-key.revoke", "api-key/" + key_id, "");
  return JsonReply({{"key_id", key_id}, {"revoked", true}});
}

Result<ApiReply> ListTenants(CoreContext& ctx) {
  CO_ASSIGN_OR_RETURN(std::vector<store::Tenant> tenants, ctx.store.tenants().ListTenants());
  Json items = Json::array();
  for (const store::Tenant& t : tenants) {
    items.push_back({{"id", t.id}, {"name", t.name}, {"created", FormatRfc3339(t.created)}});
  }
  return JsonReply({{"tenants", std::move(items)}});
}

Result<ApiReply> CreateTenant(CoreContext& ctx, const ApiRequest& request) {
  CO_ASSIGN_OR_RETURN(Json body, ParseBodyObject(request.body));
  FieldReader in;
  std::string name = in.String(body, "name", "");
  if (in.failed()) return std::unexpected(in.error());
  if (name.empty() || name.size() > 100) return InvalidArgument("name: 1-100 characters");
  Result<store::Tenant> tenant = ctx.store.tenants().CreateTenant(name);
  if (!tenant && IsAlreadyExists(tenant.error())) {
    return AlreadyExists("name: a tenant named \"" + name + "\" exists");
  }
  if (!tenant) return std::unexpected(tenant.error());
  CO_ASSIGN_OR_RETURN(
      store::NewApiKey key,
      ctx.store.tenants().CreateApiKey(tenant->id, store::Role::kAdmin, "first admin key"));
  return JsonReply(
      {{"tenant", {{"id", tenant->id}, {"name", tenant->name}}}, {"admin_key", NewKeyJson(key)}},
      201);
}

Result<ApiReply> ListAllClusters(CoreContext& ctx) {
  CO_ASSIGN_OR_RETURN(std::vector<store::Cluster> clusters, ctx.store.clusters().ListAllClusters());
  Json items = Json::array();
  for (const store::Cluster& c : clusters) {
    Json item = ClusterJson(c);
    item["tenant_id"] = c.tenant_id;
    items.push_back(std::move(item));
  }
  return JsonReply({{"clusters", std::move(items)}});
}

}  // namespace

std::vector<Route> TenantRoutes(CoreContext& ctx) {
  return {
      {.method = "GET",
       .path = "/api/v1/keys",
       .access = Access::kAdmin,
       .tag = "keys",
       .summary = "The tenant's API keys (never their secrets)",
       .handler = [&ctx](const ApiRequest& r) { return ListKeys(ctx, r); }},
      {.method = "POST",
       .path = "/api/v1/keys",
       .access = Access::kAdmin,
       .tag = "keys",
       .summary = "Create an API key; the reply is the only place its secret appears",
       .body = {{"role", "string", true, "admin | operator | viewer"},
                {"description", "string", false, "what the key is for"}},
       .handler = [&ctx](const ApiRequest& r) { return CreateKey(ctx, r); }},
      {.method = "DELETE",
       .path = "/api/v1/keys/{key_id}",
       .access = Access::kAdmin,
       .tag = "keys",
       .summary = "Revoke an API key",
       .handler = [&ctx](const ApiRequest& r) { return RevokeKey(ctx, r); }},
      {.method = "GET",
       .path = "/api/v1/service/tenants",
       .access = Access::kService,
       .tag = "service",
       .summary = "Every tenant (service operator key)",
       .handler = [&ctx](const ApiRequest&) { return ListTenants(ctx); }},
      {.method = "POST",
       .path = "/api/v1/service/tenants",
       .access = Access::kService,
       .tag = "service",
       .summary = "Create a tenant and its first admin key (service operator key)",
       .body = {{"name", "string", true, "the tenant's name, unique"}},
       .handler = [&ctx](const ApiRequest& r) { return CreateTenant(ctx, r); }},
      {.method = "GET",
       .path = "/api/v1/service/clusters",
       .access = Access::kService,
       .tag = "service",
       .summary = "Every cluster of every tenant (service operator key)",
       .handler = [&ctx](const ApiRequest&) { return ListAllClusters(ctx); }},
  };
}

}  // namespace cloudoptim::server
