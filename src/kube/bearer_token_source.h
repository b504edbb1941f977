// The bearer token of a connection, wherever it comes from: a static token, a token file
// (re-read every minute, since projected service-account tokens rotate), or an exec
// credential plugin (`aws eks get-token`), whose token is cached until its
// expirationTimestamp. Thread-safe.
//
//   BearerTokenSource tokens(connection, clock);
//   Result<std::string> token = tokens.Token();   // "" when the connection uses none
//   ...on HTTP 401: tokens.Invalidate(); then retry once with a fresh token.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "kube/cluster_connection.h"

namespace cloudoptim {

// What an exec plugin printed, decoded from its ExecCredential JSON.
struct ExecCredential {
  std::string token;
  std::optional<TimePoint> expiration;
};

// Runs the plugin as kubectl does: args and env from the kubeconfig, KUBERNETES_EXEC_INFO
// set, stdin not a terminal. Errors name the command: FailedPrecondition when it exits
// non-zero (with its stderr) or needs interactive mode, InvalidArgument when its output is
// not an ExecCredential of the requested apiVersion, Unimplemented for certificate output.
Result<ExecCredential> RunExecPlugin(const ExecPluginConfig& config,
                                     const ClusterConnection& cluster);

class BearerTokenSource {
 public:
  BearerTokenSource(ClusterConnection connection, Clock& clock);

  Result<std::string> Token();
  // Forgets a cached exec token or file token (the server rejected it).
  void Invalidate();
  // True when Invalidate() + Token() could produce a different token.
  bool CanRefresh() const {
    return connection_.exec.has_value() || !connection_.token_file.empty();
  }

 private:
  ClusterConnection connection_;
  Clock& clock_;
  std::mutex mutex_;
  std::string cached_;
  std::optional<TimePoint> valid_until_;
};

}  // namespace cloudoptim
