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
        DirectConnection(server, StringField(root, "token"), StringField(root, "ca_certificate"));
    auto insecure = root.find("insecure_skip_tls_verify");
    credentials.connection.insecure_skip_tls_verify =
        insecure != root.end() && insecure->is_boolean() && insecure->get<bool>();
  } else {
    return InvalidArgument("credentials: needs \"kubeconfig\" or \"server\"");
  }
  credentials.aws.role_arn = StringField(root, "role_arn");
  credentials.aws.external_id = StringField(root, "external_id");
  return credentials;
}

}  // namespace cloudoptim::controlplane
