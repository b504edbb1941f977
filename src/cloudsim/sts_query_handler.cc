#include "cloudsim/sts_query_handler.h"

#include <algorithm>
#include <cctype>

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

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("_+=,.@-").find(c) != std::string_view::npos;
}

// "arn:aws:iam::<12 digits>:role/[path/]<name>" -> account and role name.
bool ParseRoleArn(std::string_view arn, std::string* account, std::string* role) {
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  if (!arn.starts_with(kPrefix)) return false;
  arn.remove_prefix(kPrefix.size());
  if (arn.size() < 18 || arn.substr(12, 6) != ":role/") return false;
  const std::string_view digits = arn.substr(0, 12);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const std::string_view path = arn.substr(18);
  const std::string_view name =
      path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  if (name.empty() ||
      !std::all_of(path.begin(), path.end(), [](char c) { return c == '/' || IsNameChar(c); })) {
    return false;
  }
  *account = std::string(digits);
  *role = std::string(name);
  return true;
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
  std::string role_account;
  std::string role_name;
  if (!ParseRoleArn(role_arn, &role_account, &role_name)) {
    return InvalidArgument("ValidationError: " + role_arn + " is invalid");
  }
  if (session.size() < 2 || session.size() > 64 ||
      !std::all_of(session.begin(), session.end(), IsNameChar)) {
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
  if (role_account != account_id_ ||
      (!required_external_id_.empty() && external_id != required_external_id_)) {
    return PermissionDenied("AccessDenied: User: arn:aws:iam::" + account_id_ +
                            ":user/sandbox is not authorized to perform: sts:AssumeRole on "
                            "resource: " +
                            role_arn);
  }
  const std::string access_key = "ASIA" + KeyChars(ids_, 16);
  const std::string role_id = "AROA" + KeyChars(ids_, 17);
  const std::string assumed_arn =
      "arn:aws:sts::" + account_id_ + ":assumed-role/" + role_name + "/" + session;
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
