#include "aws/aws_transport.h"

#include "aws/aws_error.h"
#include "aws/sigv4.h"

namespace cloudoptim::aws {

AwsTransport::AwsTransport(HttpClient& http, CredentialsProvider* credentials, Clock& clock,
                           RetryPolicy retry)
    : http_(http), credentials_(credentials), clock_(clock), retry_(retry) {}

Result<std::string> AwsTransport::Post(const ServiceEndpoint& endpoint, std::string_view action,
                                       std::string_view content_type, std::string body,
                                       const HttpHeaders& extra_headers, bool sign,
                                       std::chrono::milliseconds timeout) {
  const SigV4Signer signer(endpoint.signing_region, endpoint.signing_name);
  Retrier retrier(retry_, clock_);
  while (true) {
    last_attempts_ = retrier.attempts();
    HttpRequest request{
        .method = "POST", .url = endpoint.url + "/", .body = body, .timeout = timeout};
    request.headers = extra_headers;
    request.headers.Set("Content-Type", std::string(content_type));
    if (sign) {
      if (credentials_ == nullptr)
        return Internal("AWS call " + std::string(action) + " needs credentials but has none");
      Result<AwsCredentials> credentials = credentials_->Get();
      if (!credentials) {
        return std::unexpected(
            Annotate(credentials.error(),
                     "credentials for " + endpoint.signing_name + ":" + std::string(action)));
      }
      CO_RETURN_IF_ERROR(signer.Sign(request, *credentials, clock_.Now()));
    }
    Result<HttpResponse> response = http_.Send(request);
    std::optional<Duration> retry_after;
    Error error;
    if (!response) {
      error = Annotate(response.error(), endpoint.signing_name + ":" + std::string(action));
      if (!IsRetryable(error)) return std::unexpected(error);
    } else if (response->ok()) {
      return std::move(response->body);
    } else {
      const AwsErrorDetail detail = ParseAwsError(*response);
      error = MapAwsError(endpoint.signing_name, action, response->status, detail);
      if (!IsRetryableAwsError(response->status, detail.code)) return std::unexpected(error);
      retry_after = ParseRetryAfter(response->headers.Get("Retry-After"), clock_.Now());
    }
    if (!retrier.WaitBeforeRetry(retry_after)) {
      return std::unexpected(
          Annotate(error, "gave up after " + std::to_string(retrier.attempts()) + " attempts"));
    }
  }
}

}  // namespace cloudoptim::aws
