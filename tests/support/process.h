// Test support for integration tests that run real peers: start a child process (the
// cloudoptim binary, moto_server, postgres, kubectl), find a free loopback port, wait for a
// port to accept connections, and run a command capturing its output.
//
//   int port = FreeLoopbackPort();
//   ChildProcess moto = ChildProcess::Start({"moto_server", "-p", std::to_string(port)});
//   ASSERT_TRUE(WaitForPort(port, std::chrono::seconds(20)));
//   CommandResult r = RunCommand({"kubectl", "--kubeconfig", path, "get", "nodes"});
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace cloudoptim::testing {

class ChildProcess {
 public:
  ChildProcess() = default;
  // Starts argv[0] (looked up in PATH) with the extra environment variables; stdout and
  // stderr go to `log_path` (or /dev/null when empty). Aborts the test binary on failure.
  static ChildProcess Start(const std::vector<std::string>& argv,
                            const std::map<std::string, std::string>& extra_env = {},
                            const std::string& log_path = "");
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Sends SIGTERM, waits up to 5 s, then SIGKILL.
  ~ChildProcess();

  int pid() const { return pid_; }
  bool IsRunning();
  void Signal(int signal_number);
  // Waits for exit; returns the exit code (128 + signal when killed), or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);
  void Stop();

 private:
  int pid_ = -1;
  int exit_code_ = -1;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};

// Runs a command to completion (killed after `timeout`), capturing its output.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& extra_env = {},
                         std::chrono::seconds timeout = std::chrono::seconds(120),
                         const std::string& stdin_text = "");

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();
// True once something accepts TCP connections on 127.0.0.1:port.
bool WaitForPort(int port, std::chrono::milliseconds timeout);
// A fresh directory under $TMPDIR (or /tmp), removed by the caller if it wishes.
std::string MakeTempDirectory(const std::string& prefix);
std::string ReadFileOrEmpty(const std::string& path);
// The `key=value` lines of a text (the demo's ready block, sandbox.env); other lines skipped.
std::map<std::string, std::string> ParseKeyValueLines(const std::string& text);

}  // namespace cloudoptim::testing
