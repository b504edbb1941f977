// Costs of the model's parsers on the hot paths of snapshot decoding and scheduling
// simulation: Quantity::Parse/ToString (every container request and limit), and label
// selector parsing and matching (every workload, PDB, spread constraint and affinity term).
//
//   ninja -C build/release model_benchmark && build/release/bench/model_benchmark
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "model/label_selector.h"
#include "model/quantity.h"

namespace cloudoptim {
namespace {

// What real pod specs and node statuses contain.
const std::vector<std::string> kQuantities = {"100m",      "250m", "1",     "2",   "128Mi",
                                              "512Mi",     "1Gi",  "1.5Gi", "4G",  "15896Mi",
                                              "3866412Ki", "110",  "20Gi",  "0.5", "1e3"};

void BM_QuantityParse(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    Result<Quantity> q = Quantity::Parse(kQuantities[i++ % kQuantities.size()]);
    benchmark::DoNotOptimize(q);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QuantityParse);

void BM_QuantityToString(benchmark::State& state) {
  std::vector<Quantity> parsed;
  for (const std::string& s : kQuantities) parsed.push_back(*Quantity::Parse(s));
  size_t i = 0;
  for (auto _ : state) {
    std::string s = parsed[i++ % parsed.size()].ToString();
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QuantityToString);

void BM_LabelSelectorParse(benchmark::State& state) {
  for (auto _ : state) {
    Result<LabelSelector> s =
        LabelSelector::Parse("app.kubernetes.io/name=web,tier!=db,env in (prod,staging),!canary");
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LabelSelectorParse);

void BM_LabelSelectorMatches(benchmark::State& state) {
  const LabelSelector selector =
      *LabelSelector::Parse("app.kubernetes.io/name=web,tier!=db,env in (prod,staging),!canary");
  const Labels labels = {{"app.kubernetes.io/name", "web"},
                         {"app.kubernetes.io/instance", "web-prod"},
                         {"env", "prod"},
                         {"pod-template-hash", "7d9f8b6c5d"},
                         {"tier", "frontend"}};
  for (auto _ : state) benchmark::DoNotOptimize(selector.Matches(labels));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LabelSelectorMatches);

}  // namespace
}  // namespace cloudoptim

BENCHMARK_MAIN();
