// Each setting is one row of kSettings: its key and how to apply a text value. The three
// sources all reduce to (key, text, origin) triples applied in precedence order, so a value
// is validated the same way whichever source gave it, and errors name the same key.
#include "controlplane/control_plane_config.h"

#include <unistd.h>

#include <cctype>
#include <charconv>
#include <filesystem>
#include <functional>

#include <yaml-cpp/yaml.h>

extern char** environ;

namespace cloudoptim::controlplane {
namespace {

using Setter = std::function<Status(std::string_view value, ControlPlaneConfig* config)>;

struct Setting {
  std::string key;
  Setter apply;
};

Setter StringSetter(std::string ControlPlaneConfig::*field) {
  return [field](std::string_view value, ControlPlaneConfig* config) -> Status {
    config->*field = std::string(value);
    return Ok();
  };
}

Setter DurationSetter(std::chrono::seconds ControlPlaneConfig::*field) {
  return [field](std::string_view value, ControlPlaneConfig* config) -> Status {
    CO_ASSIGN_OR_RETURN(std::chrono::seconds parsed, ParseDuration(value));
    if (parsed.count() <= 0) return InvalidArgument("must be longer than 0s");
    config->*field = parsed;
    return Ok();
  };
}

Status SetPort(std::string_view value, ControlPlaneConfig* config) {
  int port = -1;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
  if (ec != std::errc() || end != value.data() + value.size() || port < 0 || port > 65535) {
    return InvalidArgument("is not a port number (0-65535)");
  }
  config->core_port = port;
  return Ok();
}

Status SetStoreUrl(std::string_view value, ControlPlaneConfig* config) {
  if (value.empty()) return InvalidArgument("must not be empty");
  bool known = value.starts_with("sqlite://") || value.starts_with("postgres://") ||
               value.starts_with("postgresql://");
  if (!known) return InvalidArgument("is not a sqlite:// or postgres:// URL");
  config->store_url = std::string(value);
  return Ok();
}

Status SetMlServerUrl(std::string_view value, ControlPlaneConfig* config) {
  if (!value.empty() && !value.starts_with("http://") && !value.starts_with("https://")) {
    return InvalidArgument("is not an http:// or https:// URL");
  }
  config->ml_server_url = std::string(value);
  while (config->ml_server_url.ends_with('/')) config->ml_server_url.pop_back();
  return Ok();
}

Status SetLogLevel(std::string_view value, ControlPlaneConfig* config) {
  for (std::string_view level : {"trace", "debug", "info", "warn", "error"}) {
    if (value == level) {
      config->log_level = std::string(value);
      return Ok();
    }
  }
  return InvalidArgument("is not one of trace, debug, info, warn, error");
}

Status SetLogFormat(std::string_view value, ControlPlaneConfig* config) {
  if (value == "text") {
    config->log_format = LogFormat::kText;
  } else if (value == "json") {
    config->log_format = LogFormat::kJson;
  } else {
    return InvalidArgument("is not one of text, json");
  }
  return Ok();
}

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> kSettings = {
      {"store_url", SetStoreUrl},
      {"master_key_file", StringSetter(&ControlPlaneConfig::master_key_file)},
      {"bind_address", StringSetter(&ControlPlaneConfig::bind_address)},
      {"core_port", SetPort},
      {"ml_server_url", SetMlServerUrl},
      {"ml_server_token", StringSetter(&ControlPlaneConfig::ml_server_token)},
      {"engine_interval", DurationSetter(&ControlPlaneConfig::engine_interval)},
      {"snapshot_resync", DurationSetter(&ControlPlaneConfig::snapshot_resync)},
      {"operator_key", StringSetter(&ControlPlaneConfig::operator_key)},
      {"log_level", SetLogLevel},
      {"log_format", SetLogFormat},
  };
  return kSettings;
}

const Setting* FindSetting(std::string_view key) {
  for (const Setting& setting : Settings()) {
    if (setting.key == key) return &setting;
  }
  return nullptr;
}

Status Apply(const Setting& setting, std::string_view value, std::string_view origin,
             ControlPlaneConfig* config) {
  Status applied = setting.apply(value, config);
  if (applied) return Ok();
  bool secret = setting.key == "operator_key" || setting.key == "ml_server_token";
  std::string shown = secret ? "<hidden>" : std::string(value);
  return InvalidArgument(setting.key + ": \"" + shown + "\" " + applied.error().message +
                         " (from " + std::string(origin) + ")");
}

Status ApplyFile(const std::string& path, ControlPlaneConfig* config) {
  if (!std::filesystem::exists(path)) return NotFound("config file " + path + " does not exist");
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ": not valid YAML: " + e.what());
  }
  if (root.IsNull()) return Ok();
  if (!root.IsMap()) return InvalidArgument(path + ": the top level must be a mapping of keys");
  for (const auto& entry : root) {
    std::string key = entry.first.as<std::string>();
    const Setting* setting = FindSetting(key);
    if (setting == nullptr) {
      return InvalidArgument(key + ": unknown setting (from " + path + ")");
    }
    if (!entry.second.IsScalar()) {
      return InvalidArgument(key + ": must be a single value (from " + path + ")");
    }
    CO_RETURN_IF_ERROR(Apply(*setting, entry.second.Scalar(), path, config));
  }
  return Ok();
}

}  // namespace

Result<std::chrono::seconds> ParseDuration(std::string_view text) {
  auto bad = [&] { return InvalidArgument("is not a duration like 90s, 10m or 1h"); };
  if (text.empty()) return bad();
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    int64_t number = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), number);
    if (ec != std::errc() || number < 0) return bad();
    i = end - text.data();
    int64_t unit = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 's':
          unit = 1;
          break;
        case 'm':
          unit = 60;
          break;
        case 'h':
          unit = 3600;
          break;
        default:
          return bad();
      }
      ++i;
    } else if (total != 0) {
      return bad();  // "1h30": a trailing number without its unit
    }
    total += number * unit;
  }
  return std::chrono::seconds(total);
}

const std::vector<std::string>& ControlPlaneConfigKeys() {
  static const std::vector<std::string> kKeys = [] {
    std::vector<std::string> keys;
    for (const Setting& setting : Settings()) keys.push_back(setting.key);
    return keys;
  }();
  return kKeys;
}

std::string EnvironmentVariableOf(std::string_view key) {
  std::string name = "CLOUDOPTIM_";
  for (char c : key) name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return name;
}

std::string FlagOf(std::string_view key) {
  std::string flag = "--";
  for (char c : key) flag.push_back(c == '_' ? '-' : c);
  return flag;
}

Result<ControlPlaneConfig> LoadControlPlaneConfig(const ConfigSources& sources) {
  ControlPlaneConfig config;
  if (!sources.file.empty()) CO_RETURN_IF_ERROR(ApplyFile(sources.file, &config));
  for (const Setting& setting : Settings()) {
    std::string variable = EnvironmentVariableOf(setting.key);
    auto it = sources.environment.find(variable);
    if (it == sources.environment.end()) continue;
    CO_RETURN_IF_ERROR(Apply(setting, it->second, "environment " + variable, &config));
  }
  for (const auto& [key, value] : sources.flags) {
    const Setting* setting = FindSetting(key);
    if (setting == nullptr) return InvalidArgument(key + ": unknown setting (from flags)");
    CO_RETURN_IF_ERROR(Apply(*setting, value, "flag " + FlagOf(key), &config));
  }
  return config;
}

std::map<std::string, std::string> ProcessEnvironmentVariables() {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    if (!text.starts_with("CLOUDOPTIM_")) continue;
    size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    variables.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  return variables;
}

Result<store::SecretBox> LoadMasterKey(const ControlPlaneConfig& config,
                                       const std::map<std::string, std::string>& environment) {
  if (!config.master_key_file.empty()) {
    Result<store::SecretBox> box = store::SecretBox::FromFile(config.master_key_file);
    if (!box) return std::unexpected(Annotate(box.error(), "master_key_file"));
    return box;
  }
  auto it = environment.find(store::SecretBox::kEnvironmentVariable);
  if (it != environment.end()) {
    Result<store::SecretBox> box = store::SecretBox::FromText(it->second);
    if (!box) {
      return std::unexpected(Annotate(box.error(), store::SecretBox::kEnvironmentVariable));
    }
    return box;
  }
  return FailedPrecondition(
      "no master key to seal cluster credentials: set master_key_file (or "
      "CLOUDOPTIM_MASTER_KEY_FILE) to a file holding 64 hex digits, or put the key itself in "
      "CLOUDOPTIM_MASTER_KEY (`openssl rand -hex 32` makes one)");
}

}  // namespace cloudoptim::controlplane
