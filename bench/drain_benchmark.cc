// How fast DrainNode issues the evictions of a full node: a sandbox cluster (in process,
// served over HTTPS on loopback exactly as `cloudoptim sandbox` serves it) with one node
// running 30 pods of a Deployment; the real Kubernetes client (KubeClusterApi over libcurl)
// cordons it and evicts every pod through the Eviction subresource. Figure: time from the
// start of DrainNode until every eviction was issued (target: 30 pods within 2 s), over
// several rounds (the node is uncordoned and refilled between rounds).
//
//   drain_benchmark [rounds=10] [pods=30] [parallelism=8]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "execute/drain.h"
#include "kube/cluster_connection.h"
#include "kube/kube_cluster_api.h"
#include "kube/kube_rest_client.h"
#include "sandbox/access_policy.h"
#include "sandbox/api_handlers.h"
#include "sandbox/api_server.h"
#include "sandbox/kubeconfig_writer.h"
#include "sandbox/sandbox_cluster.h"
#include "sandbox/scenario.h"
#include "sandbox/simulated_clock.h"
#include "sandbox/tls_identity.h"

using namespace cloudoptim;
using namespace cloudoptim::sandbox;

namespace {

std::string ScenarioText(int pods) {
  return "cluster: {name: drain-bench, region: us-east-1}\n"
         "nodeGroups:\n"
         "- {name: big, instanceTypes: [m5.4xlarge], zones: [us-east-1a], capacityType: "
         "on-demand, count: 1}\n"
         "workloads:\n"
         "- name: web\n"
         "  replicas: " +
         std::to_string(pods) +
         "\n"
         "  terminationGracePeriodSeconds: 0\n"
         "  containers:\n"
         "  - {name: web, requests: {cpu: 50m, memory: 64Mi}}\n";
}

int RunningOn(ClusterApi& api, const std::string& node) {
  Snapshot listed;
  if (!api.List(ClusterResource::kPods, {}, &listed)) return -1;
  return static_cast<int>(std::count_if(listed.pods.begin(), listed.pods.end(), [&](const Pod& p) {
    return p.node_name == node && p.phase == PodPhase::kRunning && !p.IsDaemonSetPod();
  }));
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 10;
  const int pods = argc > 2 ? std::atoi(argv[2]) : 30;
  const int parallelism = argc > 3 ? std::atoi(argv[3]) : 8;
  SimulatedClock clock(std::chrono::system_clock::now(), 60.0);
  SandboxCluster cluster(&clock, {.seed = 1, .region = "us-east-1"});
  Result<Scenario> scenario = ParseScenario(ScenarioText(pods));
  if (!scenario || !ApplyScenario(*scenario, &cluster)) {
    std::fprintf(stderr, "scenario failed\n");
    return 1;
  }
  Result<TlsIdentity> tls = TlsIdentity::Generate("drain-bench");
  AccessPolicy policy;
  policy.AddToken("bench", {"bench", {{{"*"}, {"*"}, {"*"}}}});
  ApiHandlers handlers(&cluster.store(), &clock, &cluster);
  ApiServer server(&cluster.store(), &handlers, &policy, &*tls, &clock);
  Result<int> port = server.Start(0);
  if (!tls || !port) return 1;
  const std::string kubeconfig =
      (std::filesystem::temp_directory_path() / "drain-bench.kubeconfig").string();
  if (!WriteKubeconfig(kubeconfig, "https://127.0.0.1:" + std::to_string(*port), tls->ca_pem(),
                       {{"admin", "bench"}})) {
    return 1;
  }
  cluster.StartLoop(std::chrono::milliseconds(50));
  SystemClock system_clock;
  Result<ClusterConnection> connection = LoadKubeconfig({.explicit_path = kubeconfig});
  if (!connection) return 1;
  KubeClusterApi api(KubeRestClient::Create(*connection, system_clock));
  Snapshot nodes;
  if (!api.List(ClusterResource::kNodes, {}, &nodes) || nodes.nodes.empty()) return 1;
  const std::string node = nodes.nodes.front().meta.name;

  std::vector<double> issued_ms;
  std::vector<double> gone_ms;
  for (int round = 0; round < rounds; ++round) {
    (void)api.SetUnschedulable(node, false, {});
    for (int i = 0; i < 600 && RunningOn(api, node) < pods; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (RunningOn(api, node) < pods) {
      std::fprintf(stderr, "round %d: only %d pods running on %s\n", round, RunningOn(api, node),
                   node.c_str());
      return 1;
    }
    DrainOptions options;
    options.deadline = std::chrono::seconds(60);
    options.parallelism = parallelism;
    options.poll_interval = std::chrono::milliseconds(20);
    DrainReport report = DrainNode(api, node, options, system_clock);
    if (!report.Complete()) {
      std::fprintf(stderr, "round %d: %s\n", round, report.Summary().c_str());
      return 1;
    }
    issued_ms.push_back(
        std::chrono::duration<double, std::milli>(report.evictions_issued_after).count());
    gone_ms.push_back(std::chrono::duration<double, std::milli>(report.elapsed).count());
  }
  cluster.StopLoop();
  server.Stop();
  std::sort(issued_ms.begin(), issued_ms.end());
  std::sort(gone_ms.begin(), gone_ms.end());
  std::printf("drain of a %d-pod node over HTTPS on loopback (parallelism %d, %d rounds)\n", pods,
              parallelism, rounds);
  std::printf("all evictions issued: median %.1f ms, max %.1f ms (target <= 2000 ms)\n",
              issued_ms[issued_ms.size() / 2], issued_ms.back());
  std::printf("cordon + evictions + pods gone: median %.1f ms, max %.1f ms\n",
              gone_ms[gone_ms.size() / 2], gone_ms.back());
  return issued_ms.back() <= 2000 ? 0 : 1;
}
