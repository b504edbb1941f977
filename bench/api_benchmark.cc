// Read-endpoint latency of the core API at a fixed request rate: 1 tenant, 20 clusters,
// 2,000 recommendations in a SQLite file store, served by CoreApiServer on loopback.
//
// The load generator is open-loop (as wrk2 is): request i is due at start + i / rate whatever
// happened to earlier ones, and its latency is measured from that due time, so a slow server
// shows up as queueing delay instead of silently lowering the offered rate (coordinated
// omission). Client threads each own a keep-alive connection and take every T-th request.
//
//   api_benchmark [--rate 1000] [--seconds 10] [--threads 8]
//   api_benchmark --serve 60     # keep the server up for wrk; prints the URL and key
#include <httplib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>
#include <vector>

#include "server/core_api.h"
#include "store/open_store.h"

namespace {

using namespace cloudoptim;
using Clock = std::chrono::steady_clock;

class NoLoops : public server::ControlPlaneHooks {
 public:
  Result<server::CycleOutcome> TriggerCycle(const std::string&, const std::string&) override {
    return Unavailable("benchmark");
  }
  bool Ready() const override { return true; }
};

struct World {
  std::unique_ptr<store::Store> store;
  std::string key;
  std::string first_cluster;
};

World BuildWorld(const std::string& path) {
  World world;
  store::StoreOptions options;
  options.secret_box =
      store::SecretBox::FromText(store::SecretBox::GenerateKeyHex().value()).value();
  world.store = store::OpenStore("sqlite://" + path, std::move(options)).value();
  std::string tenant = world.store->tenants().CreateTenant("bench").value().id;
  world.key = world.store->tenants().CreateApiKey(tenant, store::Role::kViewer, "bench")->plaintext;
  for (int c = 0; c < 20; ++c) {
    store::ClusterRegistration registration{.name = "cluster-" + std::to_string(c),
                                            .region = "us-east-1",
                                            .credentials = R"({"server":"https://k"})"};
    std::string id = world.store->clusters().RegisterCluster(tenant, registration).value().id;
    if (c == 0) world.first_cluster = id;
    std::vector<store::StoredRecommendation> recommendations;
    for (int r = 0; r < 100; ++r) {
      std::string node = "ip-10-0-" + std::to_string(c) + "-" + std::to_string(r);
      recommendations.push_back(
          {.id = "bin-pack/node/" + node + "/" + std::to_string(1000 + r),
           .cluster_id = id,
           .engine = r % 3 == 0 ? "spot-optimize" : "bin-pack",
           .target = "node/" + node,
           .actions_json = R"([{"type":"drain-node","target":"node/)" + node + R"("}])",
           .monthly_savings = Money::FromUsd(10 + r * 1.25),
           .confidence = 0.8,
           .explanation = "node " + node + " is 12% used; its 4 pods fit on 2 other nodes"});
    }
    world.store->recommendations().UpsertRecommendations(tenant, id, recommendations).value();
  }
  return world;
}

struct Figures {
  size_t sent = 0;
  size_t failed = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;
};

Figures RunFixedRate(int port, const std::string& key, const std::string& path, double rate,
                     double seconds, int threads) {
  size_t total = static_cast<size_t>(rate * seconds);
  auto interval = std::chrono::duration<double>(1.0 / rate);
  std::vector<std::vector<double>> latencies(threads);
  std::vector<size_t> failures(threads, 0);
  Clock::time_point start = Clock::now() + std::chrono::milliseconds(100);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      httplib::Headers headers = {{"Authorization", "Bearer " + key}};
      for (size_t i = t; i < total; i += threads) {
        auto due = start + std::chrono::duration_cast<Clock::duration>(interval * i);
        std::this_thread::sleep_until(due);
        httplib::Result result = client.Get(path, headers);
        if (!result || result->status != 200) ++failures[t];
        latencies[t].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - due).count());
      }
    });
  }
  for (std::thread& w : workers) w.join();
  Figures figures;
  figures.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (int t = 0; t < threads; ++t) {
    figures.failed += failures[t];
    figures.latencies_ms.insert(figures.latencies_ms.end(), latencies[t].begin(),
                                latencies[t].end());
  }
  figures.sent = figures.latencies_ms.size();
  std::sort(figures.latencies_ms.begin(), figures.latencies_ms.end());
  return figures;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t index = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[index];
}

}  // namespace

int main(int argc, char** argv) {
  double rate = 1000;
  double seconds = 10;
  int threads = 8;
  int serve_seconds = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--rate")) rate = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--serve")) serve_seconds = std::atoi(argv[i + 1]);
  }
  std::string dir =
      std::filesystem::temp_directory_path() / ("co-api-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  World world = BuildWorld(dir + "/store.db");
  NoLoops hooks;
  server::CoreApiServer api(
      *world.store, hooks,
      {.port = 0, .rate_limit_per_second = 1e9, .rate_limit_burst = 1e9, .threads = 16});
  if (!api.Start()) return 1;
  std::printf("store: 1 tenant, 20 clusters, 2000 recommendations (SQLite file)\n");
  if (serve_seconds > 0) {
    std::printf("serving http://127.0.0.1:%d for %d s\nkey: %s\n", api.port(), serve_seconds,
                world.key.c_str());
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(serve_seconds));
  } else {
    for (const std::string& path :
         {std::string("/api/v1/admin/clusters"), std::string("/api/v1/recommendations?limit=100"),
          "/api/v1/recommendations?cluster_id=" + world.first_cluster + "&limit=20"}) {
      RunFixedRate(api.port(), world.key, path, rate, 1, threads);  // warm-up
      Figures f = RunFixedRate(api.port(), world.key, path, rate, seconds, threads);
      std::printf(
          "GET %-60s rate %6.0f/s  sent %6zu  failed %zu  achieved %7.1f/s  p50 %7.3f ms  "
          "p99 %7.3f ms  p99.9 %7.3f ms  max %7.3f ms\n",
          path.c_str(), rate, f.sent, f.failed, f.sent / f.seconds, Percentile(f.latencies_ms, 0.5),
          Percentile(f.latencies_ms, 0.99), Percentile(f.latencies_ms, 0.999),
          f.latencies_ms.empty() ? 0 : f.latencies_ms.back());
    }
  }
  api.Stop();
  std::filesystem::remove_all(dir);
  return 0;
}
