// Provisioning throughput: how many pending pods per second the bin-pack engine plans onto
// new nodes, on Karpenter's scheduling-benchmark mix, against the full us-east-1 catalogue,
// on one thread. Prints one line per batch.
//
// The mix (as Karpenter's scheduling benchmark): one fifth each of plain pods, zone topology
// spread, hostname topology spread, zone self-affinity and hostname anti-affinity; CPU
// 100m-1500m, memory 100Mi-4Gi, uniformly at random (seeded), so every pod has its own
// request; BENCH_REQUESTS=karpenter draws from Karpenter's own few values instead (5 CPU x 6
// memory). Constrained pods come in deployments of 10 replicas sharing a selector.
//
// Batches of at most 1,000 pods take milliseconds, so one run is at the mercy of whatever
// else the machine does: they are planned 5 times (BENCH_REPEAT overrides) and the line shows
// the median CPU and wall time. The plan is the same every time (the packer is deterministic).
// Each run gets a freshly built launch catalogue, so no run profits from an earlier one.
// The "repl<n>" lines (up to n replicas) plan plain pods in workloads whose replicas share
// one request (real clusters' pods come from Deployments).
// The last lines are Karpenter's ladder (RunLadder): batches of 1 to 20,000 pods, and the
// pods/s over all of them, which is how Karpenter's benchmark states its own throughput.
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

// Karpenter's scheduling benchmark draws each request from a few values (its randomCPU and
// randomMemory); ours draws uniformly from the same ranges, which gives every pod its own
// request. BENCH_REQUESTS=karpenter uses Karpenter's values.
enum class Requests { kUniform, kKarpenterValues };

Pod MakePod(int index, std::mt19937& rng, Requests requests) {
  Pod pod;
  pod.meta.name = "pod-" + std::to_string(index);
  pod.meta.namespace_name = "bench";
  pod.meta.owner_references.push_back({"apps/v1", "ReplicaSet", "rs", "", true});
  Container c;
  if (requests == Requests::kKarpenterValues) {
    constexpr int64_t kCpuMillis[] = {100, 250, 500, 1000, 1500};
    constexpr int64_t kMemoryMi[] = {100, 256, 512, 1024, 2048, 4096};
    c.resources.requests.cpu_millis = kCpuMillis[std::uniform_int_distribution<int>(0, 4)(rng)];
    c.resources.requests.memory_bytes =
        kMemoryMi[std::uniform_int_distribution<int>(0, 5)(rng)] * kMi;
  } else {
    std::uniform_int_distribution<int64_t> cpu(100, 1500), memory(100, 4096);
    c.resources.requests.cpu_millis = cpu(rng);
    c.resources.requests.memory_bytes = memory(rng) * kMi;
  }
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
Snapshot MakeSnapshot(int count, bool mixed, uint32_t seed, int max_replicas, Requests requests) {
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
    s.pods.push_back(MakePod(i, rng, requests));
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

Requests RequestsFromEnvironment() {
  const char* requests = std::getenv("BENCH_REQUESTS");
  return requests != nullptr && std::string(requests) == "karpenter" ? Requests::kKarpenterValues
                                                                     : Requests::kUniform;
}

struct Measurement {
  double cpu_seconds = 0;   // median over the repeats
  double wall_seconds = 0;  // median over the repeats
  int nodes = 0;
  double hourly_usd = 0;
  size_t unschedulable = 0;
  size_t types = 0;
  double catalogue_build_ms = 0;
};

// Batches of at most 1,000 pods take milliseconds: planned 5 times, the median kept.
Measurement Measure(const Catalog& catalog, int count, bool mixed, int max_replicas) {
  uint32_t seed = 42;  // BENCH_SEED draws another batch of the same mix
  if (const char* s = std::getenv("BENCH_SEED")) seed = static_cast<uint32_t>(std::atoll(s));
  Snapshot snapshot = MakeSnapshot(count, mixed, seed, max_replicas, RequestsFromEnvironment());
  Policy policy;
  // BENCH_SEARCH_STEPS sets the packer's local-search effort (steps per pod; default 50).
  if (const char* steps = std::getenv("BENCH_SEARCH_STEPS")) {
    policy.packing_search_steps_per_pod = std::atoll(steps);
  }
  // BENCH_BURSTABLE=1: burstable types at list price too (the default policy excludes them;
  // the figures up to session 10 included them).
  if (std::getenv("BENCH_BURSTABLE")) policy.burstable_instances = BurstableInstances::kIncluded;
  EngineInput input{snapshot, policy, catalog, nullptr};
  Measurement m;
  std::clock_t build_start = std::clock();
  LaunchCatalog launch = LaunchCatalog::Build(input);
  m.catalogue_build_ms = 1000.0 * double(std::clock() - build_start) / CLOCKS_PER_SEC;
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
  m.cpu_seconds = Median(cpu_times);
  m.wall_seconds = Median(wall_times);
  if (std::getenv("BENCH_DEBUG")) {
    for (size_t i = 0; i < plan.unschedulable.size() && i < 5; ++i) {
      std::printf("unschedulable %s: %s\n", plan.unschedulable[i].pod.c_str(),
                  std::string(FitFailureMessage(plan.unschedulable[i].reason)).c_str());
    }
    for (size_t i = 0; i < plan.recommendations.size() && i < 8; ++i) {
      std::printf("%s\n", plan.recommendations[i].explanation.c_str());
    }
  }
  for (const Recommendation& r : plan.recommendations) {
    m.nodes += std::stoi(r.actions.front().parameters.at("count"));
  }
  m.hourly_usd = plan.hourly_cost.usd();
  m.unschedulable = plan.unschedulable.size();
  m.types = launch.types().size();
  return m;
}

std::string KindName(bool mixed, int max_replicas) {
  return mixed ? "mixed" : max_replicas > 0 ? "repl" + std::to_string(max_replicas) : "plain";
}

void PrintLine(const std::string& kind, int count, const Measurement& m) {
  std::printf(
      "%-7s %6d pods  %7.3f s wall  %7.3f s cpu  %9.0f pods/s (cpu)  %5d nodes  $%9.3f/h  "
      "%zu unschedulable  (%zu types, catalogue built in %.1f ms)\n",
      kind.c_str(), count, m.wall_seconds, m.cpu_seconds, count / m.cpu_seconds, m.nodes,
      m.hourly_usd, m.unschedulable, m.types, m.catalogue_build_ms);
}

void Run(const Catalog& catalog, int count, bool mixed, int max_replicas = 0) {
  PrintLine(KindName(mixed, max_replicas), count, Measure(catalog, count, mixed, max_replicas));
}

// Karpenter's headline pods/s (TestSchedulingProfile in its scheduling benchmark): one batch
// of every size on this ladder, each timed on its own, and the pods of all of them divided by
// the sum of their times. Small batches weigh little in it (its benchmark says as much: setup
// per call is expected, and it checks its floor only above 100 pods), so each size's own rate
// is printed too.
void RunLadder(const Catalog& catalog, bool mixed) {
  constexpr int kLadder[] = {1, 50, 100, 500, 1000, 1500, 2000, 5000, 10000, 20000};
  int pods = 0;
  double cpu_seconds = 0, wall_seconds = 0;
  for (int count : kLadder) {
    Measurement m = Measure(catalog, count, mixed, 0);
    PrintLine(KindName(mixed, 0), count, m);
    pods += count;
    cpu_seconds += m.cpu_seconds;
    wall_seconds += m.wall_seconds;
  }
  std::printf("ladder  %-5s %6d pods in %.3f s cpu (%.0f pods/s), %.3f s wall (%.0f pods/s)\n",
              KindName(mixed, 0).c_str(), pods, cpu_seconds, pods / cpu_seconds, wall_seconds,
              pods / wall_seconds);
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
  // BENCH_LADDER=1: only Karpenter's ladder, for the mix and for plain pods.
  const bool ladder_only = std::getenv("BENCH_LADDER") != nullptr;
  if (!ladder_only) {
    for (int count : {1000, 5000, 20000}) Run(catalog, count, true);
    for (int count : {100, 500, 1000, 5000, 20000}) Run(catalog, count, false);
    // Plain pods in workloads of 1-20 replicas sharing a request (the configuration LP's
    // attempt joins the portfolio up to 2,000 such pods), and larger batches of fewer, larger
    // workloads (up to 200 and 1,000 replicas: at most ~120 distinct requests, where it joins
    // too).
    for (int count : {50, 100, 500, 1000, 2000}) Run(catalog, count, false, 20);
    Run(catalog, 5000, false, 200);
    Run(catalog, 20000, false, 1000);
  }
  RunLadder(catalog, true);
  RunLadder(catalog, false);
  return 0;
}
