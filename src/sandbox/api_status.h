// Kubernetes `Status` bodies for every error the sandbox returns, and the one mapping from
// CloudOptim's canonical error codes to HTTP statuses and Kubernetes reasons:
//   InvalidArgument → 400 BadRequest       NotFound → 404 NotFound
//   AlreadyExists → 409 AlreadyExists      Aborted → 409 Conflict
//   FailedPrecondition → 422 Invalid       ResourceExhausted → 429 TooManyRequests
//   Unauthenticated → 401 Unauthorized     PermissionDenied → 403 Forbidden
//   OutOfRange → 410 Expired (Gone)        Unimplemented → 405 MethodNotAllowed
// A message may carry a cause after a '|' ("Cannot evict pod...|The disruption budget web
// needs 2 healthy pods..."), which becomes details.causes as the API server writes it.
//
//   ApiError e = ToApiError(error, {.kind = "pods", .name = "web-1"});
//   response.status = e.http_code; response.body = e.body.dump();
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace cloudoptim::sandbox {

struct StatusDetails {
  std::string kind;  // the resource plural, as the API server puts it
  std::string group;
  std::string name;
};

struct ApiError {
  int http_code = 500;
  nlohmann::json body;
};

int HttpCodeFor(ErrorCode code);
std::string ReasonFor(ErrorCode code);
ApiError ToApiError(const Error& error, const StatusDetails& details = {});
// {"kind":"Status","status":"Success","code":code} for eviction, binding and delete of
// collections.
nlohmann::json SuccessStatus(int code);

}  // namespace cloudoptim::sandbox
