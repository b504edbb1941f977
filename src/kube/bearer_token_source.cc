#include "kube/bearer_token_source.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

extern char** environ;

namespace cloudoptim {
namespace {

constexpr auto kTokenFileRefresh = std::chrono::minutes(1);
// An exec token is renewed a little before it expires, so a request never carries one that
// expires in flight.
constexpr auto kExpiryMargin = std::chrono::seconds(10);

std::string ExecInfo(const ExecPluginConfig& config, const ClusterConnection& cluster) {
  nlohmann::json info = {{"apiVersion", config.api_version},
                         {"kind", "ExecCredential"},
                         {"spec", {{"interactive", false}}}};
  if (config.provide_cluster_info) {
    info["spec"]["cluster"] = {{"server", cluster.server},
                               {"certificate-authority-data", EncodeBase64(cluster.ca_pem)},
                               {"insecure-skip-tls-verify", cluster.insecure_skip_tls_verify}};
    if (!cluster.tls_server_name.empty()) {
      info["spec"]["cluster"]["tls-server-name"] = cluster.tls_server_name;
    }
  }
  return info.dump();
}

struct ProcessOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Reads both pipes until they close, so a chatty stderr cannot block the plugin.
void DrainPipes(int out_fd, int err_fd, ProcessOutput* result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_count = 2;
  char buffer[4096];
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
        continue;
      }
      (i == 0 ? result->out : result->err).append(buffer, static_cast<size_t>(n));
    }
  }
}

Result<ProcessOutput> RunProcess(const std::vector<std::string>& argv,
                                 const std::vector<std::string>& extra_env) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  for (const std::string& e : extra_env) env_strings.push_back(e);
  std::vector<char*> envp, args;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (std::string& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Internal("pipe failed");
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return Internal("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return FailedPrecondition("cannot run exec credential plugin \"" + argv[0] +
                              "\": " + std::strerror(rc) + "; is it installed and on PATH?");
  }
  ProcessOutput result;
  DrainPipes(out_pipe[0], err_pipe[0], &result);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

Result<ExecCredential> ParseExecCredential(const ExecPluginConfig& config, const std::string& out) {
  const std::string what = "exec credential plugin \"" + config.command + "\"";
  nlohmann::json json = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return InvalidArgument(what + " did not print an ExecCredential JSON object");
  }
  std::string api_version = json.value("apiVersion", "");
  if (api_version != config.api_version) {
    return InvalidArgument(what + " printed apiVersion \"" + api_version + "\", expected \"" +
                           config.api_version + "\"");
  }
  const nlohmann::json status = json.value("status", nlohmann::json::object());
  ExecCredential credential;
  credential.token = status.value("token", "");
  if (credential.token.empty()) {
    if (status.contains("clientCertificateData")) {
      return Unimplemented(what +
                           " returned a client certificate; only token plugins are supported");
    }
    return InvalidArgument(what + " returned no status.token");
  }
  std::string expiry = status.value("expirationTimestamp", "");
  if (!expiry.empty()) {
    TimePoint when{};
    if (!ParseRfc3339(expiry, &when)) {
      return InvalidArgument(what + " returned a bad status.expirationTimestamp \"" + expiry +
                             "\"");
    }
    credential.expiration = when;
  }
  return credential;
}

Result<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read token file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string token = buffer.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  return token;
}

}  // namespace

Result<ExecCredential> RunExecPlugin(const ExecPluginConfig& config,
                                     const ClusterConnection& cluster) {
  if (config.interactive_mode == "Always") {
    return FailedPrecondition("exec credential plugin \"" + config.command +
                              "\" requires interactive mode (interactiveMode: Always), which a "
                              "background service cannot provide");
  }
  std::vector<std::string> argv{config.command};
  argv.insert(argv.end(), config.args.begin(), config.args.end());
  std::vector<std::string> env{"KUBERNETES_EXEC_INFO=" + ExecInfo(config, cluster)};
  for (const auto& [name, value] : config.env) env.push_back(name + "=" + value);
  CO_ASSIGN_OR_RETURN(ProcessOutput output, RunProcess(argv, env));
  if (output.exit_code != 0) {
    return FailedPrecondition("exec credential plugin \"" + config.command + "\" exited with " +
                              std::to_string(output.exit_code) + ": " + output.err.substr(0, 500));
  }
  return ParseExecCredential(config, output.out);
}

BearerTokenSource::BearerTokenSource(ClusterConnection connection, Clock& clock)
    : connection_(std::move(connection)), clock_(clock) {}

Result<std::string> BearerTokenSource::Token() {
  std::lock_guard lock(mutex_);
  const TimePoint now = clock_.Now();
  if (!cached_.empty() && (!valid_until_ || now < *valid_until_)) return cached_;
  if (connection_.exec) {
    CO_ASSIGN_OR_RETURN(ExecCredential credential, RunExecPlugin(*connection_.exec, connection_));
    cached_ = std::move(credential.token);
    valid_until_.reset();
    if (credential.expiration) valid_until_ = *credential.expiration - kExpiryMargin;
    return cached_;
  }
  if (!connection_.token_file.empty()) {
    CO_ASSIGN_OR_RETURN(cached_, ReadTokenFile(connection_.token_file));
    valid_until_ = now + kTokenFileRefresh;
    return cached_;
  }
  return connection_.token;
}

void BearerTokenSource::Invalidate() {
  std::lock_guard lock(mutex_);
  cached_.clear();
  valid_until_.reset();
}

}  // namespace cloudoptim
