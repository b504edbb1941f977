// STS over the Query protocol: who am I, and entering another account's role (with the
// ExternalId the customer's trust policy demands) or a role for a web identity (EKS IRSA).
//
//   StsClient sts(transport, config.Endpoint("sts"));
//   Result<CallerIdentity> me = sts.GetCallerIdentity();
//   Result<AwsCredentials> session = sts.AssumeRole({.role_arn = arn, .external_id = id});
#pragma once

#include <string>

#include "aws/aws_config.h"
#include "aws/aws_transport.h"
#include "aws/credentials.h"

namespace cloudoptim::aws {

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

struct AssumeRoleRequest {
  std::string role_arn;
  std::string session_name = "cloudoptim";
  std::string external_id;  // omitted when empty
  int duration_seconds = 3600;
};

class StsClient {
 public:
  StsClient(AwsTransport& transport, ServiceEndpoint endpoint);

  Result<CallerIdentity> GetCallerIdentity();
  Result<AwsCredentials> AssumeRole(const AssumeRoleRequest& request);
  // Unsigned: the web identity token is the credential.
  Result<AwsCredentials> AssumeRoleWithWebIdentity(const std::string& role_arn,
                                                   const std::string& session_name,
                                                   const std::string& web_identity_token);

 private:
  AwsTransport& transport_;
  ServiceEndpoint endpoint_;
};

// Reads <Credentials> out of an AssumeRole* response. InvalidArgument naming the missing field.
Result<AwsCredentials> ParseAssumedCredentials(const std::string& xml, std::string_view action);

}  // namespace cloudoptim::aws
