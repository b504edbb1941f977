// Who may call the sandbox: bearer tokens, each naming a user and an allow-list of verbs on
// resources, so least-privilege RBAC (CloudOptim's onboarding role) can be tested against it.
// Failures carry Kubernetes' own messages:
//   401 Unauthorized, and
//   403 'nodes is forbidden: User "viewer" cannot list resource "nodes" in API group "" at the
//       cluster scope'.
//
//   AccessPolicy policy;
//   policy.AddToken("s3cr3t", {"admin", {{{"*"}, {"*"}}}});
//   Status s = policy.Authorize("s3cr3t", {"list", "", "nodes", "", "", ""});
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace cloudoptim::sandbox {

struct AccessRule {
  std::vector<std::string> verbs;      // "get", "list", ...; "*" = any
  std::vector<std::string> resources;  // "pods", "pods/eviction", "deployments"; "*" = any
  std::vector<std::string> groups = {"*"};  // "" = core
};

struct Principal {
  std::string user;
  std::vector<AccessRule> rules;
};

struct AccessRequest {
  std::string verb;
  std::string group;
  std::string resource;     // plural
  std::string subresource;  // "", "eviction", "status", "scale"
  std::string namespace_name;
  std::string name;
};

class AccessPolicy {
 public:
  void AddToken(const std::string& token, Principal principal);
  // Unauthenticated when the token is unknown, PermissionDenied with Kubernetes' message when
  // no rule allows the request. Returns the user name on success.
  Result<std::string> Authorize(std::string_view token, const AccessRequest& request) const;
  // Whether the token is known at all (discovery and /version need only that).
  Result<std::string> Authenticate(std::string_view token) const;

 private:
  std::map<std::string, Principal, std::less<>> tokens_;
};

// Kubernetes' Forbidden message for `request` by `user`.
std::string ForbiddenMessage(const std::string& user, const AccessRequest& request);

}  // namespace cloudoptim::sandbox
