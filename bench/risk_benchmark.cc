// Risk scoring and the node-level engines at cluster scale: scores every spot pool of
// us-east-1 (each type × each zone offering it) from the shipped catalogue, then runs
// spot-optimize and node rightsizing on a generated 500-node, 7,500-pod cluster.
//
//   build/release/bench/risk_benchmark [repetitions=20]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/shipped_catalog_test_util.h"
#include "engines/rightsize_nodes.h"
#include "engines/spot_optimize.h"
#include "risk/region_scoring.h"

namespace cloudoptim {
namespace {

using Clock = std::chrono::steady_clock;

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// 500 nodes in five node groups of 100 (different types, three zones), 15 pods per node with
// requests drawn from a fixed pseudo-random sequence (100m-1500m CPU, 128Mi-3Gi memory), and a
// DaemonSet pod on every node.
Snapshot GenerateCluster() {
  const char* kTypes[] = {"m5.xlarge", "m5.2xlarge", "c5.2xlarge", "r5.xlarge", "m6i.4xlarge"};
  const char* kZones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
  Snapshot snapshot;
  snapshot.cluster_name = "bench";
  snapshot.region = "us-east-1";
  uint64_t seed = 42;
  auto next = [&](int64_t lo, int64_t hi) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + static_cast<int64_t>((seed >> 33) % static_cast<uint64_t>(hi - lo + 1));
  };
  for (int i = 0; i < 500; ++i) {
    Node node;
    node.meta.name = "node-" + std::to_string(i);
    node.meta.labels["eks.amazonaws.com/nodegroup"] = "group-" + std::to_string(i / 100);
    node.meta.labels["node.kubernetes.io/instance-type"] = kTypes[i / 100];
    node.meta.labels["topology.kubernetes.io/zone"] = kZones[i % 3];
    snapshot.nodes.push_back(node);
    for (int p = 0; p <= 15; ++p) {
      Pod pod;
      pod.meta.name = node.meta.name + "-pod-" + std::to_string(p);
      pod.meta.namespace_name = p == 0 ? "monitoring" : "app";
      pod.node_name = node.meta.name;
      pod.phase = PodPhase::kRunning;
      pod.meta.owner_references.push_back(
          {"apps/v1", p == 0 ? "DaemonSet" : "ReplicaSet", "owner", "", true});
      Container c;
      c.resources.requests.cpu_millis = p == 0 ? 100 : next(100, 1500) / 4;
      c.resources.requests.memory_bytes = (p == 0 ? 128 : next(128, 3072) / 4) * (1LL << 20);
      pod.containers.push_back(c);
      snapshot.pods.push_back(pod);
    }
  }
  return snapshot;
}

template <typename F>
std::vector<double> Time(int repetitions, F&& run) {
  std::vector<double> ms;
  run();  // warm-up
  for (int i = 0; i < repetitions; ++i) {
    const auto start = Clock::now();
    run();
    ms.push_back(Millis(Clock::now() - start));
  }
  std::sort(ms.begin(), ms.end());
  return ms;
}

void Print(const char* what, const std::vector<double>& ms) {
  std::printf("%-52s median %8.2f ms   min %8.2f ms   max %8.2f ms\n", what, ms[ms.size() / 2],
              ms.front(), ms.back());
}

}  // namespace
}  // namespace cloudoptim

int main(int argc, char** argv) {
  using namespace cloudoptim;
  const int repetitions = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
  const Catalog& catalog = ShippedCatalog();
  PoolScoreTable scores;
  const auto score_ms =
      Time(repetitions, [&] { scores = ScoreRegion(catalog, "us-east-1", RegionEvidence{}); });
  std::printf("us-east-1 pools scored: %zu\n", scores.size());
  Print("risk: score every us-east-1 pool (day zero)", score_ms);

  const Snapshot snapshot = GenerateCluster();
  const Policy policy;
  EngineInput input{
      .snapshot = snapshot, .policy = policy, .catalog = catalog, .pool_scores = &scores};
  Recommendations spot, rightsize;
  const auto spot_ms = Time(repetitions, [&] { spot = RunSpotOptimize(input); });
  const auto rightsize_ms = Time(repetitions, [&] { rightsize = RunRightsizeNodes(input); });
  std::printf(
      "cluster: %zu nodes, %zu pods; spot-optimize %zu recs (%s/month), rightsize %zu "
      "recs (%s/month)\n",
      snapshot.nodes.size(), snapshot.pods.size(), spot.items.size(),
      spot.TotalMonthlySavings().ToString().c_str(), rightsize.items.size(),
      rightsize.TotalMonthlySavings().ToString().c_str());
  Print("spot-optimize, 500 nodes / 8,000 pods", spot_ms);
  Print("node rightsizing, 500 nodes / 8,000 pods", rightsize_ms);
  return 0;
}
