// The packer's cost and CPU time at each search effort on the quality benchmark's generated
// clusters, without the lower bounds (which take seconds per row): the quick loop for work on
// the local search. Ratios to the bound come from packing_quality_benchmark.
//
//   BENCH_SIZES=50,200 BENCH_SEEDS=3 BENCH_EFFORTS=50,4000 [BENCH_FAMILIES=t4g,r6g] [BENCH_COVER=1]
//   [BENCH_WORKLOADS=1] [BENCH_BURSTABLE=1] [BENCH_STRATEGY=config|lp|cost]
//   ./build/release/bench/packing_search_benchmark
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/shipped_catalog_test_util.h"
#include "engines/bin_packer.h"
#include "generated_cluster.h"

namespace cloudoptim {
namespace {

// The quality benchmark's generated clusters (generated_cluster.h), as pods; with
// `workloads`, pods of replicated workloads (GeneratedWorkloadRequests).
std::vector<Pod> Generated(int nodes, uint32_t seed, bool workloads) {
  std::vector<Pod> pods;
  for (const Resources& requests :
       workloads ? GeneratedWorkloadRequests(nodes, seed) : GeneratedRequests(nodes, seed)) {
    Pod pod;
    pod.meta.name = "p" + std::to_string(pods.size());
    pod.meta.namespace_name = "bench";
    Container c;
    c.resources.requests = {requests.cpu_millis, requests.memory_bytes, 0, 0, 0};
    pod.containers.push_back(c);
    pods.push_back(std::move(pod));
  }
  return pods;
}

std::vector<int64_t> List(const char* name, std::vector<int64_t> fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr) return fallback;
  std::vector<int64_t> out;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');) out.push_back(std::stoll(item));
  return out;
}

double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace
}  // namespace cloudoptim

int main() {
  using namespace cloudoptim;
  const Catalog& catalog = ShippedCatalog();
  Policy policy;
  // BENCH_FAMILIES=t4g,r6g restricts the types (e.g. to the shape LP's choice of families).
  if (const char* families = std::getenv("BENCH_FAMILIES")) {
    std::stringstream list(families);
    for (std::string f; std::getline(list, f, ',');) policy.allowed_families.push_back(f);
  }
  // BENCH_BURSTABLE=1: burstable types at list price too (the default policy excludes them).
  if (std::getenv("BENCH_BURSTABLE")) policy.burstable_instances = BurstableInstances::kIncluded;
  LaunchCatalog launch = LaunchCatalog::ForTypes(catalog, "us-east-1", {"us-east-1a"}, policy);
  std::vector<int64_t> efforts =
      List("BENCH_EFFORTS", {kDefaultSearchStepsPerPod, kThoroughSearchStepsPerPod});
  int64_t seeds = List("BENCH_SEEDS", {3}).front();
  // BENCH_WORKLOADS=1: pods of replicated workloads.
  const bool workloads = std::getenv("BENCH_WORKLOADS") != nullptr;
  // BENCH_STRATEGY=config|lp|cost: one attempt of the portfolio alone (then searched).
  PackingStrategy strategy = PackingStrategy::kPortfolio;
  if (const char* name = std::getenv("BENCH_STRATEGY")) {
    const std::string_view chosen = name;
    strategy = chosen == "config" ? PackingStrategy::kConfigLpGuided
               : chosen == "lp"   ? PackingStrategy::kLpGuided
                                  : PackingStrategy::kCostAwareBestFit;
  }
  for (int64_t nodes : List("BENCH_SIZES", {50, 200})) {
    for (int64_t seed = 1; seed <= seeds; ++seed) {
      std::vector<Pod> pods =
          Generated(static_cast<int>(nodes), static_cast<uint32_t>(seed), workloads);
      std::vector<const Pod*> pointers;
      for (const Pod& p : pods) pointers.push_back(&p);
      std::printf("%s %5lld nodes s%lld", workloads ? "workloads" : "generated",
                  static_cast<long long>(nodes), static_cast<long long>(seed));
      for (int64_t effort : efforts) {
        ClusterState state;
        PackingOptions options;
        options.use_existing_nodes = false;
        options.search_steps_per_pod = effort;
        // BENCH_COVER=1: with the thorough search's set cover (column_cover.h, off by default).
        if (const char* cover = std::getenv("BENCH_COVER")) options.column_cover = cover[0] != '0';
        options.strategy = strategy;
        double start = CpuSeconds();
        PackingPlan plan = PackPods(state, launch, pointers, options);
        std::printf("  effort %lld: $%9.3f/h %5zu nodes %6.2f s cpu",
                    static_cast<long long>(effort), plan.hourly_cost.usd(), plan.new_nodes.size(),
                    CpuSeconds() - start);
      }
      std::printf("\n");
      std::fflush(stdout);
    }
  }
  return 0;
}
