// The sandbox at EKS's large end: a generated 5,000-node / 150,000-pod cluster served over
// HTTPS, a full paginated list of pods (limit=500) as kubectl and CloudOptim's client do it,
// one control-loop tick on the whole cluster, and the process's peak RSS (must stay < 4 GiB).
//
//   build/release/bench/sandbox_benchmark [nodes] [pods]
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "sandbox/access_policy.h"
#include "sandbox/api_handlers.h"
#include "sandbox/api_server.h"
#include "sandbox/sandbox_cluster.h"
#include "sandbox/sandbox_scheduler.h"
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

// CPU time of this thread: the controllers, scheduler and kubelets of a tick run on it, so
// this figure does not grow with other processes' load the way wall time does.
double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
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
  double cpu_start = ThreadCpuSeconds();
  cluster.Tick();
  double first_tick_seconds = Since(start);
  double first_tick_cpu = ThreadCpuSeconds() - cpu_start;
  start = std::chrono::steady_clock::now();
  cluster.Tick();
  double steady_tick_seconds = Since(start);

  // The scheduler alone (a second SandboxScheduler over the same store and index): 1,000
  // bare pending pods bound by the shared simulator (src/scheduling), whose picture of the
  // 150,000 bound pods is built once; then 1,000 more, bound incrementally (no rebuild).
  SandboxScheduler scheduler(&cluster.store(), &cluster.pod_index());
  auto add_pending = [&](int first) {
    for (int i = first; i < first + 1000; ++i) {
      nlohmann::json container = {
          {"name", "app"}, {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}}}};
      (void)cluster.store().Create(
          "pods",
          {{"apiVersion", "v1"},
           {"kind", "Pod"},
           {"metadata", {{"name", "pending-" + std::to_string(i)}, {"namespace", "default"}}},
           {"spec", {{"containers", {container}}}},
           {"status", {{"phase", "Pending"}}}});
    }
  };
  add_pending(0);
  start = std::chrono::steady_clock::now();
  cpu_start = ThreadCpuSeconds();
  int bound_first = scheduler.SchedulePending(clock.Now());
  double schedule_first_seconds = Since(start);
  double schedule_first_cpu = ThreadCpuSeconds() - cpu_start;
  add_pending(1000);
  start = std::chrono::steady_clock::now();
  cpu_start = ThreadCpuSeconds();
  int bound_second = scheduler.SchedulePending(clock.Now());
  double schedule_second_seconds = Since(start);
  double schedule_second_cpu = ThreadCpuSeconds() - cpu_start;

  // The whole loop: 100 Deployments scaled by 10 (controllers, scheduler, kubelets).
  std::vector<nlohmann::json> deployments = cluster.store().ParsedAll("deployments.apps");
  for (size_t i = 0; i < 100 && i < deployments.size(); ++i) {
    const nlohmann::json& d = deployments[i];
    (void)cluster.store().Mutate("deployments.apps", d["metadata"]["namespace"].get<std::string>(),
                                 d["metadata"]["name"].get<std::string>(),
                                 [](nlohmann::json& o) -> Status {
                                   o["spec"]["replicas"] = o["spec"].value("replicas", 0) + 10;
                                   return Ok();
                                 });
  }
  start = std::chrono::steady_clock::now();
  cpu_start = ThreadCpuSeconds();
  cluster.Tick();
  double scale_tick_seconds = Since(start);
  double scale_tick_cpu = ThreadCpuSeconds() - cpu_start;
  int64_t unbound = 0;
  cluster.pod_index().ForEach([&](const PodRecord& p) { unbound += p.node_name.empty() ? 1 : 0; });

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
  std::printf(
      "control-loop tick over the whole cluster: first %.2f s (%.2f s CPU), steady %.3f s\n",
      first_tick_seconds, first_tick_cpu, steady_tick_seconds);
  std::printf(
      "scheduler, 1,000 pending pods into the full cluster: %.2f s (%.2f s CPU) with the picture "
      "built (%d bound), next 1,000 %.2f s (%.2f s CPU, %d bound); %lld rebuild(s)\n",
      schedule_first_seconds, schedule_first_cpu, bound_first, schedule_second_seconds,
      schedule_second_cpu, bound_second, static_cast<long long>(scheduler.rebuilds()));
  std::printf(
      "tick after scaling 100 Deployments by 10 (controllers + scheduler + kubelets): %.2f s "
      "(%.2f s CPU), %lld pods left unbound\n",
      scale_tick_seconds, scale_tick_cpu, static_cast<long long>(unbound));
  std::printf(
      "paginated list of pods over HTTPS (limit=500): %lld items in %d pages, %.1f MB, %.2f s\n",
      static_cast<long long>(items), pages, bytes / 1e6, list_seconds);
  std::printf("peak RSS: %.0f MiB (limit 4096 MiB)\n", PeakRssMib());
  return items == pods + 3000 ? 0 : 1;
}
