#include "sandbox/kubeconfig_writer.h"

#include <yaml-cpp/yaml.h>

#include "common/file_replace.h"
#include "sandbox/base64.h"

namespace cloudoptim::sandbox {

std::string RenderKubeconfig(const std::string& server_url, const std::string& ca_pem,
                             const std::vector<KubeconfigUser>& users) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << "v1";
  out << YAML::Key << "kind" << YAML::Value << "Config";
  out << YAML::Key << "clusters" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << "cloudoptim-sandbox";
  out << YAML::Key << "cluster" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "server" << YAML::Value << server_url;
  out << YAML::Key << "certificate-authority-data" << YAML::Value << Base64Encode(ca_pem);
  out << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  out << YAML::Key << "users" << YAML::Value << YAML::BeginSeq;
  for (const KubeconfigUser& user : users) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << "sandbox-" + user.name;
    out << YAML::Key << "user" << YAML::Value << YAML::BeginMap << YAML::Key << "token"
        << YAML::Value << user.token << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "contexts" << YAML::Value << YAML::BeginSeq;
  for (const KubeconfigUser& user : users) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value
        << (user.name == users.front().name ? std::string("cloudoptim-sandbox")
                                            : "cloudoptim-sandbox-" + user.name);
    out << YAML::Key << "context" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "cluster" << YAML::Value << "cloudoptim-sandbox";
    out << YAML::Key << "user" << YAML::Value << "sandbox-" + user.name;
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "current-context" << YAML::Value << "cloudoptim-sandbox";
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

Status WriteKubeconfig(const std::string& path, const std::string& server_url,
                       const std::string& ca_pem, const std::vector<KubeconfigUser>& users) {
  if (users.empty()) return InvalidArgument("kubeconfig needs at least one user");
  // Written beside the target and renamed over it: whoever waits for the file to appear (a
  // test, a script polling for it) never reads a half-written one. Only its owner reads it.
  Status written = ReplaceFileContents(path, RenderKubeconfig(server_url, ca_pem, users), 0600);
  if (!written) return InvalidArgument("kubeconfig: " + written.error().message);
  return Ok();
}

}  // namespace cloudoptim::sandbox
