#include "controlplane/cluster_credentials.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

namespace cloudoptim::controlplane {
namespace {

// LoadKubeconfig reads files (kubectl's merge rules, relative paths); the stored text goes
// through a private temporary file that is removed at once.
Result<ClusterConnection> ConnectionFromKubeconfig(std::string_view yaml,
                                                   const std::string& context) {
  std::string path = (std::filesystem::temp_directory_path() / "co-kubeconfig-XXXXXX").string();
  int fd = ::mkstemp(path.data());
  if (fd < 0) return Unavailable("credentials: cannot create a temporary kubeconfig file");
  ::close(fd);
  {
    std::ofstream out(path, std::ios::trunc);
    out << yaml;
  }
  Result<ClusterConnection> connection =
      LoadKubeconfig({.explicit_path = path, .context = context, .kubeconfig_env = "", .home = ""});
  std::filesystem::remove(path);
  if (!connection) {
    Error error = connection.error();
    error.code = ErrorCode::kInvalidArgument;
    // The temporary path means nothing to the reader; the field does.
    size_t at = error.message.find(path);
    if (at != std::string::npos) error.message.replace(at, path.size(), "<kubeconfig>");
    return std::unexpected(Annotate(error, "credentials.kubeconfig"));
  }
  return connection;
}

std::string StringField(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

Result<AwsAccess> ParseAws(const nlohmann::json& root) {
  AwsAccess aws;
  auto it = root.find("aws");
  if (it == root.end()) return aws;
  if (!it->is_object()) return InvalidArgument("credentials.aws: expected an object");
  aws.role_arn = StringField(*it, "role_arn");
  aws.external_id = StringField(*it, "external_id");
  aws.access_key_id = StringField(*it, "access_key_id");
  aws.secret_access_key = StringField(*it, "secret_access_key");
  if (!aws.access_key_id.empty() && aws.secret_access_key.empty()) {
    return InvalidArgument("credentials.aws.secret_access_key: required with access_key_id");
  }
  return aws;
}

}  // namespace

Result<ClusterCredentials> ParseClusterCredentials(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return InvalidArgument("credentials: empty");
  ClusterCredentials credentials;
  if (text[first] != '{') {
    CO_ASSIGN_OR_RETURN(credentials.connection, ConnectionFromKubeconfig(text, ""));
    return credentials;
  }
  nlohmann::json root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return InvalidArgument("credentials: not a JSON object");
  }
  std::string kubeconfig = StringField(root, "kubeconfig");
  std::string server = StringField(root, "server");
  if (!kubeconfig.empty()) {
    CO_ASSIGN_OR_RETURN(credentials.connection,
                        ConnectionFromKubeconfig(kubeconfig, StringField(root, "context")));
  } else if (!server.empty()) {
    credentials.connection =
        DirectConnection(server, StringField(root, "token"), StringField(root, "ca_pem"));
    auto insecure = root.find("insecure_skip_tls_verify");
    credentials.connection.insecure_skip_tls_verify =
        insecure != root.end() && insecure->is_boolean() && insecure->get<bool>();
  } else {
    return InvalidArgument("credentials: needs \"kubeconfig\" or \"server\"");
  }
  CO_ASSIGN_OR_RETURN(credentials.aws, ParseAws(root));
  return credentials;
}

std::string EncodeClusterCredentials(std::string_view kubeconfig_yaml, const AwsAccess& aws) {
  nlohmann::json root = {{"kubeconfig", kubeconfig_yaml}};
  nlohmann::json access = nlohmann::json::object();
  if (!aws.role_arn.empty()) access["role_arn"] = aws.role_arn;
  if (!aws.external_id.empty()) access["external_id"] = aws.external_id;
  if (!aws.access_key_id.empty()) access["access_key_id"] = aws.access_key_id;
  if (!aws.secret_access_key.empty()) access["secret_access_key"] = aws.secret_access_key;
  if (!access.empty()) root["aws"] = access;
  return root.dump();
}

}  // namespace cloudoptim::controlplane
