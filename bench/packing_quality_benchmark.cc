// Packing quality: what the bin packer's new nodes cost against the LP lower bound (Clp), side
// by side with a first-fit-decreasing baseline using the same instance-type choice, on
//   1. the real Alibaba openb trace (bench/data/alibaba-openb-2023/, CPU and memory requests;
//      GPU requests ignored): the whole pod list, its 1,088 GPU-free pods, and the pods alive
//      at 20 instants of the trace;
//   2. generated clusters of 50-5,000 nodes' worth of pods (20 pods per node, four workload
//      shapes: web, JVM services, CPU-heavy batch, memory-heavy caches), three seeds each;
//   3. small instances (10-30 pods) against CBC's exact optimum, over six general-purpose,
//      compute and memory families (so the MIP stays small).
// All on-demand prices, us-east-1, one zone, plain pods (no placement constraints).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "engines/bin_packer.h"
#include "engines/cost_lower_bound.h"

namespace cloudoptim {
namespace {

constexpr int64_t kMi = int64_t{1} << 20;

struct TracePod {
  Resources requests;
  int64_t gpus = 0;
  int64_t created = 0, deleted = 0;
};

std::vector<TracePod> LoadTrace(const std::string& path) {
  std::vector<TracePod> pods;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    if (f.size() < 10) continue;
    TracePod p;
    p.requests.cpu_millis = std::stoll(f[1]);
    p.requests.memory_bytes = std::stoll(f[2]) * kMi;
    p.requests.pods = 1;
    p.gpus = std::stoll(f[3]);
    p.created = f[8].empty() ? 0 : std::stoll(f[8]);
    p.deleted = f[9].empty() ? 0 : std::stoll(f[9]);
    pods.push_back(p);
  }
  return pods;
}

std::vector<Pod> MakePods(const std::vector<Resources>& requests) {
  std::vector<Pod> pods;
  for (size_t i = 0; i < requests.size(); ++i) {
    Pod pod;
    pod.meta.name = "p" + std::to_string(i);
    pod.meta.namespace_name = "bench";
    Container c;
    c.resources.requests = requests[i];
    c.resources.requests.pods = 0;
    pod.containers.push_back(c);
    pods.push_back(std::move(pod));
  }
  return pods;
}

Money Pack(const LaunchCatalog& launch, const std::vector<Pod>& pods, PackingStrategy strategy,
           size_t* unplaced = nullptr) {
  std::vector<const Pod*> pointers;
  for (const Pod& p : pods) pointers.push_back(&p);
  ClusterState state;
  PackingOptions options;
  options.strategy = strategy;
  options.use_existing_nodes = false;
  PackingPlan plan = PackPods(state, launch, pointers, options);
  if (unplaced) *unplaced = plan.unschedulable.size();
  return plan.hourly_cost;
}

struct Row {
  double ffd_ratio = 0, ours_ratio = 0;
};

Row Measure(const char* name, const LaunchCatalog& launch, const std::vector<PriceOption>& options,
            const std::vector<Resources>& requests) {
  std::vector<Pod> pods = MakePods(requests);
  Resources demand;
  for (const Pod& p : pods) demand += p.Requests();
  size_t unplaced = 0;
  Money ffd = Pack(launch, pods, PackingStrategy::kFirstFitDecreasing);
  Money ours = Pack(launch, pods, PackingStrategy::kPortfolio, &unplaced);
  Money cost_aware = Pack(launch, pods, PackingStrategy::kCostAwareBestFit);
  Money per_resource = PerResourceBound(demand, options);
  Result<Money> lp = LpRelaxationBound(demand, options);
  Result<Money> shape_lp = ShapeLpBound(requests, options);
  double bound = shape_lp ? shape_lp->usd() : lp ? lp->usd() : per_resource.usd();
  Row row{ffd.usd() / bound, ours.usd() / bound};
  std::printf(
      "%-28s %6zu pods  shape-LP $%9.3f/h (aggregate LP $%9.3f, per-resource $%9.3f)  FFD "
      "$%9.3f (%.4f)  cost-aware alone $%9.3f  ours $%9.3f (%.4f)  %+.2f%% vs FFD%s\n",
      name, pods.size(), bound, lp ? lp->usd() : 0.0, per_resource.usd(), ffd.usd(), row.ffd_ratio,
      cost_aware.usd(), ours.usd(), row.ours_ratio, 100.0 * (ours.usd() - ffd.usd()) / ffd.usd(),
      unplaced ? "  (some pods unplaceable)" : "");
  return row;
}

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(q * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void Summary(const char* name, const std::vector<Row>& rows) {
  std::vector<double> ffd, ours, gain;
  for (const Row& r : rows) {
    ffd.push_back(r.ffd_ratio);
    ours.push_back(r.ours_ratio);
    gain.push_back(100.0 * (r.ffd_ratio - r.ours_ratio) / r.ffd_ratio);
  }
  std::printf(
      "SUMMARY %-20s n=%zu  cost/LP median %.4f p95 %.4f (FFD median %.4f p95 %.4f)  "
      "cheaper than FFD: median %.2f%% max %.2f%% min %.2f%%\n",
      name, rows.size(), Percentile(ours, 0.5), Percentile(ours, 0.95), Percentile(ffd, 0.5),
      Percentile(ffd, 0.95), Percentile(gain, 0.5), Percentile(gain, 1.0), Percentile(gain, 0.0));
}

std::vector<Resources> Generated(int nodes, uint32_t seed) {
  std::mt19937 rng(seed);
  struct Shape {
    int64_t cpu_lo, cpu_hi, mem_lo_mi, mem_hi_mi;
  };
  const Shape shapes[] = {{100, 1000, 128, 1024},     // web
                          {500, 2000, 1024, 8192},    // JVM services
                          {1000, 4000, 512, 2048},    // CPU-heavy batch
                          {250, 1000, 4096, 16384}};  // memory-heavy caches
  std::vector<Resources> pods;
  for (int i = 0; i < nodes * 20; ++i) {
    const Shape& s = shapes[rng() % 4];
    int64_t cpu = std::uniform_int_distribution<int64_t>(s.cpu_lo, s.cpu_hi)(rng);
    int64_t mem = std::uniform_int_distribution<int64_t>(s.mem_lo_mi, s.mem_hi_mi)(rng);
    pods.push_back({cpu / 50 * 50, mem * kMi, 0, 1, 0});
  }
  return pods;
}

void SmallInstances(const Catalog& catalog) {
  Policy policy;
  policy.allowed_families = {"m5", "c5", "r5", "m6i", "c6i", "r6i"};
  LaunchCatalog launch = LaunchCatalog::ForTypes(catalog, "us-east-1", {"us-east-1a"}, policy);
  std::vector<PriceOption> options = NonDominated(OnDemandOptions(launch));
  std::vector<double> gaps;
  int proven = 0;
  for (int instance = 0; instance < 12; ++instance) {
    std::vector<Resources> requests = Generated(2, 1000 + instance);
    requests.resize(10 + (instance * 7) % 21);  // 10..30 pods
    std::vector<Pod> pods = MakePods(requests);
    Money ours = Pack(launch, pods, PackingStrategy::kPortfolio);
    Result<ExactPacking> exact = ExactOptimum(requests, options, 20.0);
    if (!exact) {
      std::printf("small %2d: %zu pods  CBC failed: %s\n", instance, pods.size(),
                  exact.error().ToString().c_str());
      continue;
    }
    double gap = ours.usd() / exact->hourly.usd();
    gaps.push_back(gap);
    proven += exact->proven_optimal ? 1 : 0;
    std::printf("small %2d: %2zu pods  ours $%.4f  CBC $%.4f%s (bound $%.4f)  gap %.4f\n", instance,
                pods.size(), ours.usd(), exact->hourly.usd(),
                exact->proven_optimal ? " optimal" : " best found", exact->best_bound.usd(), gap);
  }
  if (!gaps.empty()) {
    std::printf(
        "SUMMARY small-vs-CBC n=%zu (%d proven optimal)  gap median %.4f p95 %.4f max %.4f\n",
        gaps.size(), proven, Percentile(gaps, 0.5), Percentile(gaps, 0.95), Percentile(gaps, 1.0));
  }
}

}  // namespace
}  // namespace cloudoptim

int main(int argc, char** argv) {
  using namespace cloudoptim;
  Result<Catalog> catalog = Catalog::Load(std::string(CO_SOURCE_DIR) + "/data");
  if (!catalog) {
    std::fprintf(stderr, "%s\n", catalog.error().ToString().c_str());
    return 1;
  }
  Policy policy;
  LaunchCatalog launch = LaunchCatalog::ForTypes(*catalog, "us-east-1", {"us-east-1a"}, policy);
  std::vector<PriceOption> options = OnDemandOptions(launch);

  // Optional argument: "alibaba", "generated" or "small" runs only that part.
  std::string only = argc > 1 ? argv[1] : "";
  if (only == "small") {
    SmallInstances(*catalog);
    return 0;
  }
  std::vector<TracePod> trace = LoadTrace(
      std::string(CO_SOURCE_DIR) + "/bench/data/alibaba-openb-2023/openb_pod_list_default.csv");
  std::vector<Row> trace_rows;
  std::vector<Resources> all, gpu_free;
  int64_t end = 0;
  for (const TracePod& p : trace) {
    all.push_back(p.requests);
    if (p.gpus == 0) gpu_free.push_back(p.requests);
    end = std::max(end, p.deleted);
  }
  if (only == "generated") all.clear(), gpu_free.clear(), trace.clear();
  if (!all.empty()) trace_rows.push_back(Measure("alibaba all pods", launch, options, all));
  if (!gpu_free.empty()) {
    trace_rows.push_back(Measure("alibaba GPU-free pods", launch, options, gpu_free));
  }
  for (int k = 1; k <= 20; ++k) {
    int64_t t = end * k / 21;
    std::vector<Resources> alive;
    for (const TracePod& p : trace) {
      if (p.created <= t && t < p.deleted) alive.push_back(p.requests);
    }
    std::string name = "alibaba alive at " + std::to_string(k) + "/21";
    if (!alive.empty()) trace_rows.push_back(Measure(name.c_str(), launch, options, alive));
  }
  if (!trace_rows.empty()) Summary("alibaba", trace_rows);
  if (only == "alibaba") return 0;

  std::vector<Row> generated_rows;
  for (int nodes : {50, 100, 200, 500, 1000, 2000, 5000}) {
    for (uint32_t seed = 1; seed <= 3; ++seed) {
      std::string name = "generated " + std::to_string(nodes) + " nodes s" + std::to_string(seed);
      generated_rows.push_back(Measure(name.c_str(), launch, options, Generated(nodes, seed)));
    }
  }
  Summary("generated", generated_rows);
  SmallInstances(*catalog);
  return 0;
}
