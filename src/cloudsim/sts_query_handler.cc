#include "cloudsim/sts_query_handler.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace cloudoptim {
namespace {

// Upper-case alphanumerics, as AWS access key ids are written.
std::string KeyChars(CloudIds& ids, size_t length) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  for (size_t i = 0; i < length; ++i) {
    out.push_back(kAlphabet[static_cast<size_t>(ids.NextUnit() * 32) % 32]);
  }
  return out;
}

std::string SecretChars(CloudIds& ids, size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < length; ++i) {
    out.push_back(kAlphabet[static_cast<size_t>(ids.NextUnit() * 64) % 64]);
  }
  return out;
}

}  // namespace

StsQueryHandler::StsQueryHandler(std::string account_id, Clock& clock)
    : account_id_(std::move(account_id)), clock_(clock), ids_(HashString(account_id_)) {}

void StsQueryHandler::RequireExternalId(std::string external_id) {
  std::lock_guard lock(mutex_);
  required_external_id_ = std::move(external_id);
}

WireResponse StsQueryHandler::Handle(const FormParams& params, std::string_view access_key_id,
                                     std::string_view request_id) {
  const std::string action = params.GetOr("Action", "");
  Result<std::string> body = [&]() -> Result<std::string> {
    if (action.empty()) {
      return InvalidArgument("MissingAction: The request must contain the parameter Action");
    }
    if (action == "GetCallerIdentity") return GetCallerIdentity(access_key_id, request_id);
    if (action == "AssumeRole") return AssumeRole(params, request_id);
    return InvalidArgument("InvalidAction: Could not find operation " + action +
                           " for version 2011-06-15");
  }();
  if (!body) return QueryErrorResponse(ToAwsError(body.error()), kStsNamespace, request_id);
  return {.status = 200, .content_type = "text/xml", .body = std::move(*body)};
}

Result<std::string> StsQueryHandler::GetCallerIdentity(std::string_view access_key_id,
                                                       std::string_view request_id) {
  std::string arn = "arn:aws:iam::" + account_id_ + ":user/sandbox";
  std::string user_id = "AIDA" + std::string(access_key_id.substr(0, 16));
  {
    std::lock_guard lock(mutex_);
    auto it = assumed_by_key_.find(access_key_id);
    if (it != assumed_by_key_.end()) {
      arn = it->second;
      user_id =
          "AROA" + std::string(access_key_id.substr(4, 16)) + ":" + arn.substr(arn.rfind('/') + 1);
    }
  }
  XmlWriter xml;
  xml.Open("GetCallerIdentityResponse", kStsNamespace).Open("GetCallerIdentityResult");
  xml.Leaf("UserId", user_id).Leaf("Account", account_id_).Leaf("Arn", arn).Close();
  xml.Open("ResponseMetadata").Leaf("RequestId", request_id).Close();
  return xml.Finish();
}

Result<std::string> StsQueryHandler::AssumeRole(const FormParams& params,
                                                std::string_view request_id) {
  const std::string role_arn = params.GetOr("RoleArn", "");
  const std::string session = params.GetOr("RoleSessionName", "");
  if (role_arn.empty() || session.empty()) {
    return InvalidArgument(std::string("ValidationError: 1 validation error detected: Value null "
                                       "at '") +
                           (role_arn.empty() ? "roleArn" : "roleSessionName") +
                           "' failed to satisfy constraint: Member must not be null");
  }
  static const std::regex kRoleArn(R"(arn:aws:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]+))");
  std::smatch match;
  if (!std::regex_match(role_arn, match, kRoleArn)) {
    return InvalidArgument("ValidationError: " + role_arn + " is invalid");
  }
  static const std::regex kSessionName(R"([\w+=,.@-]{2,64})");
  if (!std::regex_match(session, kSessionName)) {
    return InvalidArgument("ValidationError: Value '" + session +
                           "' at 'roleSessionName' failed to satisfy constraint");
  }
  CO_ASSIGN_OR_RETURN(std::optional<int64_t> duration, params.GetInt("DurationSeconds"));
  const int64_t seconds = duration.value_or(3600);
  if (seconds < 900 || seconds > 43200) {
    return InvalidArgument("ValidationError: DurationSeconds " + std::to_string(seconds) +
                           " must be between 900 and 43200");
  }
  const std::string external_id = params.GetOr("ExternalId", "");
  std::lock_guard lock(mutex_);
  if (match[1] != account_id_ ||
      (!required_external_id_.empty() && external_id != required_external_id_)) {
    return PermissionDenied("AccessDenied: User: arn:aws:iam::" + account_id_ +
                            ":user/sandbox is not authorized to perform: sts:AssumeRole on "
                            "resource: " +
                            role_arn);
  }
  const std::string access_key = "ASIA" + KeyChars(ids_, 16);
  const std::string role_id = "AROA" + KeyChars(ids_, 17);
  const std::string assumed_arn =
      "arn:aws:sts::" + account_id_ + ":assumed-role/" + match[2].str() + "/" + session;
  assumed_by_key_[access_key] = assumed_arn;
  XmlWriter xml;
  xml.Open("AssumeRoleResponse", kStsNamespace).Open("AssumeRoleResult").Open("Credentials");
  xml.Leaf("AccessKeyId", access_key).Leaf("SecretAccessKey", SecretChars(ids_, 40));
  xml.Leaf("SessionToken", "FwoGZXIvYXdzE" + SecretChars(ids_, 200));
  xml.Leaf("Expiration", FormatRfc3339(clock_.Now() + std::chrono::seconds(seconds))).Close();
  xml.Open("AssumedRoleUser").Leaf("AssumedRoleId", role_id + ":" + session);
  xml.Leaf("Arn", assumed_arn).Close();
  xml.Leaf("PackedPolicySize", 0).Close();
  xml.Open("ResponseMetadata").Leaf("RequestId", request_id).Close();
  return xml.Finish();
}

}  // namespace cloudoptim
