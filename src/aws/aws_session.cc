#include "aws/aws_session.h"

#include <fstream>
#include <sstream>

#include "aws/sts_client.h"

namespace cloudoptim::aws {
namespace {

constexpr int kMaxRoleChain = 5;

Result<std::string> ReadToken(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Unauthenticated("web identity token file \"" + path + "\" cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.empty()) return Unauthenticated("web identity token file \"" + path + "\" is empty");
  return token;
}

}  // namespace

AwsSession::AwsSession(AwsConfig config, HttpClient& http, Clock& clock, RetryPolicy retry)
    : config_(std::move(config)), http_(http), clock_(clock), retry_(retry) {}

Result<std::unique_ptr<AwsSession>> AwsSession::Create(AwsConfig config, HttpClient& http,
                                                       Clock& clock, RetryPolicy retry) {
  std::unique_ptr<AwsSession> session(new AwsSession(std::move(config), http, clock, retry));
  CO_ASSIGN_OR_RETURN(CredentialsProvider * base, session->BaseProvider());
  session->credentials_ = base;
  const AwsOptions& options = session->config_.options;
  if (!options.role_arn.empty()) {
    session->credentials_ =
        session->AssumeRoleProvider(base, {.role_arn = options.role_arn,
                                           .session_name = options.role_session_name,
                                           .external_id = options.external_id});
    session->description_ +=
        " -> role " + options.role_arn + (options.external_id.empty() ? "" : " (with external id)");
  }
  session->transport_ = std::make_unique<AwsTransport>(http, session->credentials_, clock, retry);
  return session;
}

CredentialsProvider* AwsSession::Own(std::unique_ptr<CredentialsProvider> provider) {
  providers_.push_back(std::move(provider));
  return providers_.back().get();
}

CredentialsProvider* AwsSession::AssumeRoleProvider(CredentialsProvider* source,
                                                    AssumeRoleRequest request) {
  sts_transports_.push_back(std::make_unique<AwsTransport>(http_, source, clock_, retry_));
  AwsTransport* transport = sts_transports_.back().get();
  ServiceEndpoint endpoint = config_.Endpoint("sts");
  return Own(std::make_unique<CachingCredentialsProvider>(clock_, [transport, endpoint, request] {
    StsClient sts(*transport, endpoint);
    return sts.AssumeRole(request);
  }));
}

CredentialsProvider* AwsSession::WebIdentityProvider(std::string role_arn, std::string token_file,
                                                     std::string session_name) {
  sts_transports_.push_back(std::make_unique<AwsTransport>(http_, nullptr, clock_, retry_));
  AwsTransport* transport = sts_transports_.back().get();
  ServiceEndpoint endpoint = config_.Endpoint("sts");
  // The token file is re-read on every refresh: the kubelet rotates it.
  return Own(std::make_unique<CachingCredentialsProvider>(clock_, [=]() -> Result<AwsCredentials> {
    CO_ASSIGN_OR_RETURN(std::string token, ReadToken(token_file));
    StsClient sts(*transport, endpoint);
    return sts.AssumeRoleWithWebIdentity(role_arn, session_name, token);
  }));
}

Result<CredentialsProvider*> AwsSession::BaseProvider() {
  const Environment& env = config_.environment;
  if (config_.options.profile.empty()) {
    const std::string key = EnvironmentValue(env, "AWS_ACCESS_KEY_ID");
    const std::string secret = EnvironmentValue(env, "AWS_SECRET_ACCESS_KEY");
    if (!key.empty() && !secret.empty()) {
      description_ = "environment variables";
      return Own(std::make_unique<StaticCredentialsProvider>(
          AwsCredentials{.access_key_id = key,
                         .secret_access_key = secret,
                         .session_token = EnvironmentValue(env, "AWS_SESSION_TOKEN"),
                         .source = "environment"}));
    }
    const std::string role = EnvironmentValue(env, "AWS_ROLE_ARN");
    const std::string token_file = EnvironmentValue(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
    if (!role.empty() && !token_file.empty()) {
      description_ = "web identity (AWS_ROLE_ARN " + role + ")";
      std::string session_name = EnvironmentValue(env, "AWS_ROLE_SESSION_NAME");
      return WebIdentityProvider(role, token_file,
                                 session_name.empty() ? "cloudoptim" : session_name);
    }
  }
  description_ = "profile " + config_.profile_name;
  return ProfileProvider(config_.profile_name, 0);
}

Result<CredentialsProvider*> AwsSession::ProfileProvider(const std::string& profile, int depth) {
  if (depth > kMaxRoleChain) {
    return InvalidArgument("AWS profile \"" + profile + "\": source_profile chain longer than " +
                           std::to_string(kMaxRoleChain) + " (a cycle?)");
  }
  auto value = [&](std::string_view key) { return config_.ProfileValue(profile, key); };
  const std::string role_arn = value("role_arn");
  const std::string key = value("aws_access_key_id");
  const std::string secret = value("aws_secret_access_key");
  // A profile that is its own source_profile uses its keys to assume its role, as the CLI does.
  if (!role_arn.empty()) {
    std::string session_name = value("role_session_name");
    if (session_name.empty()) session_name = "cloudoptim";
    if (const std::string token_file = value("web_identity_token_file"); !token_file.empty()) {
      return WebIdentityProvider(role_arn, token_file, session_name);
    }
    const std::string source = value("source_profile");
    if (source.empty()) {
      const std::string other =
          value("credential_source").empty() ? "credential_process" : "credential_source";
      return Unimplemented("AWS profile \"" + profile +
                           "\" has role_arn without source_profile "
                           "or web_identity_token_file; " +
                           other + " is not supported");
    }
    CO_ASSIGN_OR_RETURN(
        CredentialsProvider * source_provider,
        source == profile && !key.empty()
            ? Result<CredentialsProvider*>(Own(std::make_unique<StaticCredentialsProvider>(
                  AwsCredentials{.access_key_id = key,
                                 .secret_access_key = secret,
                                 .source = "profile " + profile})))
            : ProfileProvider(source, depth + 1));
    description_ += " -> role " + role_arn;
    return AssumeRoleProvider(
        source_provider,
        {.role_arn = role_arn, .session_name = session_name, .external_id = value("external_id")});
  }
  if (!key.empty() && !secret.empty()) {
    return Own(std::make_unique<StaticCredentialsProvider>(
        AwsCredentials{.access_key_id = key,
                       .secret_access_key = secret,
                       .session_token = value("aws_session_token"),
                       .source = "profile " + profile}));
  }
  if (!value("credential_process").empty() || !value("sso_start_url").empty() ||
      !value("sso_session").empty()) {
    return Unimplemented("AWS profile \"" + profile +
                         "\" uses credential_process or SSO, which CloudOptim does not support; "
                         "use keys, a role with source_profile, or web identity");
  }
  return Unauthenticated(
      "no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_ROLE_ARN with "
      "AWS_WEB_IDENTITY_TOKEN_FILE, or keys/role_arn in profile \"" +
      profile + "\"");
}

}  // namespace cloudoptim::aws
