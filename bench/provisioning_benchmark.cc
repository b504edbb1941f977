// Provisioning throughput: how many pending pods per second the bin-pack engine plans onto
// new nodes, on Karpenter's scheduling-benchmark mix, against the full us-east-1 catalogue,
// on one thread. Prints one line per batch.
//
// The mix (as Karpenter's scheduling benchmark): one fifth each of plain pods, zone topology
// spread, hostname topology spread, zone self-affinity and hostname anti-affinity; CPU
// 100m-1500m, memory 100Mi-4Gi, uniformly at random (seeded). Constrained pods come in
// deployments of 10 replicas sharing a selector.
//
// Batches of at most 1,000 pods take milliseconds, so one run is at the mercy of whatever
// else the machine does: they are planned 5 times (BENCH_REPEAT overrides) and the line shows
// the median CPU and wall time. The plan is the same every time (the packer is deterministic).
// Each run gets a freshly built launch catalogue, so no run profits from an earlier one.
// The last lines ("repl<n>": up to n replicas) plan plain pods in workloads whose replicas share
// one request (real clusters' pods come from Deployments); Karpenter's mix draws every pod's
// request anew.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/shipped_catalog_test_util.h"
#include "engines/binpack_provisioning.h"

namespace cloudoptim {
namespace {

constexpr int64_t kMi = int64_t{1} << 20;

Pod MakePod(int index, std::mt19937& rng) {
  std::uniform_int_distribution<int64_t> cpu(100, 1500), memory(100, 4096);
  Pod pod;
  pod.meta.name = "pod-" + std::to_string(index);
  pod.meta.namespace_name = "bench";
  pod.meta.owner_references.push_back({"apps/v1", "ReplicaSet", "rs", "", true});
  Container c;
  c.resources.requests.cpu_millis = cpu(rng);
  c.resources.requests.memory_bytes = memory(rng) * kMi;
  pod.containers.push_back(c);
  return pod;
}

void Constrain(Pod& pod, int kind, int index) {
  std::string app = "dep-" + std::to_string(kind) + "-" + std::to_string(index / 10);
  pod.meta.labels = {{"app", app}};
  LabelSelector selector = LabelSelector::FromMatchLabels(pod.meta.labels);
  switch (kind) {
    case 1:
      pod.topology_spread.push_back(
          {1, std::string(labels::kZone), UnsatisfiableAction::kDoNotSchedule, selector});
      break;
    case 2:
      pod.topology_spread.push_back(
          {1, std::string(labels::kHostname), UnsatisfiableAction::kDoNotSchedule, selector});
      break;
    case 3:
      pod.affinity.required_pod_affinity.push_back({selector, {}, std::string(labels::kZone)});
      break;
    case 4:
      pod.affinity.required_pod_anti_affinity.push_back(
          {selector, {}, std::string(labels::kHostname)});
      break;
    default:
      break;
  }
}

// `max_replicas` > 0: plain pods in workloads of 1 to max_replicas replicas (uniformly at
// random) that share one request, as a Deployment's pods share their template.
Snapshot MakeSnapshot(int count, bool mixed, uint32_t seed, int max_replicas = 0) {
  std::mt19937 rng(seed);
  Snapshot s;
  s.region = "us-east-1";
  s.cluster_name = "bench";
  int replicas_left = 0;
  for (int i = 0; i < count; ++i) {
    if (max_replicas > 0 && replicas_left > 0) {
      Pod replica = s.pods.back();
      replica.meta.name = "pod-" + std::to_string(i);
      s.pods.push_back(std::move(replica));
      --replicas_left;
      continue;
    }
    s.pods.push_back(MakePod(i, rng));
    if (max_replicas > 0) {
      replicas_left = std::uniform_int_distribution<int>(1, max_replicas)(rng) - 1;
    }
    if (mixed) {
      int fifth = count / 5;
      int kind = std::min(4, i / std::max(1, fifth));
      Constrain(s.pods.back(), kind, i);
    }
  }
  return s;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

void Run(const Catalog& catalog, int count, bool mixed, int max_replicas = 0) {
  uint32_t seed = 42;  // BENCH_SEED draws another batch of the same mix
  if (const char* s = std::getenv("BENCH_SEED")) seed = static_cast<uint32_t>(std::atoll(s));
  Snapshot snapshot = MakeSnapshot(count, mixed, seed, max_replicas);
  Policy policy;
  // BENCH_SEARCH_STEPS sets the packer's local-search effort (steps per pod; default 50).
  if (const char* steps = std::getenv("BENCH_SEARCH_STEPS")) {
    policy.packing_search_steps_per_pod = std::atoll(steps);
  }
  // BENCH_BURSTABLE=1: burstable types at list price too (the default policy excludes them;
  // the figures up to session 10 included them).
  if (std::getenv("BENCH_BURSTABLE")) policy.burstable_instances = BurstableInstances::kIncluded;
  EngineInput input{snapshot, policy, catalog, nullptr};
  std::clock_t build_start = std::clock();
  LaunchCatalog launch = LaunchCatalog::Build(input);
  double build_ms = 1000.0 * double(std::clock() - build_start) / CLOCKS_PER_SEC;
  int repeat = count <= 1000 ? 5 : 1;
  if (const char* r = std::getenv("BENCH_REPEAT")) repeat = std::max(1, std::atoi(r));
  std::vector<double> cpu_times, wall_times;
  ProvisioningPlan plan;
  for (int k = 0; k < repeat; ++k) {
    // A fresh launch catalogue each time (untimed, as the first one): nothing it caches, such
    // as template node labels, carries over from the previous run.
    if (k > 0) launch = LaunchCatalog::Build(input);
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpu_start = std::clock();
    plan = PlanProvisioning(input, launch);
    cpu_times.push_back(double(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    wall_times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  double cpu_seconds = Median(cpu_times);
  double seconds = Median(wall_times);
  if (std::getenv("BENCH_DEBUG")) {
    for (size_t i = 0; i < plan.unschedulable.size() && i < 5; ++i) {
      std::printf("unschedulable %s: %s\n", plan.unschedulable[i].pod.c_str(),
                  std::string(FitFailureMessage(plan.unschedulable[i].reason)).c_str());
    }
    for (size_t i = 0; i < plan.recommendations.size() && i < 8; ++i) {
      std::printf("%s\n", plan.recommendations[i].explanation.c_str());
    }
  }
  int nodes = 0;
  for (const Recommendation& r : plan.recommendations) {
    nodes += std::stoi(r.actions.front().parameters.at("count"));
  }
  std::string kind = mixed              ? "mixed"
                     : max_replicas > 0 ? "repl" + std::to_string(max_replicas)
                                        : "plain";
  std::printf(
      "%-7s %6d pods  %7.3f s wall  %7.3f s cpu  %9.0f pods/s (cpu)  %5d nodes  $%9.3f/h  "
      "%zu unschedulable  (%zu types, catalogue built in %.1f ms)\n",
      kind.c_str(), count, seconds, cpu_seconds, count / cpu_seconds, nodes, plan.hourly_cost.usd(),
      plan.unschedulable.size(), launch.types().size(), build_ms);
}

}  // namespace
}  // namespace cloudoptim

int main() {
  using namespace cloudoptim;
  const Catalog& catalog = ShippedCatalog();
  // BENCH_REPLICAS=n (with BENCH_PODS): plain pods in workloads of 1-n replicas.
  const char* replicas = std::getenv("BENCH_REPLICAS");
  if (const char* only = std::getenv("BENCH_PODS")) {
    Run(catalog, std::atoi(only), std::getenv("BENCH_PLAIN") == nullptr && replicas == nullptr,
        replicas ? std::atoi(replicas) : 0);
    return 0;
  }
  for (int count : {1000, 5000, 20000}) Run(catalog, count, true);
  for (int count : {100, 500, 1000, 5000, 20000}) Run(catalog, count, false);
  // Plain pods in workloads of 1-20 replicas sharing a request (the configuration LP's
  // attempt joins the portfolio up to 2,000 such pods), and larger batches of fewer, larger
  // workloads (up to 200 and 1,000 replicas: at most ~120 distinct requests, where it joins
  // too).
  for (int count : {50, 100, 500, 1000, 2000}) Run(catalog, count, false, 20);
  Run(catalog, 5000, false, 200);
  Run(catalog, 20000, false, 1000);
  return 0;
}
