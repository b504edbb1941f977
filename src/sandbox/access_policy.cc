#include "sandbox/access_policy.h"

#include <algorithm>

namespace cloudoptim::sandbox {
namespace {

bool Allows(const std::vector<std::string>& list, const std::string& value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& item) { return item == "*" || item == value; });
}

}  // namespace

void AccessPolicy::AddToken(const std::string& token, Principal principal) {
  tokens_[token] = std::move(principal);
}

Result<std::string> AccessPolicy::Authenticate(std::string_view token) const {
  auto it = tokens_.find(token);
  if (token.empty() || it == tokens_.end()) return Unauthenticated("Unauthorized");
  return it->second.user;
}

Result<std::string> AccessPolicy::Authorize(std::string_view token,
                                            const AccessRequest& request) const {
  CO_ASSIGN_OR_RETURN(std::string user, Authenticate(token));
  const Principal& principal = tokens_.find(token)->second;
  std::string resource = request.subresource.empty()
                             ? request.resource
                             : request.resource + "/" + request.subresource;
  for (const AccessRule& rule : principal.rules) {
    if (Allows(rule.verbs, request.verb) && Allows(rule.resources, resource) &&
        Allows(rule.groups, request.group)) {
      return user;
    }
  }
  return PermissionDenied(ForbiddenMessage(user, request));
}

std::string ForbiddenMessage(const std::string& user, const AccessRequest& request) {
  std::string resource = request.subresource.empty()
                             ? request.resource
                             : request.resource + "/" + request.subresource;
  std::string subject = request.name.empty()
                            ? request.resource
                            : request.resource + " \"" + request.name + "\"";
  std::string scope = request.namespace_name.empty()
                          ? "at the cluster scope"
                          : "in the namespace \"" + request.namespace_name + "\"";
  return subject + " is forbidden: User \"" + user + "\" cannot " + request.verb +
         " resource \"" + resource + "\" in API group \"" + request.group + "\" " + scope;
}

}  // namespace cloudoptim::sandbox
