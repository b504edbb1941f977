// Everything a CloudOptim process needs to call one AWS account: the resolved config, the
// credentials chain (as the AWS CLI resolves it, plus the customer role with ExternalId) and a
// signing transport. The EC2, SQS, STS and pricing clients are built over a session.
//
//   Result<AwsConfig> config = LoadAwsConfig(options, ProcessEnvironment());
//   Result<std::unique_ptr<AwsSession>> session = AwsSession::Create(*config, http, clock);
//   Ec2Client ec2((*session)->transport(), (*session)->config().Endpoint("ec2"));
//
// Credentials, first match wins:
//   1. an explicitly chosen profile (--profile) — see 4;
//   2. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
//   3. AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE: AssumeRoleWithWebIdentity (EKS IRSA);
//   4. the profile (AWS_PROFILE or "default"): role_arn with source_profile (chains followed,
//      external_id honoured) or web_identity_token_file; else aws_access_key_id keys.
// Then, when options.role_arn is set, those credentials assume the customer's role with
// options.external_id. Sessions are cached and refreshed 5 minutes before they expire.
// Not supported (Unimplemented when named): credential_source, credential_process, SSO,
// and the EC2/ECS metadata endpoints.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "aws/aws_config.h"
#include "aws/aws_transport.h"
#include "aws/credentials.h"
#include "aws/sts_client.h"
#include "net/http_client.h"

namespace cloudoptim::aws {

class AwsSession {
 public:
  static Result<std::unique_ptr<AwsSession>> Create(AwsConfig config, HttpClient& http,
                                                    Clock& clock,
                                                    RetryPolicy retry = DefaultAwsRetryPolicy());

  const AwsConfig& config() const { return config_; }
  AwsTransport& transport() { return *transport_; }
  CredentialsProvider& credentials() { return *credentials_; }
  // How the credentials were obtained, e.g. "profile dev -> role arn:aws:iam::1:role/x".
  const std::string& credentials_description() const { return description_; }

 private:
  AwsSession(AwsConfig config, HttpClient& http, Clock& clock, RetryPolicy retry);
  Result<CredentialsProvider*> BaseProvider();
  Result<CredentialsProvider*> ProfileProvider(const std::string& profile, int depth);
  CredentialsProvider* AssumeRoleProvider(CredentialsProvider* source, AssumeRoleRequest request);
  CredentialsProvider* WebIdentityProvider(std::string role_arn, std::string token_file,
                                           std::string session_name);
  CredentialsProvider* Own(std::unique_ptr<CredentialsProvider> provider);

  AwsConfig config_;
  HttpClient& http_;
  Clock& clock_;
  RetryPolicy retry_;
  std::vector<std::unique_ptr<CredentialsProvider>> providers_;
  std::vector<std::unique_ptr<AwsTransport>> sts_transports_;
  CredentialsProvider* credentials_ = nullptr;
  std::unique_ptr<AwsTransport> transport_;
  std::string description_;
};

}  // namespace cloudoptim::aws
