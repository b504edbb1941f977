// One HTTP route of a server: method, path template, who may call it, and a handler that
// sees a parsed request and returns a reply or an error. The servers register their route
// table with cpp-httplib and generate /api/openapi.json from the same table, so the two
// cannot drift apart (openapi_test checks it).
//
//   Route{.method = "GET", .path = "/api/v1/clusters/{cluster_id}", .access = Access::kViewer,
//         .summary = "One cluster", .handler = [&](const ApiRequest& r) { ... }};
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "store/store_types.h"

namespace cloudoptim::server {

// Who may call a route. Tenant roles are ordered: admin > operator > viewer.
enum class Access {
  kPublic,    // no key (health, metrics, the OpenAPI document)
  kViewer,    // any key of the tenant
  kOperator,  // operator or admin key: trigger, approve, reject
  kAdmin,     // admin key: settings, onboarding, keys
  kService,   // the service operator key: tenant administration
};
std::string_view AccessName(Access access);

// Who is calling, once the key is checked. A service key has no tenant.
struct Principal {
  std::string tenant_id;
  store::Role role = store::Role::kViewer;
  std::string key_id;
  bool service = false;
  // "api-key:<key id>" for audit entries.
  std::string Actor() const { return "api-key:" + (key_id.empty() ? "operator" : key_id); }
};

struct ApiRequest {
  std::string method;
  std::map<std::string, std::string> path_params;  // {cluster_id} -> "c-3fa1..."
  std::map<std::string, std::string> query;        // first value of each parameter
  std::string body;
  Principal principal;

  // The query parameter or "" when absent.
  std::string Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? "" : it->second;
  }
  const std::string& Param(const std::string& name) const { return path_params.at(name); }
};

struct ApiReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

using RouteHandler = std::function<Result<ApiReply>(const ApiRequest&)>;

// A query parameter or a body field, for the OpenAPI document.
struct FieldDoc {
  std::string name;
  std::string type = "string";  // OpenAPI type: string, integer, number, boolean, object
  bool required = false;
  std::string description;
};

struct Route {
  std::string method;  // "GET", "POST", "PUT", "DELETE"
  // "{name}" segments become path parameters; {recommendation_id} alone may contain '/'
  // (engine ids look like "bin-pack/node/ip-10-0-1-2/3fa1...") so it matches the rest.
  std::string path;
  Access access = Access::kViewer;
  std::string tag;  // OpenAPI grouping: "clusters", "recommendations", ...
  std::string summary;
  std::vector<FieldDoc> query;
  std::vector<FieldDoc> body;  // empty: the route takes no body
  RouteHandler handler;
};

// The path template as a regular expression for cpp-httplib, capturing each parameter.
std::string RoutePattern(const std::string& path_template);
// The parameter names of a template, in order.
std::vector<std::string> RouteParameters(const std::string& path_template);

}  // namespace cloudoptim::server
