#include "server/cluster_credentials.h"

#include "server/json_fields.h"

namespace cloudoptim::server {

std::string EncodeClusterCredentials(const ClusterCredentials& c) {
  Json out = Json::object();
  PutString(out, "kubeconfig", c.kubeconfig);
  PutString(out, "server", c.server);
  PutString(out, "token", c.token);
  PutString(out, "ca_certificate", c.ca_certificate);
  PutString(out, "role_arn", c.role_arn);
  PutString(out, "external_id", c.external_id);
  return out.dump();
}

Result<ClusterCredentials> DecodeClusterCredentials(std::string_view json) {
  Json root = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return InvalidArgument("credentials: expected a JSON object");
  }
  FieldReader in;
  ClusterCredentials c{.kubeconfig = in.String(root, "kubeconfig", "credentials"),
                       .server = in.String(root, "server", "credentials"),
                       .token = in.String(root, "token", "credentials"),
                       .ca_certificate = in.String(root, "ca_certificate", "credentials"),
                       .role_arn = in.String(root, "role_arn", "credentials"),
                       .external_id = in.String(root, "external_id", "credentials")};
  if (in.failed()) return std::unexpected(in.error());
  return c;
}

}  // namespace cloudoptim::server
