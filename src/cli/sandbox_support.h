// What `cloudoptim sandbox` and `cloudoptim demo` both need to bring a sandbox up: the shipped
// default scenario, the zones of its simulated account, bearer tokens and sandbox.env.
//
//   std::string path = FindDefaultScenario();   // "" when not found
//   std::vector<std::string> zones = ScenarioZones(scenario);
#pragma once

#include <string>
#include <vector>

#include "common/error.h"

namespace cloudoptim {
class AwsEndpoint;
namespace sandbox {
struct Scenario;
}
}  // namespace cloudoptim

namespace cloudoptim::cli {

// The default scenario ships in the source tree (scenarios/default.yaml); found next to the
// working directory, relative to the binary in a build tree, or where a package installs it.
std::string FindDefaultScenario();

// The account's zones: every zone the scenario names, plus the generator's.
std::vector<std::string> ScenarioZones(const sandbox::Scenario& scenario);

// 40 random lowercase letters and digits: a bearer token for the sandbox's API.
std::string RandomToken();

// What a shell (or CloudOptim itself) needs to reach the simulated account:
// `set -a; . sandbox.env; set +a; aws ec2 describe-instances`.
Status WriteSandboxEnv(const std::string& path, const AwsEndpoint& endpoint,
                       const std::string& region);

}  // namespace cloudoptim::cli
