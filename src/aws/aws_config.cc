#include "aws/aws_config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cloudoptim::aws {
namespace {

constexpr const char* kEnvironmentNames[] = {
    "HOME",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_EC2",
    "AWS_ENDPOINT_URL_SQS",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_PRICING",
    "AWS_ENDPOINT_URL_EVENTBRIDGE",
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Reads a whole file; a missing file is an empty one (the CLI behaves the same).
Result<IniFile> ReadIniFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return IniFile{};
  std::stringstream text;
  text << in.rdbuf();
  return ParseIni(text.str(), path);
}

// The services-section id of a service: AWS_ENDPOINT_URL_<ID> and `services` keys use the
// SDK service id ("eventbridge" for events).
std::string ServiceId(std::string_view service) {
  return service == "events" ? "eventbridge" : std::string(service);
}

}  // namespace

// Environment and IniSection are the same map type.
std::string EnvironmentValue(const Environment& environment, std::string_view name) {
  auto it = environment.find(name);
  return it == environment.end() ? std::string() : it->second;
}

Environment ProcessEnvironment() {
  Environment env;
  for (const char* name : kEnvironmentNames) {
    if (const char* value = std::getenv(name); value != nullptr) env[name] = value;
  }
  return env;
}

Result<IniFile> ParseIni(std::string_view text, std::string_view file_name) {
  IniFile file;
  IniSection* section = nullptr;
  std::string parent_key;  // a "key =" with no value opens indented sub-keys
  size_t line_number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (line.front() == '[') {
      if (line.back() != ']') {
        return InvalidArgument(std::string(file_name) + ":" + std::to_string(line_number) +
                               ": section header \"" + std::string(line) + "\" lacks ']'");
      }
      section = &file[std::string(Trim(line.substr(1, line.size() - 2)))];
      parent_key.clear();
      continue;
    }
    const size_t eq = line.find('=');
    if (section == nullptr || eq == std::string_view::npos) {
      return InvalidArgument(std::string(file_name) + ":" + std::to_string(line_number) +
                             ": expected \"key = value\" inside a [section], got \"" +
                             std::string(line) + "\"");
    }
    std::string key(Trim(line.substr(0, eq)));
    std::string value(Trim(line.substr(eq + 1)));
    if (indented && !parent_key.empty()) {
      (*section)[parent_key + "." + key] = value;
      continue;
    }
    parent_key = value.empty() ? key : std::string();
    (*section)[key] = value;
  }
  return file;
}

std::string AwsConfig::ProfileValue(std::string_view name, std::string_view key) const {
  if (auto it = credentials_profiles.find(name); it != credentials_profiles.end()) {
    if (std::string value = EnvironmentValue(it->second, key); !value.empty()) return value;
  }
  if (auto it = config_profiles.find(name); it != config_profiles.end()) {
    return EnvironmentValue(it->second, key);
  }
  return {};
}

ServiceEndpoint AwsConfig::Endpoint(std::string_view service) const {
  const std::string id = ServiceId(service);
  std::string upper = id;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  ServiceEndpoint endpoint{.signing_region = region, .signing_name = std::string(service)};
  if (service == "pricing") endpoint.signing_region = "us-east-1";

  std::string url = options.endpoint_url;
  if (url.empty()) url = EnvironmentValue(environment, "AWS_ENDPOINT_URL_" + upper);
  if (url.empty()) url = EnvironmentValue(environment, "AWS_ENDPOINT_URL");
  if (url.empty()) {
    const std::string services_name = EnvironmentValue(profile, "services");
    if (auto it = services_sections.find(services_name); it != services_sections.end()) {
      url = EnvironmentValue(it->second, id + ".endpoint_url");
    }
  }
  if (url.empty()) url = EnvironmentValue(profile, "endpoint_url");
  if (url.empty()) {
    url = service == "pricing"
              ? "https://api.pricing.us-east-1.amazonaws.com"
              : "https://" + std::string(service) + "." + region + ".amazonaws.com";
  }
  while (url.ends_with('/')) url.pop_back();
  endpoint.url = url;
  return endpoint;
}

Result<AwsConfig> LoadAwsConfig(const AwsOptions& options, const Environment& environment) {
  AwsConfig config{.environment = environment, .options = options};
  const std::string home = EnvironmentValue(environment, "HOME");
  std::string config_path = EnvironmentValue(environment, "AWS_CONFIG_FILE");
  if (config_path.empty() && !home.empty()) config_path = home + "/.aws/config";
  std::string credentials_path = EnvironmentValue(environment, "AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_path.empty() && !home.empty()) credentials_path = home + "/.aws/credentials";

  CO_ASSIGN_OR_RETURN(IniFile config_file, ReadIniFile(config_path));
  CO_ASSIGN_OR_RETURN(config.credentials_profiles, ReadIniFile(credentials_path));
  for (auto& [name, section] : config_file) {
    if (name == "default") {
      config.config_profiles[name] = section;
    } else if (name.starts_with("profile ")) {
      config.config_profiles[std::string(Trim(name.substr(8)))] = section;
    } else if (name.starts_with("services ")) {
      config.services_sections[std::string(Trim(name.substr(9)))] = section;
    }
  }

  std::string profile = options.profile;
  if (profile.empty()) profile = EnvironmentValue(environment, "AWS_PROFILE");
  if (profile.empty()) profile = EnvironmentValue(environment, "AWS_DEFAULT_PROFILE");
  const bool chosen = !profile.empty();
  if (!chosen) profile = "default";
  config.profile_name = profile;
  if (chosen && !config.config_profiles.contains(profile) &&
      !config.credentials_profiles.contains(profile)) {
    return InvalidArgument("AWS profile \"" + profile + "\" is in neither " + config_path +
                           " nor " + credentials_path);
  }
  if (auto it = config.config_profiles.find(profile); it != config.config_profiles.end()) {
    config.profile = it->second;
  }
  if (auto it = config.credentials_profiles.find(profile);
      it != config.credentials_profiles.end()) {
    for (const auto& [key, value] : it->second) config.profile[key] = value;
  }

  config.region = options.region;
  if (config.region.empty()) config.region = EnvironmentValue(environment, "AWS_REGION");
  if (config.region.empty()) config.region = EnvironmentValue(environment, "AWS_DEFAULT_REGION");
  if (config.region.empty()) config.region = EnvironmentValue(config.profile, "region");
  if (config.region.empty()) {
    return InvalidArgument(
        "no AWS region: pass --region, set AWS_REGION, or set region in "
        "profile \"" +
        profile + "\"");
  }
  return config;
}

}  // namespace cloudoptim::aws
