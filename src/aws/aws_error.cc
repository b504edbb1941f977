#include "aws/aws_error.h"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <array>

#include "net/http_client.h"

namespace cloudoptim::aws {
namespace {

bool OneOf(std::string_view code, std::initializer_list<std::string_view> codes) {
  for (std::string_view candidate : codes) {
    if (code == candidate) return true;
  }
  return false;
}

bool ParseXmlError(const std::string& body, AwsErrorDetail& detail) {
  pugi::xml_document document;
  if (!document.load_buffer(body.data(), body.size())) return false;
  // EC2: Response/Errors/Error; STS and SQS Query: ErrorResponse/Error.
  pugi::xml_node error = document.select_node("//Error").node();
  if (!error) return false;
  detail.code = error.child_value("Code");
  detail.message = error.child_value("Message");
  detail.request_id = document.select_node("//RequestID").node().child_value();
  if (detail.request_id.empty()) {
    detail.request_id = document.select_node("//RequestId").node().child_value();
  }
  return !detail.code.empty();
}

bool ParseJsonError(const std::string& body, AwsErrorDetail& detail) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return false;
  std::string type;
  if (auto it = json.find("__type"); it != json.end() && it->is_string()) type = *it;
  if (auto it = json.find("code"); type.empty() && it != json.end() && it->is_string()) {
    type = *it;
  }
  // "com.amazonaws.sqs#QueueDoesNotExist" -> "QueueDoesNotExist"
  if (const size_t hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  detail.code = type;
  for (const char* key : {"message", "Message"}) {
    if (auto it = json.find(key); it != json.end() && it->is_string()) detail.message = *it;
  }
  return !detail.code.empty();
}

}  // namespace

AwsErrorDetail ParseAwsError(const HttpResponse& response) {
  AwsErrorDetail detail;
  if (!ParseXmlError(response.body, detail)) {
    detail = AwsErrorDetail{};
    if (!ParseJsonError(response.body, detail)) {
      detail = AwsErrorDetail{.message = response.body.substr(0, 200)};
    }
  }
  // SQS JSON answers legacy clients with "AWS.SimpleQueueService.NonExistentQueue;Sender".
  if (auto header = response.headers.Get("x-amzn-query-error")) {
    std::string_view value = *header;
    detail.code = std::string(value.substr(0, value.find(';')));
  }
  if (auto id = response.headers.Get("x-amzn-RequestId"); id && detail.request_id.empty()) {
    detail.request_id = std::string(*id);
  }
  return detail;
}

bool IsThrottlingCode(std::string_view code) {
  return OneOf(code, {"RequestLimitExceeded", "Throttling", "ThrottlingException",
                      "ThrottledException", "RequestThrottled", "RequestThrottledException",
                      "TooManyRequestsException", "SlowDown", "ProvisionedThroughputExceeded",
                      "EC2ThrottledException", "PriorRequestNotComplete"});
}

bool IsRetryableAwsError(int http_status, std::string_view aws_code) {
  // EC2 answers capacity shortages with HTTP 500, but asking the same pool again at once
  // does not help: the caller should try another pool.
  if (aws_code.starts_with("Insufficient") && aws_code.ends_with("Capacity")) return false;
  return IsThrottlingCode(aws_code) || http_status >= 500 || http_status == 429;
}

Error MapAwsError(std::string_view service, std::string_view action, int http_status,
                  const AwsErrorDetail& detail) {
  const std::string_view code = detail.code;
  std::string message = std::string(service) + ":" + std::string(action) + " failed (aws_code=" +
                        (code.empty() ? std::string("none") : std::string(code)) + ", HTTP " +
                        std::to_string(http_status) + "): ";
  ErrorCode canonical = ErrorCode::kUnknown;
  if (OneOf(code, {"UnauthorizedOperation", "AccessDenied", "AccessDeniedException",
                   "UnauthorizedAccess", "OptInRequired"})) {
    canonical = ErrorCode::kPermissionDenied;
    message += "the credentials are not allowed to call " + std::string(service) + ":" +
               std::string(action) + " (grant it in the IAM policy). ";
  } else if (OneOf(code, {"AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch",
                          "ExpiredToken", "ExpiredTokenException", "UnrecognizedClientException",
                          "MissingAuthenticationToken", "IncompleteSignature", "InvalidAccessKeyId",
                          "InvalidIdentityToken"})) {
    canonical = ErrorCode::kUnauthenticated;
  } else if (IsThrottlingCode(code) || code == "InsufficientInstanceCapacity" ||
             code.ends_with("LimitExceeded") || code == "MaxSpotInstanceCountExceeded") {
    canonical = ErrorCode::kResourceExhausted;
  } else if (code.ends_with("NotFound") || code.ends_with(".Malformed.NotFound") ||
             OneOf(code, {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist",
                          "NoSuchEntity", "ResourceNotFoundException"})) {
    canonical = ErrorCode::kNotFound;
  } else if (code.starts_with("InvalidParameter") || code.ends_with(".Malformed") ||
             OneOf(code, {"MissingParameter", "ValidationError", "ValidationException",
                          "InvalidAction", "InvalidInput", "InvalidQueryParameter",
                          "MalformedQueryString", "InvalidRequest", "InvalidFilter"})) {
    canonical = ErrorCode::kInvalidArgument;
  } else if (OneOf(code, {"IncorrectState", "IncorrectInstanceState", "VolumeInUse",
                          "DryRunOperation", "InvalidVolume.ZoneMismatch"})) {
    canonical = ErrorCode::kFailedPrecondition;
  } else if (http_status >= 500) {
    canonical = ErrorCode::kUnavailable;
  } else {
    canonical = ErrorFromHttpStatus({}, HttpResponse{.status = http_status}).code;
  }
  message += detail.message;
  if (!detail.request_id.empty()) message += " (request id " + detail.request_id + ")";
  return Error{canonical, std::move(message)};
}

std::string AwsErrorCode(const Error& error) {
  constexpr std::string_view kMarker = "aws_code=";
  const size_t at = error.message.find(kMarker);
  if (at == std::string::npos) return {};
  const size_t start = at + kMarker.size();
  const size_t end = error.message.find_first_of(",) ", start);
  std::string code = error.message.substr(start, end - start);
  return code == "none" ? std::string() : code;
}

}  // namespace cloudoptim::aws
