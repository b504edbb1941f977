// Interruption handling speed against the sandbox on loopback:
//  (1) latency from an SQS message received to its node cordoned (p50/p95/p99/max), messages
//      arriving one every `gap` ms across distinct nodes of one cluster;
//  (2) a burst of 1,000 interruptions across 50 clusters, all queued at once: time until the
//      last node is cordoned (and until every message is deleted, drains included).
// One `cloudoptim sandbox` process serves every cluster: the 50 clusters are 50 separate
// ClusterApi connections (each its own HTTP client) to it, each seeing only its own 20 nodes.
// The queue is the in-memory one (no network), the store is SQLite (a file, WAL).
//
//   build/release/bench/interruption_benchmark [latency-messages=200] [burst=1000] [clusters=50]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "execute/interruption_handler.h"
#include "kube/cluster_connection.h"
#include "kube/kube_cluster_api.h"
#include "store/open_store.h"
#include "support/process.h"

namespace {

using namespace cloudoptim;
using Steady = std::chrono::steady_clock;

// One logical cluster on the shared sandbox: lists only its own nodes, and stamps the moment
// each cordon call returned.
class LogicalCluster final : public ClusterApi {
 public:
  LogicalCluster(std::unique_ptr<ClusterApi> inner, std::set<std::string> nodes)
      : inner_(std::move(inner)), nodes_(std::move(nodes)) {}

  Result<std::string> List(ClusterResource resource, const ListOptions& options,
                           Snapshot* out) override {
    if (resource != ClusterResource::kNodes) return inner_->List(resource, options, out);
    Snapshot all;
    CO_ASSIGN_OR_RETURN(std::string version, inner_->List(resource, options, &all));
    for (Node& node : all.nodes) {
      if (nodes_.contains(node.meta.name)) out->nodes.push_back(std::move(node));
    }
    return version;
  }
  Result<Node> GetNode(std::string_view name) override { return inner_->GetNode(name); }
  Result<Pod> GetPod(std::string_view ns, std::string_view name) override {
    return inner_->GetPod(ns, name);
  }
  Status Watch(ClusterResource r, std::string_view v, const ChangeCallback& c,
               const std::atomic<bool>* x) override {
    return inner_->Watch(r, v, c, x);
  }
  Status SetUnschedulable(std::string_view node, bool on, const ActOptions& o) override {
    Status s = inner_->SetUnschedulable(node, on, o);
    std::lock_guard lock(mutex_);
    if (s && on) cordoned_at_.emplace(std::string(node), Steady::now());
    if (!s && IsNotFound(s.error())) ++not_found_;
    return s;
  }
  Status SetTaint(std::string_view n, const Taint& t, bool p, const ActOptions& o) override {
    return inner_->SetTaint(n, t, p, o);
  }
  Status PatchMetadata(const ObjectRef& r,
                       const std::map<std::string, std::optional<std::string>>& l,
                       const std::map<std::string, std::optional<std::string>>& a,
                       const ActOptions& o) override {
    return inner_->PatchMetadata(r, l, a, o);
  }
  Result<EvictionOutcome> Evict(std::string_view ns, std::string_view p,
                                const ActOptions& o) override {
    return inner_->Evict(ns, p, o);
  }
  Status DeletePod(std::string_view ns, std::string_view p, const ActOptions& o) override {
    return inner_->DeletePod(ns, p, o);
  }
  Status Scale(WorkloadKind k, std::string_view ns, std::string_view n, int32_t r,
               const ActOptions& o) override {
    return inner_->Scale(k, ns, n, r, o);
  }
  Status PatchContainerResources(WorkloadKind k, std::string_view ns, std::string_view n,
                                 std::string_view c, const ContainerResources& r,
                                 const ActOptions& o) override {
    return inner_->PatchContainerResources(k, ns, n, c, r, o);
  }

  size_t not_found() {
    std::lock_guard lock(mutex_);
    return not_found_;
  }
  std::map<std::string, Steady::time_point> cordoned_at() {
    std::lock_guard lock(mutex_);
    return cordoned_at_;
  }

 private:
  std::unique_ptr<ClusterApi> inner_;
  std::set<std::string> nodes_;
  std::mutex mutex_;
  std::map<std::string, Steady::time_point> cordoned_at_;
  size_t not_found_ = 0;
};

// The in-memory queue, stamping when each message was received (by message id).
class StampingQueue final : public InterruptionQueue {
 public:
  std::string Send(std::string body) { return inner_.Send(std::move(body)); }
  Result<std::vector<aws::SqsMessage>> Receive(int max, Duration wait) override {
    auto batch = inner_.Receive(max, wait);
    const auto now = Steady::now();
    if (batch) {
      std::lock_guard lock(mutex_);
      for (const auto& m : *batch) received_at_.emplace(m.message_id, now);
    }
    return batch;
  }
  Status Delete(const std::string& h) override { return inner_.Delete(h); }
  Status Release(const std::string& h, Duration d) override { return inner_.Release(h, d); }
  size_t deleted() const { return inner_.deleted(); }
  Steady::time_point ReceivedAt(const std::string& id) {
    std::lock_guard lock(mutex_);
    return received_at_.at(id);
  }

 private:
  InMemoryInterruptionQueue inner_;
  std::mutex mutex_;
  std::map<std::string, Steady::time_point> received_at_;
};

std::string SpotWarning(const std::string& id, const std::string& instance) {
  nlohmann::json event = {
      {"version", "0"},
      {"id", id},
      {"detail-type", "EC2 Spot Instance Interruption Warning"},
      {"source", "aws.ec2"},
      {"account", "123456789012"},
      {"time", FormatRfc3339(std::chrono::system_clock::now())},
      {"region", "us-east-1"},
      {"resources", {"arn:aws:ec2:us-east-1b:instance/" + instance}},
      {"detail", {{"instance-id", instance}, {"instance-action", "terminate"}}}};
  return event.dump();
}

double Ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

struct Fleet {
  std::vector<std::unique_ptr<LogicalCluster>> apis;
  std::vector<ClusterHandle> handles;
  std::map<std::string, std::string> node_of_instance;
  std::vector<std::string> instances;  // in cluster order
};

// Splits the sandbox's nodes into `clusters` logical clusters of `per_cluster` nodes, each
// registered in the store under its own tenant and reached by its own connection.
Fleet MakeFleet(const ClusterConnection& connection, Clock& clock, store::Store& store,
                int clusters, int per_cluster, int first_node, const std::string& tag) {
  Fleet fleet;
  KubeClusterApi lister(KubeRestClient::Create(connection, clock));
  Snapshot listed;
  if (!lister.List(ClusterResource::kNodes, {}, &listed)) return fleet;
  std::vector<Node> nodes;
  for (Node& n : listed.nodes) {
    if (!n.InstanceId().empty()) nodes.push_back(std::move(n));
  }
  for (int c = 0; c < clusters; ++c) {
    std::set<std::string> names;
    for (int i = 0; i < per_cluster; ++i) {
      const size_t index = static_cast<size_t>(first_node + c * per_cluster + i);
      if (index >= nodes.size()) break;
      const Node& node = nodes[index];
      names.insert(node.meta.name);
      fleet.node_of_instance[node.InstanceId()] = node.meta.name;
      fleet.instances.push_back(node.InstanceId());
    }
    auto tenant = store.tenants().CreateTenant(tag + "-tenant-" + std::to_string(c));
    auto cluster =
        store.clusters().RegisterCluster(tenant->id, {.name = tag + "-c" + std::to_string(c),
                                                      .region = "us-east-1",
                                                      .credentials = "kubeconfig"});
    fleet.apis.push_back(std::make_unique<LogicalCluster>(
        std::make_unique<KubeClusterApi>(KubeRestClient::Create(connection, clock)), names));
    fleet.handles.push_back({.tenant_id = tenant->id,
                             .cluster_id = cluster->id,
                             .name = tag + "-c" + std::to_string(c),
                             .region = "us-east-1",
                             .api = fleet.apis.back().get()});
  }
  return fleet;
}

InterruptionHandlerOptions BenchOptions() {
  InterruptionHandlerOptions options;
  options.pollers = 4;
  options.long_poll = std::chrono::milliseconds(200);
  // The sandbox serves every cluster from one process with a few HTTP threads on a 2-core
  // machine: fewer evacuations at once than a real fleet of API servers would take.
  options.evacuation_workers = 8;
  options.responder.drain.parallelism = 4;
  options.responder.drain.wait_for_pods_gone = false;  // evictions issued; no waiting
  options.responder.max_drain_window = std::chrono::seconds(20);
  options.log = [](std::string_view) {};
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const int latency_messages = argc > 1 ? std::atoi(argv[1]) : 200;
  const int burst = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int clusters = argc > 3 ? std::atoi(argv[3]) : 50;
  const int nodes_needed = latency_messages + burst;

  const std::string dir = testing::MakeTempDirectory("interruption-bench");
  const int port = testing::FreeLoopbackPort();
  testing::ChildProcess sandbox = testing::ChildProcess::Start(
      {CO_BINARY, "sandbox", "--scenario", std::string(CO_SOURCE_DIR) + "/scenarios/default.yaml",
       "--generate-nodes", std::to_string(nodes_needed), "--generate-pods",
       std::to_string(nodes_needed), "--port", std::to_string(port), "--kubeconfig-out",
       dir + "/kubeconfig", "--speed", "20"},
      {}, dir + "/sandbox.log");
  if (!testing::WaitForPort(port, std::chrono::seconds(120))) {
    std::cerr << "sandbox did not start; see " << dir << "/sandbox.log\n";
    return 1;
  }
  for (int i = 0; i < 1200 && !std::filesystem::exists(dir + "/kubeconfig"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Result<ClusterConnection> connection = LoadKubeconfig({.explicit_path = dir + "/kubeconfig"});
  if (!connection) {
    std::cerr << connection.error().ToString() << "\n";
    return 1;
  }
  SystemClock clock;
  store::StoreOptions store_options;
  store_options.secret_box =
      store::SecretBox::FromText(store::SecretBox::GenerateKeyHex().value()).value();
  auto store = store::OpenStore("sqlite://" + dir + "/store.db", std::move(store_options));
  if (!store) {
    std::cerr << store.error().ToString() << "\n";
    return 1;
  }

  // Raw costs of the calls the handler makes, one at a time on an idle handler.
  {
    KubeClusterApi api(KubeRestClient::Create(*connection, clock));
    Snapshot nodes;
    (void)api.List(ClusterResource::kNodes, {}, &nodes);
    std::vector<double> cordon, taint, pods_on_node;
    for (int i = 0; i < 20 && i < static_cast<int>(nodes.nodes.size()); ++i) {
      const std::string& name = nodes.nodes[nodes.nodes.size() - 1 - i].meta.name;
      auto t0 = Steady::now();
      (void)api.SetUnschedulable(name, false, {});
      auto t1 = Steady::now();
      (void)api.SetTaint(name, {"bench", "x", TaintEffect::kNoSchedule}, false, {});
      auto t2 = Steady::now();
      Snapshot pods;
      (void)api.List(ClusterResource::kPods, {.field_selector = "spec.nodeName=" + name}, &pods);
      auto t3 = Steady::now();
      cordon.push_back(Ms(t1 - t0));
      taint.push_back(Ms(t2 - t1));
      pods_on_node.push_back(Ms(t3 - t2));
    }
    std::printf(
        "single calls on an idle handler, median of %zu: uncordon %.1f ms, untaint %.1f "
        "ms, list pods on node %.1f ms\n",
        cordon.size(), Percentile(cordon, 0.5), Percentile(taint, 0.5),
        Percentile(pods_on_node, 0.5));
  }

  // (1) Latency: one cluster; first one message at a time (the next is sent when the previous
  // is deleted: nothing else loads the sandbox), then one every 50 ms (drains of earlier
  // messages run while later ones are cordoned).
  const int half = latency_messages / 2;
  for (bool paced : {false, true}) {
    Fleet fleet = MakeFleet(*connection, clock, **store, 1, half, paced ? half : 0,
                            paced ? "paced" : "single");
    StaticClusterDirectory directory(fleet.handles);
    StampingQueue queue;
    InterruptionHandler handler(**store, directory, queue, clock, BenchOptions());
    (void)handler.Start();
    std::map<std::string, std::string> message_node;
    size_t sent = 0;
    for (const std::string& instance : fleet.instances) {
      message_node[queue.Send(SpotWarning("lat-" + instance, instance))] =
          fleet.node_of_instance[instance];
      ++sent;
      if (paced) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      } else {
        while (queue.deleted() < sent) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    while (queue.deleted() < fleet.instances.size()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    handler.Stop();
    auto cordoned = fleet.apis[0]->cordoned_at();
    std::vector<double> latencies;
    for (const auto& [message, node] : message_node) {
      if (cordoned.contains(node)) {
        latencies.push_back(Ms(cordoned.at(node) - queue.ReceivedAt(message)));
      }
    }
    std::printf("latency, message received -> node cordoned (%zu messages, %s):\n",
                latencies.size(), paced ? "1 every 50 ms" : "one at a time");
    std::printf("  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms\n",
                Percentile(latencies, 0.50), Percentile(latencies, 0.95),
                Percentile(latencies, 0.99), Percentile(latencies, 1.0));
  }

  // (2) Burst: `burst` messages across `clusters` clusters, all queued before the start.
  {
    Fleet fleet = MakeFleet(*connection, clock, **store, clusters, burst / clusters,
                            latency_messages, "burst");
    StaticClusterDirectory directory(fleet.handles);
    StampingQueue queue;
    for (const std::string& instance : fleet.instances) {
      queue.Send(SpotWarning("burst-" + instance, instance));
    }
    InterruptionHandlerOptions options = BenchOptions();
    options.refresh_index_on_start = false;  // filled below, as the cluster caches would
    InterruptionHandler handler(**store, directory, queue, clock, options);
    (void)handler.router().RefreshAll();
    const auto start = Steady::now();
    (void)handler.Start();
    size_t cordoned = 0;
    Steady::time_point last_cordon = start;
    while (Steady::now() - start < std::chrono::minutes(5)) {
      cordoned = 0;
      for (auto& api : fleet.apis) {
        for (const auto& [node, at] : api->cordoned_at()) {
          ++cordoned;
          last_cordon = std::max(last_cordon, at);
        }
      }
      if (cordoned >= fleet.instances.size()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    while (queue.deleted() < fleet.instances.size() &&
           Steady::now() - start < std::chrono::minutes(5)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const auto all_deleted = Steady::now();
    handler.Stop();
    size_t gone = 0;
    for (auto& api : fleet.apis) gone += api->not_found();
    std::printf("  (%zu cordon calls answered NotFound: node gone from the sandbox)\n", gone);
    std::printf("burst: %zu interruptions across %d clusters (%d nodes each):\n",
                fleet.instances.size(), clusters, burst / clusters);
    std::printf("  all %zu cordoned after %.2f s; all messages handled and deleted after %.2f s\n",
                cordoned, Ms(last_cordon - start) / 1000, Ms(all_deleted - start) / 1000);
    InterruptionStats stats = handler.stats();
    std::printf("  handled %lld, failed %lld, deleted %lld\n",
                static_cast<long long>(stats.handled), static_cast<long long>(stats.failed),
                static_cast<long long>(stats.deleted));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
