// AWS Signature Version 4: signs an HttpRequest in place (Host, X-Amz-Date,
// X-Amz-Security-Token, Authorization), checked against AWS's published test-suite vectors.
//
//   SigV4Signer signer("us-east-1", "ec2");
//   HttpRequest request{.method = "POST", .url = "https://ec2.us-east-1.amazonaws.com/",
//                       .body = "Action=DescribeInstances&Version=2016-11-15"};
//   request.headers.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
//   CO_RETURN_IF_ERROR(signer.Sign(request, credentials, clock.Now()));
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "common/clock.h"
#include "common/error.h"
#include "net/http_message.h"

namespace cloudoptim::aws {

// The canonical request and what it signs, exposed so tests can compare each step.
struct SigningSteps {
  std::string canonical_request;
  std::string string_to_sign;
  std::string authorization;
};

class SigV4Signer {
 public:
  SigV4Signer(std::string region, std::string service);

  // Adds Host (from the URL, when absent), X-Amz-Date (`now`), X-Amz-Security-Token (when the
  // credentials carry a session token) and Authorization, signing every header present.
  // InvalidArgument when the URL cannot be parsed.
  Status Sign(HttpRequest& request, const AwsCredentials& credentials, TimePoint now) const;

  // The same signature from already split parts, for the test-suite vectors: `path` and
  // `query` as they appear on the request line (before decoding), headers as sent.
  SigningSteps Compute(std::string_view method, std::string_view path, std::string_view query,
                       const HttpHeaders& headers, std::string_view body,
                       const AwsCredentials& credentials, std::string_view amz_date) const;

  const std::string& region() const { return region_; }
  const std::string& service() const { return service_; }

 private:
  std::string SigningKey(const std::string& secret, std::string_view date) const;

  std::string region_;
  std::string service_;
  // The derived key changes once a day; caching it saves four HMACs per signature.
  mutable std::mutex key_mutex_;
  mutable std::string cached_key_secret_;
  mutable std::string cached_key_date_;
  mutable std::string cached_key_;
};

// "20150830T123600Z": the X-Amz-Date format.
std::string FormatAmzDate(TimePoint t);
// Percent-encodes everything but the unreserved characters A-Z a-z 0-9 - . _ ~ (uppercase
// hex), as SigV4 and the AWS Query protocol require. `keep_slash` leaves '/' as is (paths).
std::string UriEncode(std::string_view text, bool keep_slash = false);
// Decodes %XX escapes; leaves malformed escapes as they are.
std::string UriDecode(std::string_view text);
// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace cloudoptim::aws
