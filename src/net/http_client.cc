#include "net/http_client.h"

#include <string>

namespace cloudoptim {

Result<HttpResponse> HttpClient::SendStreaming(const HttpRequest& request,
                                               const BodyChunkCallback& on_chunk) {
  CO_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (!response.body.empty() && !on_chunk(response.body)) {
    return MakeError(ErrorCode::kCancelled,
                     request.method + " " + request.url + ": stopped by the receiver of the body");
  }
  response.body.clear();
  return response;
}

Error ErrorFromHttpStatus(const HttpRequest& request, const HttpResponse& response) {
  ErrorCode code = ErrorCode::kUnknown;
  switch (response.status) {
    case 400:
      code = ErrorCode::kInvalidArgument;
      break;
    case 401:
      code = ErrorCode::kUnauthenticated;
      break;
    case 403:
      code = ErrorCode::kPermissionDenied;
      break;
    case 404:
      code = ErrorCode::kNotFound;
      break;
    case 409:
      code = ErrorCode::kAborted;
      break;
    case 429:
      code = ErrorCode::kResourceExhausted;
      break;
    case 504:
      code = ErrorCode::kDeadlineExceeded;
      break;
    default:
      if (response.status >= 500) code = ErrorCode::kUnavailable;
  }
  std::string snippet = response.body.substr(0, 200);
  return Error{code, request.method + " " + request.url + ": HTTP " +
                         std::to_string(response.status) +
                         (snippet.empty() ? std::string() : ": " + snippet)};
}

}  // namespace cloudoptim
