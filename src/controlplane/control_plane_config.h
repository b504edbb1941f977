// The control plane's settings, from a YAML file, then the environment (CLOUDOPTIM_*), then
// command-line flags: each layer overrides the one before, so a flag always wins. Every
// setting has one snake_case key used in all three forms (file key `engine_interval`,
// variable CLOUDOPTIM_ENGINE_INTERVAL, flag --engine-interval).
//
//   ConfigSources sources{.file = "/etc/cloudoptim/core.yaml",
//                         .environment = ProcessEnvironmentVariables(),
//                         .flags = {{"core_port", "9000"}}};
//   CO_ASSIGN_OR_RETURN(ControlPlaneConfig config, LoadControlPlaneConfig(sources));
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "store/secret_box.h"

namespace cloudoptim::controlplane {

enum class LogFormat { kText, kJson };

struct ControlPlaneConfig {
  // "sqlite:///abs/path.db", "sqlite://./rel.db" or "postgres://user:pw@host:5432/db".
  std::string store_url = "sqlite://./cloudoptim.db";
  // File with the master key that seals cluster credentials at rest; empty: the
  // CLOUDOPTIM_MASTER_KEY environment variable holds the key itself.
  std::string master_key_file;
  std::string bind_address = "127.0.0.1";
  int core_port = 8000;
  // Empty: the decision engines run in this process. Set ("http://ml:8001"): every cycle is
  // sent to that ML server instead.
  std::string ml_server_url;
  // Bearer token the ML server requires (its --token), empty when it requires none.
  std::string ml_server_token;
  std::chrono::seconds engine_interval = std::chrono::minutes(10);
  // Full relist of a cluster on top of its watches, to repair anything a watch missed.
  std::chrono::seconds snapshot_resync = std::chrono::minutes(30);
  // A service-wide operator key accepted by the API in addition to the stored keys.
  std::string operator_key;
  std::string log_level = "info";  // trace | debug | info | warn | error
  LogFormat log_format = LogFormat::kText;
};

// Where the settings come from. `environment` holds variables by name (only CLOUDOPTIM_*
// ones are read); `flags` holds the values of flags that were given, by setting key.
struct ConfigSources {
  std::string file;  // empty: no file
  std::map<std::string, std::string> environment;
  std::map<std::string, std::string> flags;
};

// InvalidArgument naming the key, the value and where it came from ("engine_interval: \"1x\"
// is not a duration like 90s, 10m or 1h (from /etc/co.yaml)") for a bad value or an unknown
// key in the file; NotFound when the file does not exist.
Result<ControlPlaneConfig> LoadControlPlaneConfig(const ConfigSources& sources);

// The keys, in the order the README's Configuration table lists them.
const std::vector<std::string>& ControlPlaneConfigKeys();
// "engine_interval" -> "CLOUDOPTIM_ENGINE_INTERVAL"; "engine_interval" -> "--engine-interval".
std::string EnvironmentVariableOf(std::string_view key);
std::string FlagOf(std::string_view key);

// "90s", "10m", "1h", "2h30m" or a number of seconds. InvalidArgument otherwise.
Result<std::chrono::seconds> ParseDuration(std::string_view text);

// The process environment's CLOUDOPTIM_* variables.
std::map<std::string, std::string> ProcessEnvironmentVariables();

// The master key: from `master_key_file` when set, else from CLOUDOPTIM_MASTER_KEY in
// `environment`. FailedPrecondition naming both places when neither is set.
Result<store::SecretBox> LoadMasterKey(const ControlPlaneConfig& config,
                                       const std::map<std::string, std::string>& environment);

}  // namespace cloudoptim::controlplane
