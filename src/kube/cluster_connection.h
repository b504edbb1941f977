// Where a cluster is and how to authenticate to it, resolved from any of the three forms a
// customer gives us: a kubeconfig (KUBECONFIG lists merged as kubectl does), the in-cluster
// service account, or the direct form stored for onboarded clusters (URL + token + CA).
//
//   Result<ClusterConnection> c = LoadKubeconfig({.context = "prod"});   // $KUBECONFIG
//   Result<ClusterConnection> c = LoadInClusterConnection();
//   ClusterConnection c = DirectConnection("https://ABC.gr7.us-east-1.eks.amazonaws.com",
//                                          token, ca_pem);
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace cloudoptim {

// An exec credential plugin (users[].user.exec), e.g. `aws eks get-token`.
struct ExecPluginConfig {
  std::string api_version;  // client.authentication.k8s.io/v1 or /v1beta1
  std::string command;      // resolved against the kubeconfig's folder when it is a path
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string interactive_mode;  // "Never" | "IfAvailable" | "Always" (we never have a TTY)
  bool provide_cluster_info = false;
};

struct ClusterConnection {
  std::string context_name;  // kubeconfig context (empty for the other forms)
  std::string server;        // "https://host:port", no trailing slash
  std::string ca_pem;        // trusted CA bytes; empty: the system store
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;       // static bearer token
  std::string token_file;  // re-read periodically (projected service-account tokens rotate)
  std::optional<ExecPluginConfig> exec;
};

struct KubeconfigOptions {
  // --kubeconfig: this one file only. Empty: the KUBECONFIG list, else ~/.kube/config.
  std::string explicit_path;
  // --context; empty: current-context.
  std::string context;
  // The KUBECONFIG value and home folder; empty: read from the environment. Tests set them.
  std::optional<std::string> kubeconfig_env;
  std::optional<std::string> home;
};

// Loads and merges the kubeconfig files and resolves one context. The merge follows kubectl:
// for each cluster, user and context name the first file that defines it wins, and
// current-context comes from the first file that sets it. Relative file paths are resolved
// against the folder of the file that named them; *-data fields are base64 PEM.
// Errors: NotFound (no file, no such context/cluster/user), InvalidArgument (bad YAML, bad
// base64, a context without server) naming the file and field.
Result<ClusterConnection> LoadKubeconfig(const KubeconfigOptions& options);

struct InClusterPaths {
  std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  // Empty: read KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT from the environment.
  std::string host;
  std::string port;
};

// The service account of the pod we run in. FailedPrecondition when not in a cluster.
Result<ClusterConnection> LoadInClusterConnection(const InClusterPaths& paths = {});

ClusterConnection DirectConnection(std::string server, std::string token, std::string ca_pem);

// Standard base64 (padding optional, whitespace ignored). InvalidArgument on bad input.
Result<std::string> DecodeBase64(std::string_view text);
std::string EncodeBase64(std::string_view bytes);

}  // namespace cloudoptim
