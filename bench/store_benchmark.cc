// Write throughput of the store on the two paths that write most: the executor's journal
// (each step: RecordIntent, MarkStarted, MarkDone, each its own committed statement, because
// the intent must be durable before the step runs) and an engine cycle's recommendation
// upsert (one transaction per cycle). Plus API-key authentication, the hottest read.
//
//   ninja -C build/release store_benchmark
//   build/release/bench/store_benchmark                       # SQLite in a temporary file
//   build/release/bench/store_benchmark postgres://u:p@127.0.0.1:5432/db   # also PostgreSQL
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "store/open_store.h"

namespace cloudoptim::store {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

template <typename T>
T Must(Result<T> result, const char* what) {
  if (!result) {
    std::fprintf(stderr, "%s: %s\n", what, result.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(*result);
}

void JournalSteps(Store& store, const Tenant& tenant, const Cluster& cluster, int steps) {
  Plan plan;
  plan.id = "bench-plan-" + std::to_string(Clock::now().time_since_epoch().count());
  plan.cluster_id = cluster.id;
  Must(store.journal().CreatePlan(tenant.id, plan), "CreatePlan");
  const auto start = Clock::now();
  for (int i = 0; i < steps; ++i) {
    IntentRequest intent{plan.id,  cluster.id,
                         i,        plan.id + "/" + std::to_string(i),
                         "cordon", "node/ip-10-0-" + std::to_string(i)};
    IntentOutcome outcome = Must(store.journal().RecordIntent(tenant.id, intent), "RecordIntent");
    Must(store.journal().MarkStarted(tenant.id, outcome.entry.id), "MarkStarted");
    Must(store.journal().MarkDone(tenant.id, outcome.entry.id, "ok"), "MarkDone");
  }
  const double seconds = SecondsSince(start);
  std::printf(
      "  journal: %d steps (3 committed writes each) in %.2f s: %.0f steps/s, %.0f writes/s\n",
      steps, seconds, steps / seconds, 3 * steps / seconds);
}

void RecommendationCycles(Store& store, const Tenant& tenant, const Cluster& cluster, int cycles,
                          int per_cycle) {
  const auto start = Clock::now();
  for (int c = 0; c < cycles; ++c) {
    std::vector<StoredRecommendation> recs;
    for (int i = 0; i < per_cycle; ++i) {
      StoredRecommendation r;
      r.id = "bin-pack/node-" + std::to_string((c * 7 + i) % (per_cycle * 2));  // half repeat
      r.engine = "bin-pack";
      r.target = "node/" + r.id;
      r.actions_json = R"([{"type":"drain-node","target":"node/x","parameters":{}}])";
      r.monthly_savings = Money::FromMicros(1'000'000 + i);
      r.confidence = 0.8;
      r.explanation = "Node is underused; its pods fit on the others.";
      recs.push_back(std::move(r));
    }
    Must(store.recommendations().UpsertRecommendations(tenant.id, cluster.id, recs), "Upsert");
  }
  const double seconds = SecondsSince(start);
  std::printf("  recommendations: %d cycles x %d in %.2f s: %.0f upserts/s, %.1f ms per cycle\n",
              cycles, per_cycle, seconds, cycles * per_cycle / seconds, 1000 * seconds / cycles);
}

void Authentications(Store& store, const Tenant& tenant, int count) {
  NewApiKey key = Must(store.tenants().CreateApiKey(tenant.id, Role::kViewer, "bench"), "key");
  const auto start = Clock::now();
  for (int i = 0; i < count; ++i) Must(store.tenants().AuthenticateApiKey(key.plaintext), "auth");
  const double seconds = SecondsSince(start);
  std::printf("  api key authentication: %.0f /s (%.1f us each)\n", count / seconds,
              1e6 * seconds / count);
}

void Run(const std::string& label, const std::string& url) {
  StoreOptions options;
  options.secret_box = Must(SecretBox::FromText(std::string(64, 'b')), "key");
  std::unique_ptr<Store> store = Must(OpenStore(url, options), "OpenStore");
  const std::string suffix = std::to_string(Clock::now().time_since_epoch().count());
  Tenant tenant = Must(store->tenants().CreateTenant("bench-" + suffix), "CreateTenant");
  Cluster cluster = Must(
      store->clusters().RegisterCluster(tenant.id, {"bench", "us-east-1", "", "", "kubeconfig"}),
      "RegisterCluster");
  std::printf("%s\n", label.c_str());
  JournalSteps(*store, tenant, cluster, 2000);
  RecommendationCycles(*store, tenant, cluster, 50, 200);
  Authentications(*store, tenant, 20000);
}

}  // namespace
}  // namespace cloudoptim::store

int main(int argc, char** argv) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("co-store-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  cloudoptim::store::Run("SQLite (WAL, synchronous=NORMAL, file in " + dir.string() + ")",
                         "sqlite://" + (dir / "bench.db").string());
  std::filesystem::remove_all(dir);
  for (int i = 1; i < argc; ++i) cloudoptim::store::Run("PostgreSQL (loopback)", argv[i]);
  return 0;
}
