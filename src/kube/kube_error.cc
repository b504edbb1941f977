#include "kube/kube_error.h"

namespace cloudoptim {
namespace {

// The quoted text after `marker` in `message`, e.g. QuotedAfter(m, "cannot ") on
// `cannot list resource "pods"` is not quoted; see ParseForbiddenMessage for the grammar.
std::optional<std::string> QuotedAfter(std::string_view message, std::string_view marker) {
  size_t at = message.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  size_t open = message.find('"', at + marker.size());
  if (open == std::string_view::npos) return std::nullopt;
  size_t close = message.find('"', open + 1);
  if (close == std::string_view::npos) return std::nullopt;
  return std::string(message.substr(open + 1, close - open - 1));
}

std::string StatusText(const HttpResponse& response, KubeStatus* status) {
  Result<KubeStatus> decoded = DecodeStatus(response.body);
  if (decoded && (!decoded->message.empty() || !decoded->reason.empty())) {
    *status = *decoded;
    return decoded->message.empty() ? decoded->reason : decoded->message;
  }
  return response.body.substr(0, 200);
}

std::string ForbiddenAdvice(std::string_view message) {
  std::optional<MissingPermission> missing = ParseForbiddenMessage(message);
  if (!missing) return "grant the RBAC permission named above to our service account";
  std::string resource = missing->resource;
  if (!missing->subresource.empty()) resource += "/" + missing->subresource;
  return "grant RBAC verb \"" + missing->verb + "\" on resource \"" + resource +
         "\" in API group \"" + missing->group + "\"" + (missing->group.empty() ? " (core)" : "") +
         " to our service account (see `cloudoptim onboard` for the ClusterRole)";
}

}  // namespace

// The API server's authorizer writes:
//   User "u" cannot list resource "pods" in API group "" at the cluster scope
//   User "u" cannot create resource "pods/eviction" in API group "" in the namespace "x"
// (older servers: `cannot list pods in the namespace`). Subresources come as
// resource "pods/eviction".
std::optional<MissingPermission> ParseForbiddenMessage(std::string_view message) {
  size_t cannot = message.find("cannot ");
  if (cannot == std::string_view::npos) return std::nullopt;
  size_t verb_start = cannot + 7;
  size_t verb_end = message.find(' ', verb_start);
  if (verb_end == std::string_view::npos) return std::nullopt;
  MissingPermission missing;
  missing.verb = std::string(message.substr(verb_start, verb_end - verb_start));
  std::optional<std::string> resource = QuotedAfter(message.substr(verb_end), "resource ");
  if (!resource) return std::nullopt;
  size_t slash = resource->find('/');
  missing.resource = resource->substr(0, slash);
  if (slash != std::string::npos) missing.subresource = resource->substr(slash + 1);
  missing.group = QuotedAfter(message.substr(verb_end), "API group ").value_or("");
  return missing;
}

Error KubeErrorFromResponse(const HttpRequest& request, const HttpResponse& response) {
  KubeStatus status;
  std::string text = StatusText(response, &status);
  status.message = text;
  return KubeErrorFromStatus(
      response.status, status,
      request.method + " " + request.url + ": HTTP " + std::to_string(response.status));
}

Error KubeErrorFromStatus(int http_status, const KubeStatus& status, std::string_view context) {
  const std::string& text = status.message.empty() ? status.reason : status.message;
  std::string where = std::string(context) + ": ";
  switch (http_status) {
    case 400:
    case 422:
      return Error{ErrorCode::kInvalidArgument, where + text};
    case 401:
      return Error{ErrorCode::kUnauthenticated,
                   where +
                       "the API server rejected the credentials: the token is invalid or "
                       "expired (refresh the kubeconfig, e.g. `aws eks update-kubeconfig`, "
                       "or check the exec plugin / service-account token)"};
    case 403:
      return Error{ErrorCode::kPermissionDenied, where + text + "; " + ForbiddenAdvice(text)};
    case 404:
      return Error{ErrorCode::kNotFound, where + text};
    case 409:
      return Error{
          status.reason == "AlreadyExists" ? ErrorCode::kAlreadyExists : ErrorCode::kAborted,
          where + text};
    case 410:
      return Error{ErrorCode::kOutOfRange,
                   where + "resource version expired (" + text + "); list again"};
    case 429:
      return Error{ErrorCode::kResourceExhausted, where + "throttled or refused: " + text};
    case 504:
      return Error{ErrorCode::kDeadlineExceeded, where + text};
    default:
      break;
  }
  if (http_status >= 500) return Error{ErrorCode::kUnavailable, where + text};
  return Error{ErrorCode::kUnknown, where + text};
}

Error KubeErrorFromTransport(Error error, std::string_view server) {
  if (error.message.find("not trusted") != std::string::npos) {
    error.message +=
        "; the API server's certificate is not signed by the kubeconfig's "
        "certificate-authority(-data): check that the kubeconfig belongs to " +
        std::string(server);
  } else if (error.code == ErrorCode::kUnavailable || error.code == ErrorCode::kDeadlineExceeded) {
    error.message =
        "Kubernetes API server " + std::string(server) + " is unreachable: " + error.message;
  }
  return error;
}

bool IsResourceExpired(const Error& error) { return error.code == ErrorCode::kOutOfRange; }

}  // namespace cloudoptim
