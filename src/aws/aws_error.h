// The one place where AWS error responses become canonical errors, for every protocol we
// speak (EC2 Query XML, STS/Query XML, JSON 1.0/1.1). The AWS error code stays readable in
// the message ("aws_code=InvalidInstanceID.NotFound") and through AwsErrorCode().
//
//   AwsErrorDetail detail = ParseAwsError(response);
//   Error e = MapAwsError("ec2", "TerminateInstances", response.status, detail);
//   if (AwsErrorCode(e) == "InsufficientInstanceCapacity") { try another pool }
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "net/http_message.h"

namespace cloudoptim::aws {

struct AwsErrorDetail {
  std::string code;     // "UnauthorizedOperation", "AWS.SimpleQueueService.NonExistentQueue"
  std::string message;  // AWS's own sentence
  std::string request_id;
};

// Reads the error out of a non-2xx response body: <Response><Errors><Error> (EC2),
// <ErrorResponse><Error> (STS, SQS Query), or JSON {"__type": "...#Code", "message": ...}
// (SQS/pricing JSON), and the x-amzn-query-error header SQS adds. Never fails: an
// unreadable body yields an empty code and the body's start as the message.
AwsErrorDetail ParseAwsError(const HttpResponse& response);

// Canonical codes:
//   PermissionDenied    UnauthorizedOperation, AccessDenied*: "not allowed to call ec2:X"
//   Unauthenticated     AuthFailure, InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken…
//   ResourceExhausted   throttling (RequestLimitExceeded, Throttling…) and
//                       InsufficientInstanceCapacity / *LimitExceeded (see IsThrottling)
//   NotFound            *.NotFound, *NotFound, NonExistentQueue, QueueDoesNotExist
//   InvalidArgument     InvalidParameter*, MissingParameter, Validation*, InvalidAction…
//   FailedPrecondition  IncorrectState, IncorrectInstanceState, VolumeInUse, DryRunOperation
//   Unavailable         5xx (InternalError, ServiceUnavailable, Unavailable…)
//   otherwise by HTTP status (net's ErrorFromHttpStatus table)
// The message: "ec2:TerminateInstances failed (aws_code=X, HTTP 400): <AWS message>".
Error MapAwsError(std::string_view service, std::string_view action, int http_status,
                  const AwsErrorDetail& detail);

// Whether the transport should back off and retry: throttling codes and 5xx, except capacity
// shortages (Insufficient*Capacity), which EC2 sends as 500 but which need another pool.
bool IsRetryableAwsError(int http_status, std::string_view aws_code);
bool IsThrottlingCode(std::string_view aws_code);

// The AWS error code carried in an error's message, or empty.
std::string AwsErrorCode(const Error& error);
// DryRun=true calls succeed by failing with DryRunOperation.
inline bool IsDryRunSuccess(const Error& error) { return AwsErrorCode(error) == "DryRunOperation"; }
inline bool IsInsufficientCapacity(const Error& error) {
  return AwsErrorCode(error) == "InsufficientInstanceCapacity";
}

}  // namespace cloudoptim::aws
