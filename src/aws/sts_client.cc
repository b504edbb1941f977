#include "aws/sts_client.h"

#include <pugixml.hpp>

#include "aws/query_params.h"

namespace cloudoptim::aws {
namespace {

constexpr std::string_view kVersion = "2011-06-15";

}  // namespace

StsClient::StsClient(AwsTransport& transport, ServiceEndpoint endpoint)
    : transport_(transport), endpoint_(std::move(endpoint)) {}

Result<AwsCredentials> ParseAssumedCredentials(const std::string& xml, std::string_view action) {
  pugi::xml_document document;
  if (!document.load_buffer(xml.data(), xml.size())) {
    return InvalidArgument("sts:" + std::string(action) + " response is not XML");
  }
  pugi::xml_node credentials = document.select_node("//Credentials").node();
  AwsCredentials out{.access_key_id = credentials.child_value("AccessKeyId"),
                     .secret_access_key = credentials.child_value("SecretAccessKey"),
                     .session_token = credentials.child_value("SessionToken"),
                     .source = "sts:" + std::string(action)};
  if (out.access_key_id.empty() || out.secret_access_key.empty()) {
    return InvalidArgument("sts:" + std::string(action) +
                           " response lacks Credentials/AccessKeyId or SecretAccessKey");
  }
  TimePoint expiration;
  const std::string expiration_text = credentials.child_value("Expiration");
  if (!ParseRfc3339(expiration_text, &expiration)) {
    return InvalidArgument("sts:" + std::string(action) + " Credentials/Expiration \"" +
                           expiration_text + "\" is not an RFC 3339 time");
  }
  out.expiration = expiration;
  return out;
}

Result<CallerIdentity> StsClient::GetCallerIdentity() {
  QueryParams params("GetCallerIdentity", kVersion);
  CO_ASSIGN_OR_RETURN(std::string xml, transport_.Post(endpoint_, params.action(),
                                                       kQueryContentType, params.Encode()));
  pugi::xml_document document;
  if (!document.load_buffer(xml.data(), xml.size())) {
    return InvalidArgument("sts:GetCallerIdentity response is not XML");
  }
  pugi::xml_node result = document.select_node("//GetCallerIdentityResult").node();
  CallerIdentity identity{.account = result.child_value("Account"),
                          .arn = result.child_value("Arn"),
                          .user_id = result.child_value("UserId")};
  if (identity.arn.empty()) return InvalidArgument("sts:GetCallerIdentity response has no Arn");
  return identity;
}

Result<AwsCredentials> StsClient::AssumeRole(const AssumeRoleRequest& request) {
  QueryParams params("AssumeRole", kVersion);
  params.Add("RoleArn", request.role_arn)
      .Add("RoleSessionName", request.session_name)
      .Add("DurationSeconds", std::to_string(request.duration_seconds));
  if (!request.external_id.empty()) params.Add("ExternalId", request.external_id);
  CO_ASSIGN_OR_RETURN(std::string xml, transport_.Post(endpoint_, params.action(),
                                                       kQueryContentType, params.Encode()));
  CO_ASSIGN_OR_RETURN(AwsCredentials credentials, ParseAssumedCredentials(xml, "AssumeRole"));
  credentials.source = "role " + request.role_arn;
  return credentials;
}

Result<AwsCredentials> StsClient::AssumeRoleWithWebIdentity(const std::string& role_arn,
                                                            const std::string& session_name,
                                                            const std::string& token) {
  QueryParams params("AssumeRoleWithWebIdentity", kVersion);
  params.Add("RoleArn", role_arn)
      .Add("RoleSessionName", session_name)
      .Add("WebIdentityToken", token);
  CO_ASSIGN_OR_RETURN(std::string xml,
                      transport_.Post(endpoint_, params.action(), kQueryContentType,
                                      params.Encode(), {}, /*sign=*/false));
  CO_ASSIGN_OR_RETURN(AwsCredentials credentials,
                      ParseAssumedCredentials(xml, "AssumeRoleWithWebIdentity"));
  credentials.source = "web identity for role " + role_arn;
  return credentials;
}

}  // namespace cloudoptim::aws
