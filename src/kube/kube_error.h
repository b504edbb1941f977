// The one place where Kubernetes API failures become canonical errors whose messages say what
// to do: HTTP statuses with their Status bodies, and transport failures (TLS, unreachable).
//
//   if (!response.ok()) return std::unexpected(KubeErrorFromResponse(request, response));
//   if (IsResourceExpired(error)) relist();   // 410 Gone: resourceVersion/continue too old
#pragma once

#include <string_view>

#include "common/error.h"
#include "kube/kube_json.h"
#include "net/http_message.h"

namespace cloudoptim {

// 401 Unauthenticated  "...rejected the credentials: the token is invalid or expired..."
// 403 PermissionDenied "...missing RBAC permission: verb \"list\" on resource \"pods\" in
//                       API group \"\" (core)..." (parsed from the Status message)
// 404 NotFound, 409 Aborted (AlreadyExists for reason AlreadyExists), 410 OutOfRange
// (IsResourceExpired), 400/422 InvalidArgument, 429 ResourceExhausted, 504
// DeadlineExceeded, other 5xx Unavailable, anything else Unknown.
Error KubeErrorFromResponse(const HttpRequest& request, const HttpResponse& response);

// The same mapping for a Status that arrived without an HTTP response of its own (a watch
// ERROR event); `context` names the call.
Error KubeErrorFromStatus(int http_status, const KubeStatus& status, std::string_view context);

// Rewrites a transport error of src/net so it names the cluster and what to check (the
// kubeconfig's CA for TLS failures; the URL and cause when unreachable).
Error KubeErrorFromTransport(Error error, std::string_view server);

// 410 Gone: the resourceVersion of a watch or the continue token of a list is too old.
bool IsResourceExpired(const Error& error);

// From `User "x" cannot list resource "pods" in API group "apps" ...`: verb, resource, group.
struct MissingPermission {
  std::string verb, resource, group, subresource;
};
std::optional<MissingPermission> ParseForbiddenMessage(std::string_view message);

}  // namespace cloudoptim
