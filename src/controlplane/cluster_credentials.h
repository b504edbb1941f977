// What a customer gives us to reach their cluster and AWS account, resolved from the cluster
// record's sealed `credentials`: the JSON object POST /api/v1/customer/onboard stores
// (server/cluster_credentials.h)
//
//   {"kubeconfig": "<YAML>", "context": "prod",                        // a kubeconfig, or
//    "server": "https://...", "token": "...", "ca_certificate": "PEM",  // the direct form
//    "role_arn": "arn:aws:iam::1:role/co", "external_id": "..."}        // the AWS role
//
// or a plain kubeconfig (YAML text). The AWS side uses the control plane's own AWS identity
// (its environment, profile or web identity) to assume the customer's role.
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

}  // namespace cloudoptim::controlplane
