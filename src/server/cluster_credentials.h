// What POST /api/v1/customer/onboard stores (encrypted, through the Store) as a cluster's
// credentials, and how the control plane reads it back: a JSON object with either a whole
// kubeconfig or a server URL + bearer token + CA, and the AWS role to assume.
//
//   std::string sealed_text = EncodeClusterCredentials(credentials);   // -> registration
//   Result<ClusterCredentials> c = DecodeClusterCredentials(
//       store.clusters().GetClusterCredentials(tenant, cluster).value());
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace cloudoptim::server {

struct ClusterCredentials {
  std::string kubeconfig;      // a whole kubeconfig (YAML), or empty when server/token are set
  std::string server;          // "https://api.example:6443"
  std::string token;           // bearer token of a read-mostly service account
  std::string ca_certificate;  // PEM; empty = the system trust store
  std::string role_arn;        // IAM role CloudOptim assumes in the customer's account
  std::string external_id;     // the external id that role's trust policy requires
};

// {"kubeconfig": ..., "server": ..., "token": ..., "ca_certificate": ..., "role_arn": ...,
//  "external_id": ...}; empty fields left out.
std::string EncodeClusterCredentials(const ClusterCredentials& credentials);
// InvalidArgument naming the field for malformed text.
Result<ClusterCredentials> DecodeClusterCredentials(std::string_view json);

}  // namespace cloudoptim::server
