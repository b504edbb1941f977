#include "server/api_error.h"

#include <nlohmann/json.hpp>

namespace cloudoptim::server {
namespace {

// "mode: unknown value" -> "mode": a leading dotted path without spaces, as decoders write.
std::string FieldOf(const std::string& message) {
  size_t colon = message.find(": ");
  if (colon == std::string::npos || colon == 0) return "";
  std::string field = message.substr(0, colon);
  if (field.find(' ') != std::string::npos || field.find('"') != std::string::npos) return "";
  return field;
}

}  // namespace

int HttpStatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kOutOfRange:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kAborted:
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kUnimplemented:
      return 501;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kDeadlineExceeded:
      return 504;
    case ErrorCode::kCancelled:
    case ErrorCode::kUnknown:
    case ErrorCode::kInternal:
    case ErrorCode::kDataLoss:
      return 500;
  }
  return 500;
}

std::string_view ErrorSlug(ErrorCode code) {
  switch (code) {
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kUnknown:
      return "unknown";
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kResourceExhausted:
      return "rate_limited";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kAborted:
      return "conflict";
    case ErrorCode::kOutOfRange:
      return "out_of_range";
    case ErrorCode::kUnimplemented:
      return "unimplemented";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kDataLoss:
      return "internal";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
  }
  return "internal";
}

std::string_view SlugOfHttpStatus(int http_status) {
  switch (http_status) {
    case 400:
      return "invalid_argument";
    case 401:
      return "unauthenticated";
    case 403:
      return "permission_denied";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 414:
      return "uri_too_long";
    case 429:
      return "rate_limited";
    case 503:
      return "unavailable";
    default:
      return http_status >= 500 ? "internal" : "bad_request";
  }
}

std::string ErrorBody(int http_status, std::string_view slug, std::string_view message) {
  nlohmann::json body = {
      {"error", {{"code", slug}, {"status", http_status}, {"message", message}}}};
  return body.dump();
}

ApiError ToApiError(const Error& error) {
  int status = HttpStatusOf(error.code);
  nlohmann::json detail = {
      {"code", ErrorSlug(error.code)}, {"status", status}, {"message", error.message}};
  if (error.code == ErrorCode::kInvalidArgument) {
    if (std::string field = FieldOf(error.message); !field.empty()) detail["field"] = field;
  }
  return {status, nlohmann::json{{"error", std::move(detail)}}.dump()};
}

Error PublicError(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kResourceExhausted:
    case ErrorCode::kOutOfRange:
      return error;
    case ErrorCode::kAborted:
      return {error.code, "the data changed while the request ran; retry it"};
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
      return {ErrorCode::kUnavailable, "the service is temporarily unavailable; retry later"};
    default:
      return {ErrorCode::kInternal,
              "the server failed to handle the request; it was logged, retry later or contact "
              "the service operator"};
  }
}

}  // namespace cloudoptim::server
