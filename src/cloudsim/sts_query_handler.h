// Serves STS over the Query protocol for the sandbox: GetCallerIdentity (who the caller's
// access key belongs to) and AssumeRole (temporary sandbox credentials for a role of the
// account), so that CloudOptim's cross-account role flow and `aws sts get-caller-identity`
// work against the sandbox as against a real account.
//
//   StsQueryHandler sts(cloud.options().account_id, clock);
//   sts.RequireExternalId("cloudoptim-7f3a");        // the role's trust policy condition
//   WireResponse r = sts.Handle(params, "AKIDEXAMPLE", request_id);
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "cloudsim/aws_wire_encoding.h"
#include "cloudsim/cloud_ids.h"
#include "common/clock.h"

namespace cloudoptim {

class StsQueryHandler {
 public:
  StsQueryHandler(std::string account_id, Clock& clock);

  // When set, AssumeRole succeeds only with this ExternalId (AccessDenied otherwise), as a
  // trust policy with an sts:ExternalId condition behaves.
  void RequireExternalId(std::string external_id);

  // `access_key_id` is the caller's, from its Authorization header.
  WireResponse Handle(const FormParams& params, std::string_view access_key_id,
                      std::string_view request_id);

 private:
  Result<std::string> GetCallerIdentity(std::string_view access_key_id,
                                        std::string_view request_id);
  Result<std::string> AssumeRole(const FormParams& params, std::string_view request_id);

  const std::string account_id_;
  Clock& clock_;
  std::mutex mutex_;
  CloudIds ids_;
  std::string required_external_id_;
  // Access keys issued by AssumeRole -> the assumed-role ARN they act as.
  std::map<std::string, std::string, std::less<>> assumed_by_key_;
};

}  // namespace cloudoptim
