// The encodings AWS's wire protocols share, for the sandbox's AWS endpoint: form-encoded query
// parameters (EC2, STS), a small XML writer, AWS error bodies, the SigV4 Authorization header's
// shape, and the mapping from our Error ("InvalidVolume.NotFound: ...") to an AWS error code.
//
//   Result<FormParams> params = FormParams::Decode("Action=DescribeInstances&InstanceId.1=i-1");
//   std::vector<std::string> ids = params->List("InstanceId");    // {"i-1"}
//   XmlWriter xml;
//   xml.Open("DescribeInstancesResponse", kEc2Namespace).Leaf("requestId", id).Close();
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace cloudoptim {

inline constexpr std::string_view kEc2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";
inline constexpr std::string_view kStsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

// An HTTP request as the endpoint's handlers see it (no httplib types, so handlers are tested
// without a server). Header names are lower case.
struct WireRequest {
  std::string method = "POST";
  std::string path = "/";
  std::map<std::string, std::string> headers;
  std::string body;
  // Decoded query-string parameters (EC2 also accepts GET with the action in the query).
  std::vector<std::pair<std::string, std::string>> query_params;
  std::string Header(std::string_view name) const;
};

struct WireResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// application/x-www-form-urlencoded parameters, with EC2's list conventions: "Name.1",
// "Name.2" for lists and "Name.1.Field" for lists of structures.
class FormParams {
 public:
  // InvalidArgument on a malformed percent escape.
  static Result<FormParams> Decode(std::string_view text);
  void Set(std::string key, std::string value) { values_[std::move(key)] = std::move(value); }

  std::optional<std::string> Get(std::string_view key) const;
  std::string GetOr(std::string_view key, std::string_view fallback) const;
  bool Has(std::string_view key) const { return values_.contains(key); }
  // Values of prefix.1, prefix.2, ... in index order.
  std::vector<std::string> List(std::string_view prefix) const;
  // The indices N for which some key starts with "prefix.N." or equals "prefix.N", ascending.
  std::vector<int> Indices(std::string_view prefix) const;
  // An integer parameter: nullopt when absent, InvalidArgument naming it when not a number.
  Result<std::optional<int64_t>> GetInt(std::string_view key) const;
  // "true"/"false" (absent = false); InvalidArgument otherwise.
  Result<bool> GetBool(std::string_view key) const;
  // Every parameter, in key order.
  const std::map<std::string, std::string, std::less<>>& values() const { return values_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

std::string UrlDecodeComponent(std::string_view text, bool* ok);

// Writes well-formed XML with escaped text; elements must be closed in order.
class XmlWriter {
 public:
  XmlWriter();
  XmlWriter& Open(std::string_view name, std::string_view xmlns = "");
  XmlWriter& Close();
  XmlWriter& Leaf(std::string_view name, std::string_view text);
  XmlWriter& Leaf(std::string_view name, int64_t value);
  XmlWriter& Bool(std::string_view name, bool value);
  // Closes whatever is still open and returns the document.
  std::string Finish();

 private:
  std::string out_;
  std::vector<std::string> open_;
};
std::string XmlEscape(std::string_view text);

// An AWS error code and message from our Error. Our errors carry the AWS code as a prefix
// ("VolumeInUse: Volume vol-1 is attached"); without one the canonical code picks a generic
// AWS code (InvalidArgument -> InvalidParameterValue, NotFound -> NotFound ...).
struct AwsError {
  std::string code;
  std::string message;
  int http_status = 400;
};
AwsError ToAwsError(const Error& error);

// EC2's error document: <Response><Errors><Error><Code>..</Code><Message>..</Message></Error>
// </Errors><RequestID>..</RequestID></Response>.
WireResponse Ec2ErrorResponse(const AwsError& error, std::string_view request_id);
// STS (and other Query services): <ErrorResponse xmlns=..><Error><Type>Sender</Type>
// <Code>..</Code><Message>..</Message></Error><RequestId>..</RequestId></ErrorResponse>.
WireResponse QueryErrorResponse(const AwsError& error, std::string_view xmlns,
                                std::string_view request_id);

// The parts of "AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/ec2/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=<64 hex>". Signatures are not verified.
struct SigV4Authorization {
  std::string access_key_id;
  std::string date;  // yyyymmdd
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;
  std::string signature;
};
// Unauthenticated when absent ("MissingAuthenticationToken: ..."), or not well-formed
// ("IncompleteSignature: ..." naming what is wrong).
Result<SigV4Authorization> ParseSigV4Authorization(std::string_view header);

// Lower-case hex MD5, as SQS reports MD5OfMessageBody.
std::string Md5Hex(std::string_view data);

}  // namespace cloudoptim
