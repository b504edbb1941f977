// Where the AWS client gets its settings, resolved the way the AWS CLI and SDKs do: flags,
// then environment variables, then the shared `config`/`credentials` files (profiles).
// Covers region, profile, endpoint overrides (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>,
// `endpoint_url` and `services` sections in the config file) and the role to assume.
//
//   Result<AwsConfig> config = LoadAwsConfig({.region = flag_region}, ProcessEnvironment());
//   ServiceEndpoint ec2 = config->Endpoint("ec2");   // {url, signing region, signing name}
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/error.h"

namespace cloudoptim::aws {

using Environment = std::map<std::string, std::string, std::less<>>;
// The process environment (only the variables the AWS client reads, plus HOME).
Environment ProcessEnvironment();
// The variable's value; "" when it is not set.
std::string EnvironmentValue(const Environment& environment, std::string_view name);

// Settings given on the command line; empty means "not given".
struct AwsOptions {
  std::string profile;
  std::string region;
  std::string endpoint_url;  // for every service, like the CLI's --endpoint-url
  std::string role_arn;      // the customer's role CloudOptim assumes
  std::string external_id;   // required by that role's trust policy
  std::string role_session_name = "cloudoptim";
};

// An INI section: key -> value. Nested keys (the indented lines under "ec2 =" in a
// `services` section) are stored as "ec2.endpoint_url".
using IniSection = std::map<std::string, std::string, std::less<>>;
using IniFile = std::map<std::string, IniSection, std::less<>>;
// Parses the AWS shared-file INI dialect: [section], key = value, # and ; comments,
// indented sub-keys. InvalidArgument naming the line on malformed input.
Result<IniFile> ParseIni(std::string_view text, std::string_view file_name);

struct ServiceEndpoint {
  std::string url;             // "https://ec2.us-east-1.amazonaws.com"
  std::string signing_region;  // "us-east-1"
  std::string signing_name;    // SigV4 service name: "ec2", "sqs", "sts", "pricing", "events"
};

struct AwsConfig {
  std::string region;
  std::string profile_name;  // "default" unless chosen
  // Keys of the chosen profile: config-file values overlaid with credentials-file values.
  IniSection profile;
  // All profiles, for role chains (source_profile) to look up.
  IniFile config_profiles;       // by profile name, "profile " prefix removed
  IniFile credentials_profiles;  // by profile name
  IniFile services_sections;     // [services NAME] sections by NAME
  Environment environment;
  AwsOptions options;

  // Endpoint for a service id ("ec2", "sqs", "sts", "pricing", "events"); precedence:
  // --endpoint-url, AWS_ENDPOINT_URL_<ID>, AWS_ENDPOINT_URL, the profile's services section,
  // the profile's endpoint_url, then the public AWS endpoint. The Price List API lives only
  // in us-east-1 (and a few others), so "pricing" defaults there.
  ServiceEndpoint Endpoint(std::string_view service) const;
  // A key of profile `name` (credentials file first), or empty.
  std::string ProfileValue(std::string_view name, std::string_view key) const;
};

// Reads the files named by AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE (default
// $HOME/.aws/config and credentials; missing files are fine). InvalidArgument when a profile
// chosen explicitly (flag or AWS_PROFILE) exists in neither file, or when no region is found.
Result<AwsConfig> LoadAwsConfig(const AwsOptions& options, const Environment& environment);

}  // namespace cloudoptim::aws
