#include "sandbox/api_status.h"

namespace cloudoptim::sandbox {

int HttpCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kUnimplemented:
      return 405;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kAborted:
      return 409;
    case ErrorCode::kOutOfRange:
      return 410;
    case ErrorCode::kFailedPrecondition:
      return 422;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kDeadlineExceeded:
      return 504;
    case ErrorCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

std::string ReasonFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "BadRequest";
    case ErrorCode::kUnauthenticated:
      return "Unauthorized";
    case ErrorCode::kPermissionDenied:
      return "Forbidden";
    case ErrorCode::kNotFound:
      return "NotFound";
    case ErrorCode::kUnimplemented:
      return "MethodNotAllowed";
    case ErrorCode::kAlreadyExists:
      return "AlreadyExists";
    case ErrorCode::kAborted:
      return "Conflict";
    case ErrorCode::kOutOfRange:
      return "Expired";
    case ErrorCode::kFailedPrecondition:
      return "Invalid";
    case ErrorCode::kResourceExhausted:
      return "TooManyRequests";
    case ErrorCode::kDeadlineExceeded:
      return "Timeout";
    case ErrorCode::kUnavailable:
      return "ServiceUnavailable";
    default:
      return "InternalError";
  }
}

ApiError ToApiError(const Error& error, const StatusDetails& details) {
  std::string message = error.message;
  std::string cause;
  if (size_t bar = message.find('|'); bar != std::string::npos) {
    cause = message.substr(bar + 1);
    message.resize(bar);
  }
  nlohmann::json body = {{"kind", "Status"},
                         {"apiVersion", "v1"},
                         {"metadata", nlohmann::json::object()},
                         {"status", "Failure"},
                         {"message", message},
                         {"reason", ReasonFor(error.code)},
                         {"code", HttpCodeFor(error.code)}};
  nlohmann::json d = nlohmann::json::object();
  if (!details.name.empty()) d["name"] = details.name;
  if (!details.group.empty()) d["group"] = details.group;
  if (!details.kind.empty()) d["kind"] = details.kind;
  if (!cause.empty()) {
    d["causes"] = {{{"reason", "DisruptionBudget"}, {"message", cause}}};
  }
  if (!d.empty()) body["details"] = d;
  return {HttpCodeFor(error.code), body};
}

nlohmann::json SuccessStatus(int code) {
  return {{"kind", "Status"},  {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
          {"status", "Success"}, {"code", code}};
}

}  // namespace cloudoptim::sandbox
