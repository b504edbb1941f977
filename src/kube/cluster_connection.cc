#include "kube/cluster_connection.h"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace cloudoptim {
namespace {

// One parsed kubeconfig file: its named entries kept as YAML nodes, with the folder that
// relative paths inside it are resolved against.
struct KubeconfigFile {
  std::string path;
  std::string folder;
  YAML::Node root;
};

struct Entry {
  YAML::Node node;
  std::string folder;
  std::string file;
};

struct MergedConfig {
  std::string current_context;
  std::map<std::string, Entry> clusters, users, contexts;
};

Result<std::string> ReadWholeFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + std::string(what) + " " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> SplitPathList(std::string_view list) {
  std::vector<std::string> paths;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(':', start);
    if (end == std::string_view::npos) end = list.size();
    if (end > start) paths.emplace_back(list.substr(start, end - start));
    start = end + 1;
  }
  return paths;
}

std::string Resolve(const std::string& folder, const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  return (std::filesystem::path(folder) / path).lexically_normal().string();
}

std::string Text(const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  return value && value.IsScalar() ? value.as<std::string>() : std::string();
}

// Adds the named entries of one list ("clusters", "users", "contexts"); earlier files win.
Status AddEntries(const KubeconfigFile& file, const char* list_name, const char* item_name,
                  std::map<std::string, Entry>* out) {
  const YAML::Node list = file.root[list_name];
  if (!list) return Ok();
  if (!list.IsSequence()) return InvalidArgument(file.path + ": " + list_name + " is not a list");
  for (const YAML::Node& item : list) {
    std::string name = Text(item, "name");
    if (name.empty()) continue;
    out->try_emplace(name, Entry{item[item_name], file.folder, file.path});
  }
  return Ok();
}

Result<KubeconfigFile> ParseFile(const std::string& path) {
  CO_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path, "kubeconfig"));
  KubeconfigFile file{path, std::filesystem::path(path).parent_path().string(), {}};
  try {
    file.root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgument("kubeconfig " + path + " is not valid YAML: " + e.what());
  }
  return file;
}

Result<MergedConfig> LoadMerged(const KubeconfigOptions& options) {
  std::vector<std::string> paths;
  if (!options.explicit_path.empty()) {
    paths.push_back(options.explicit_path);
  } else {
    const char* env = std::getenv("KUBECONFIG");
    std::string list = options.kubeconfig_env.value_or(env ? env : "");
    paths = SplitPathList(list);
    if (paths.empty()) {
      const char* home_env = std::getenv("HOME");
      paths.push_back(options.home.value_or(home_env ? home_env : "") + "/.kube/config");
    }
  }
  MergedConfig merged;
  bool any = false;
  for (const std::string& path : paths) {
    // kubectl skips missing files of the KUBECONFIG list, but not an explicit --kubeconfig.
    if (options.explicit_path.empty() && !std::filesystem::exists(path)) continue;
    CO_ASSIGN_OR_RETURN(KubeconfigFile file, ParseFile(path));
    if (!file.root.IsMap()) continue;
    any = true;
    if (merged.current_context.empty()) merged.current_context = Text(file.root, "current-context");
    CO_RETURN_IF_ERROR(AddEntries(file, "clusters", "cluster", &merged.clusters));
    CO_RETURN_IF_ERROR(AddEntries(file, "users", "user", &merged.users));
    CO_RETURN_IF_ERROR(AddEntries(file, "contexts", "context", &merged.contexts));
  }
  if (!any) {
    std::string joined;
    for (const std::string& p : paths) joined += (joined.empty() ? "" : ":") + p;
    return NotFound("no kubeconfig found (looked in " + joined +
                    "); pass --kubeconfig or set KUBECONFIG");
  }
  return merged;
}

// The PEM from "<field>-data" (base64) or from the file named by "<field>".
Result<std::string> ReadPemField(const Entry& entry, const std::string& field) {
  std::string data = Text(entry.node, (field + "-data").c_str());
  if (!data.empty()) {
    Result<std::string> decoded = DecodeBase64(data);
    if (!decoded) {
      return InvalidArgument(entry.file + ": " + field + "-data is not valid base64");
    }
    return decoded;
  }
  std::string path = Text(entry.node, field.c_str());
  if (path.empty()) return std::string();
  return ReadWholeFile(Resolve(entry.folder, path), field);
}

Result<ExecPluginConfig> ReadExec(const Entry& user) {
  const YAML::Node exec = user.node["exec"];
  ExecPluginConfig config;
  config.api_version = Text(exec, "apiVersion");
  config.command = Text(exec, "command");
  if (config.command.empty())
    return InvalidArgument(user.file + ": users[].user.exec.command is empty");
  if (config.command.find('/') != std::string::npos)
    config.command = Resolve(user.folder, config.command);
  if (const YAML::Node args = exec["args"]; args && args.IsSequence()) {
    for (const YAML::Node& arg : args) config.args.push_back(arg.as<std::string>());
  }
  if (const YAML::Node env = exec["env"]; env && env.IsSequence()) {
    for (const YAML::Node& var : env)
      config.env.emplace_back(Text(var, "name"), Text(var, "value"));
  }
  config.interactive_mode = Text(exec, "interactiveMode");
  config.provide_cluster_info = exec["provideClusterInfo"] && exec["provideClusterInfo"].as<bool>();
  return config;
}

Status ReadUser(const Entry& user, ClusterConnection* out) {
  out->token = Text(user.node, "token");
  std::string token_file = Text(user.node, "tokenFile");
  if (!token_file.empty()) out->token_file = Resolve(user.folder, token_file);
  CO_ASSIGN_OR_RETURN(out->client_cert_pem, ReadPemField(user, "client-certificate"));
  CO_ASSIGN_OR_RETURN(out->client_key_pem, ReadPemField(user, "client-key"));
  if (out->client_cert_pem.empty() != out->client_key_pem.empty()) {
    return InvalidArgument(user.file + ": a client certificate needs its key (and vice versa)");
  }
  if (user.node["exec"]) {
    CO_ASSIGN_OR_RETURN(ExecPluginConfig exec, ReadExec(user));
    out->exec = std::move(exec);
  }
  return Ok();
}

}  // namespace

Result<ClusterConnection> LoadKubeconfig(const KubeconfigOptions& options) {
  CO_ASSIGN_OR_RETURN(MergedConfig merged, LoadMerged(options));
  std::string context_name = options.context.empty() ? merged.current_context : options.context;
  if (context_name.empty()) {
    return NotFound("the kubeconfig sets no current-context; pass --context");
  }
  auto context = merged.contexts.find(context_name);
  if (context == merged.contexts.end()) {
    return NotFound("context \"" + context_name + "\" is not in the kubeconfig");
  }
  std::string cluster_name = Text(context->second.node, "cluster");
  std::string user_name = Text(context->second.node, "user");
  auto cluster = merged.clusters.find(cluster_name);
  if (cluster == merged.clusters.end()) {
    return NotFound("cluster \"" + cluster_name + "\" of context \"" + context_name +
                    "\" is not in the kubeconfig");
  }
  ClusterConnection connection;
  connection.context_name = context_name;
  try {
    connection.server = Text(cluster->second.node, "server");
    while (!connection.server.empty() && connection.server.back() == '/')
      connection.server.pop_back();
    if (connection.server.empty()) {
      return InvalidArgument(cluster->second.file + ": cluster \"" + cluster_name +
                             "\" has no server");
    }
    CO_ASSIGN_OR_RETURN(connection.ca_pem, ReadPemField(cluster->second, "certificate-authority"));
    const YAML::Node insecure = cluster->second.node["insecure-skip-tls-verify"];
    connection.insecure_skip_tls_verify = insecure && insecure.as<bool>();
    connection.tls_server_name = Text(cluster->second.node, "tls-server-name");
    if (!user_name.empty()) {
      auto user = merged.users.find(user_name);
      if (user == merged.users.end()) {
        return NotFound("user \"" + user_name + "\" of context \"" + context_name +
                        "\" is not in the kubeconfig");
      }
      CO_RETURN_IF_ERROR(ReadUser(user->second, &connection));
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument("kubeconfig context \"" + context_name + "\": " + e.what());
  }
  return connection;
}

Result<ClusterConnection> LoadInClusterConnection(const InClusterPaths& paths) {
  const char* host_env = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port_env = std::getenv("KUBERNETES_SERVICE_PORT");
  std::string host = paths.host.empty() ? (host_env ? host_env : "") : paths.host;
  std::string port = paths.port.empty() ? (port_env ? port_env : "") : paths.port;
  if (host.empty() || port.empty()) {
    return FailedPrecondition(
        "not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST/PORT are not set)");
  }
  if (host.find(':') != std::string::npos) host = "[" + host + "]";  // IPv6
  ClusterConnection connection;
  connection.server = "https://" + host + ":" + port;
  connection.token_file = paths.token_file;
  CO_ASSIGN_OR_RETURN(connection.ca_pem, ReadWholeFile(paths.ca_file, "service-account CA"));
  if (!std::filesystem::exists(paths.token_file)) {
    return NotFound("service-account token " + paths.token_file + " does not exist");
  }
  return connection;
}

ClusterConnection DirectConnection(std::string server, std::string token, std::string ca_pem) {
  ClusterConnection connection;
  connection.server = std::move(server);
  while (!connection.server.empty() && connection.server.back() == '/')
    connection.server.pop_back();
  connection.token = std::move(token);
  connection.ca_pem = std::move(ca_pem);
  return connection;
}

Result<std::string> DecodeBase64(std::string_view text) {
  std::string clean;
  clean.reserve(text.size() + 3);
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean.push_back(c);
  }
  while (clean.size() % 4 != 0) clean.push_back('=');
  std::string out(clean.size() / 4 * 3, '\0');
  int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                               reinterpret_cast<const unsigned char*>(clean.data()),
                               static_cast<int>(clean.size()));
  if (length < 0) return InvalidArgument("invalid base64");
  // EVP_DecodeBlock counts padding as zero bytes.
  size_t padding = 0;
  for (size_t i = clean.size(); i > 0 && clean[i - 1] == '='; --i) ++padding;
  out.resize(static_cast<size_t>(length) - std::min<size_t>(padding, 2));
  return out;
}

std::string EncodeBase64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                               reinterpret_cast<const unsigned char*>(bytes.data()),
                               static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(length));
  return out;
}

}  // namespace cloudoptim
