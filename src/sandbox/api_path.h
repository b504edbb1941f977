// What an API request URL names: a discovery document, or a resource collection / object /
// subresource in a group version and maybe a namespace. Kubernetes' URL grammar:
//   /api/v1/{resource}[/{name}[/{sub}]]
//   /api/v1/namespaces/{ns}/{resource}[/{name}[/{sub}]]
//   /apis/{group}/{version}/... the same
//
//   Result<ApiPath> p = ParseApiPath("/apis/apps/v1/namespaces/shop/deployments/web/scale");
//   // p->info->kind == "Deployment", p->name == "web", p->subresource == "scale"
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "sandbox/resource_registry.h"

namespace cloudoptim::sandbox {

struct ApiPath {
  enum class Kind {
    kVersion,       // /version
    kCoreVersions,  // /api
    kGroupList,     // /apis
    kGroup,         // /apis/{group}
    kResourceList,  // /api/v1, /apis/{group}/{version}
    kResource,      // a collection, an object or a subresource
    kOpenApi,       // /openapi/...
    kAdmin,         // /sandbox/v1/...
  };
  Kind kind = Kind::kResource;
  std::string group;
  std::string version;
  std::string namespace_name;
  std::string name;
  std::string subresource;
  std::string admin_action;  // for kAdmin: "interrupt"
  const ResourceInfo* info = nullptr;
};

// NotFound (404) for unknown paths, groups and resources, with Kubernetes' message
// "the server could not find the requested resource".
Result<ApiPath> ParseApiPath(std::string_view path);

}  // namespace cloudoptim::sandbox
