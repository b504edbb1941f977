// Sends signed requests to AWS services with bounded, jittered retries, and turns every
// failure into a canonical error through aws_error.h. The EC2, SQS, STS and pricing clients
// are thin layers over this.
//
//   AwsTransport transport(http, &credentials, clock);
//   Result<std::string> xml = transport.Post(config.Endpoint("ec2"), "DescribeInstances",
//       "application/x-www-form-urlencoded; charset=utf-8", form_body);
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "aws/aws_config.h"
#include "aws/credentials.h"
#include "common/clock.h"
#include "common/error.h"
#include "net/http_client.h"
#include "net/retry_policy.h"

namespace cloudoptim::aws {

// AWS's SDKs retry throttling and 5xx a few times with jittered exponential backoff; so do we.
inline RetryPolicy DefaultAwsRetryPolicy() {
  return RetryPolicy{.max_attempts = 5,
                     .initial_backoff = std::chrono::milliseconds(200),
                     .max_backoff = std::chrono::seconds(20),
                     .max_total = std::chrono::seconds(60)};
}

class AwsTransport {
 public:
  // `credentials` may be null for unsigned calls only (AssumeRoleWithWebIdentity).
  AwsTransport(HttpClient& http, CredentialsProvider* credentials, Clock& clock,
               RetryPolicy retry = DefaultAwsRetryPolicy());

  // POSTs `body` to the endpoint's root, signed for the endpoint's region and service (unless
  // `sign` is false). `timeout` overrides the HTTP client's default (SQS long polls). Returns the
  // body of a 2xx answer. Errors: MapAwsError for AWS errors (throttling and 5xx retried first),
  // the transport's codes when no answer came (retried too), Unauthenticated when credentials
  // cannot be had. `action` names the call in errors.
  Result<std::string> Post(const ServiceEndpoint& endpoint, std::string_view action,
                           std::string_view content_type, std::string body,
                           const HttpHeaders& extra_headers = {}, bool sign = true,
                           std::chrono::milliseconds timeout = {});

  // Attempts the most recent Post made (1 = no retry). For tests and logs.
  int last_attempts() const { return last_attempts_.load(); }
  Clock& clock() { return clock_; }

 private:
  HttpClient& http_;
  CredentialsProvider* credentials_;
  Clock& clock_;
  RetryPolicy retry_;
  std::atomic<int> last_attempts_{0};
};

}  // namespace cloudoptim::aws
