// The sandbox at EKS's large end: a generated 5,000-node / 150,000-pod cluster served over
// HTTPS, a full paginated list of pods (limit=500) as kubectl and CloudOptim's client do it,
// one control-loop tick on the whole cluster, and the process's peak RSS (must stay < 4 GiB).
//
//   build/release/bench/sandbox_benchmark [nodes] [pods]
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "sandbox/access_policy.h"
#include "sandbox/api_handlers.h"
#include "sandbox/api_server.h"
#include "sandbox/sandbox_cluster.h"
#include "sandbox/scenario.h"
#include "sandbox/simulated_clock.h"
#include "sandbox/tls_identity.h"

namespace {

using namespace cloudoptim;
using namespace cloudoptim::sandbox;
using Seconds = std::chrono::duration<double>;

// Peak resident set size of this process, from the kernel's high-water mark.
double PeakRssMib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') {
      out.push_back(c);
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof(buffer), "%%%02X", static_cast<unsigned char>(c));
      out += buffer;
    }
  }
  return out;
}

double Since(std::chrono::steady_clock::time_point start) {
  return Seconds(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int32_t nodes = argc > 1 ? std::atoi(argv[1]) : 5000;
  int32_t pods = argc > 2 ? std::atoi(argv[2]) : 150000;
  SimulatedClock clock(std::chrono::system_clock::now(), 1.0);
  SandboxCluster cluster(&clock, {.seed = 1});

  auto start = std::chrono::steady_clock::now();
  Status generated = GenerateCluster({.nodes = nodes, .pods = pods}, 1, &cluster);
  if (!generated) {
    std::cerr << generated.error().ToString() << "\n";
    return 1;
  }
  double generate_seconds = Since(start);

  start = std::chrono::steady_clock::now();
  cluster.Tick();
  double first_tick_seconds = Since(start);
  start = std::chrono::steady_clock::now();
  cluster.Tick();
  double steady_tick_seconds = Since(start);

  // Scheduling into the full cluster: 1,000 new pods (100 Deployments scaled by 10), bound by
  // the shared simulator (src/scheduling) whose picture of 150,000 bound pods is built once;
  // then 1,000 more, which must be incremental (no second rebuild).
  auto scale_up = [&](size_t first) {
    std::vector<nlohmann::json> deployments = cluster.store().ParsedAll("deployments.apps");
    for (size_t i = first; i < first + 100 && i < deployments.size(); ++i) {
      const nlohmann::json& d = deployments[i];
      (void)cluster.store().Mutate(
          "deployments.apps", d["metadata"]["namespace"].get<std::string>(),
          d["metadata"]["name"].get<std::string>(), [](nlohmann::json& o) -> Status {
            o["spec"]["replicas"] = o["spec"].value("replicas", 0) + 10;
            return Ok();
          });
    }
  };
  auto pending = [&] {
    int64_t n = 0;
    cluster.pod_index().ForEach([&](const PodRecord& p) { n += p.node_name.empty() ? 1 : 0; });
    return n;
  };
  scale_up(0);
  start = std::chrono::steady_clock::now();
  cluster.Tick();
  double first_schedule_seconds = Since(start);
  int64_t pending_after_first = pending();
  scale_up(100);
  start = std::chrono::steady_clock::now();
  cluster.Tick();
  double second_schedule_seconds = Since(start);
  int64_t pending_after_second = pending();

  Result<TlsIdentity> tls = TlsIdentity::Generate("bench");
  AccessPolicy policy;
  policy.AddToken("bench", {"bench", {{{"*"}, {"*"}, {"*"}}}});
  ApiHandlers handlers(&cluster.store(), &clock, &cluster);
  ApiServer server(&cluster.store(), &handlers, &policy, &*tls, &clock);
  Result<int> port = server.Start(0);
  if (!tls || !port) return 1;

  httplib::SSLClient client("127.0.0.1", *port);
  client.enable_server_certificate_verification(false);
  client.set_bearer_token_auth("bench");
  client.set_read_timeout(120, 0);
  start = std::chrono::steady_clock::now();
  std::string token;
  int64_t items = 0;
  int pages = 0;
  size_t bytes = 0;
  do {
    std::string path = "/api/v1/pods?limit=500";
    if (!token.empty()) path += "&continue=" + UrlEncode(token);
    auto response = client.Get(path.c_str());
    if (!response || response->status != 200) {
      std::cerr << "list failed at page " << pages << "\n";
      return 1;
    }
    bytes += response->body.size();
    nlohmann::json page = nlohmann::json::parse(response->body);
    items += static_cast<int64_t>(page["items"].size());
    token = page["metadata"].value("continue", "");
    ++pages;
  } while (!token.empty());
  double list_seconds = Since(start);
  server.Stop();

  std::printf("sandbox scale: %d nodes, %d pods (generated in %.1f s)\n", nodes, pods,
              generate_seconds);
  std::printf("control-loop tick over the whole cluster: first %.2f s, steady %.3f s\n",
              first_tick_seconds, steady_tick_seconds);
  std::printf(
      "tick scheduling 1,000 new pods into the full cluster: first %.2f s (builds the simulator's "
      "picture), next 1,000 %.2f s; %lld + %lld left pending; %lld rebuild(s)\n",
      first_schedule_seconds, second_schedule_seconds, static_cast<long long>(pending_after_first),
      static_cast<long long>(pending_after_second),
      static_cast<long long>(cluster.scheduler().rebuilds()));
  std::printf(
      "paginated list of pods over HTTPS (limit=500): %lld items in %d pages, %.1f MB, %.2f s\n",
      static_cast<long long>(items), pages, bytes / 1e6, list_seconds);
  std::printf("peak RSS: %.0f MiB (limit 4096 MiB)\n", PeakRssMib());
  return items == pods + 2000 ? 0 : 1;
}
