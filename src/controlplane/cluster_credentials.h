// What a customer gives us to reach their cluster and AWS account, as stored (sealed) in the
// cluster record's `credentials`: either a kubeconfig as YAML text, or a JSON object
//
//   {"kubeconfig": "<YAML>", "context": "prod",                 // or, instead of a kubeconfig,
//    "server": "https://...", "token": "...", "ca_pem": "...",  // the direct form
//    "aws": {"role_arn": "arn:aws:iam::1:role/co", "external_id": "...",
//            "access_key_id": "...", "secret_access_key": "..."}}  // keys: sandbox / tests only
//
//   CO_ASSIGN_OR_RETURN(ClusterCredentials c, ParseClusterCredentials(stored_text));
//   ClusterConnection kube = c.connection;
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "kube/cluster_connection.h"

namespace cloudoptim::controlplane {

struct AwsAccess {
  std::string role_arn;  // the customer's role, assumed with external_id
  std::string external_id;
  std::string access_key_id;  // static keys, when the account gives no role (sandbox)
  std::string secret_access_key;

  bool configured() const { return !role_arn.empty() || !access_key_id.empty(); }
};

struct ClusterCredentials {
  ClusterConnection connection;
  AwsAccess aws;
};

// InvalidArgument naming the field for malformed JSON, a kubeconfig that does not resolve
// (its own error, annotated), or neither a kubeconfig nor a server. Never echoes secrets.
Result<ClusterCredentials> ParseClusterCredentials(std::string_view text);

// The JSON form of a kubeconfig plus AWS access: what `cloudoptim demo` registers, and what
// the onboarding API may store.
std::string EncodeClusterCredentials(std::string_view kubeconfig_yaml, const AwsAccess& aws);

}  // namespace cloudoptim::controlplane
