// Writes the kubeconfig a user (or kubectl, or CloudOptim's own client) points at the sandbox:
// one cluster with the CA inline as certificate-authority-data, and a user + context per
// token (the admin is the current context).
//
//   Status s = WriteKubeconfig("/tmp/sandbox.kubeconfig", "https://127.0.0.1:6443", ca_pem,
//                              {{"admin", "token-a"}, {"viewer", "token-b"}});
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace cloudoptim::sandbox {

struct KubeconfigUser {
  std::string name;   // user and context name suffix
  std::string token;
};

std::string RenderKubeconfig(const std::string& server_url, const std::string& ca_pem,
                             const std::vector<KubeconfigUser>& users);
// Writes with mode 0600 (it holds bearer tokens).
Status WriteKubeconfig(const std::string& path, const std::string& server_url,
                       const std::string& ca_pem, const std::vector<KubeconfigUser>& users);

}  // namespace cloudoptim::sandbox
