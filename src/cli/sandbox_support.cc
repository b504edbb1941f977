#include "cli/sandbox_support.h"

#include <filesystem>
#include <random>
#include <set>
#include <sstream>
#include <string_view>

#include "cloudsim/aws_endpoint.h"
#include "common/file_replace.h"
#include "sandbox/scenario.h"

namespace cloudoptim::cli {

using sandbox::NodeGroupSpec;
using sandbox::OrphanSpec;
using sandbox::Scenario;
using sandbox::VolumeSpec;

std::string FindDefaultScenario() {
  std::vector<std::filesystem::path> candidates = {"scenarios/default.yaml"};
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.root_path();
         dir = dir.parent_path()) {
      candidates.push_back(dir / "scenarios/default.yaml");
    }
  }
  candidates.emplace_back("/usr/share/cloudoptim/scenarios/default.yaml");
  for (const auto& path : candidates) {
    if (std::filesystem::exists(path, ec)) return path.string();
  }
  return "";
}

std::vector<std::string> ScenarioZones(const Scenario& scenario) {
  std::set<std::string> zones;
  for (const NodeGroupSpec& g : scenario.node_groups) zones.insert(g.zones.begin(), g.zones.end());
  for (const OrphanSpec& o : scenario.orphans) zones.insert(o.zone);
  for (const VolumeSpec& v : scenario.volumes) zones.insert(v.zone);
  if (scenario.generate.nodes > 0) {
    for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) zones.insert(zone);
  }
  zones.erase("");
  return {zones.begin(), zones.end()};
}

std::string RandomToken() {
  std::random_device random;
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string token;
  for (int i = 0; i < 40; ++i) token.push_back(kAlphabet[random() % kAlphabet.size()]);
  return token;
}

Status WriteSandboxEnv(const std::string& path, const AwsEndpoint& endpoint,
                       const std::string& region) {
  // Renamed into place once complete: a reader that waits for the file never sees half of it.
  std::ostringstream out;
  out << "AWS_ENDPOINT_URL=" << endpoint.url() << "\n"
      << "CLOUDOPTIM_QUEUE_URL=" << endpoint.QueueUrl() << "\n"
      << "AWS_REGION=" << region << "\n"
      << "AWS_DEFAULT_REGION=" << region << "\n"  // what AWS CLI v1 reads
      << "AWS_ACCESS_KEY_ID=AKIDEXAMPLE\n"
      << "AWS_SECRET_ACCESS_KEY=sandbox-secret\n";
  Status written = ReplaceFileContents(path, out.str());
  if (!written) return Unavailable("sandbox.env: " + written.error().message);
  return Ok();
}

}  // namespace cloudoptim::cli
