// Consolidation pass time: a generated cluster of 5,000 nodes and 150,000 pods (30 per node,
// node utilisation drawn between 35% and 95%), all three consolidation methods, one thread,
// against the full us-east-1 catalogue for replacements. Prints time and what was found.
//
// Cluster shape: node types m5.2xlarge, m5.4xlarge, c5.4xlarge, r5.2xlarge, m6i.4xlarge in
// three zones; pods belong to deployments of 30 replicas spread over nodes; 10% of
// deployments carry hostname anti-affinity, 10% zone topology spread; every node runs a
// DaemonSet pod; one deployment in twenty has a PDB allowing one disruption. Wall and CPU
// time are both printed: the machine is shared, and CPU time is what the pass costs.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/shipped_catalog_test_util.h"
#include "engines/consolidation.h"

namespace cloudoptim {
namespace {

Snapshot MakeCluster(const Catalog& catalog, int node_count, int pods_per_node, uint32_t seed) {
  std::mt19937 rng(seed);
  const std::vector<std::string> types = {"m5.2xlarge", "m5.4xlarge", "c5.4xlarge", "r5.2xlarge",
                                          "m6i.4xlarge"};
  const std::vector<std::string> zones = {"us-east-1a", "us-east-1b", "us-east-1c"};
  std::uniform_real_distribution<double> utilization(0.35, 0.95), jitter(0.5, 1.5);
  Snapshot s;
  s.region = "us-east-1";
  s.cluster_name = "bench";
  int deployments = node_count * pods_per_node / 30;
  for (int d = 0; d < deployments; d += 20) {
    PodDisruptionBudget pdb;
    pdb.meta.name = "pdb-" + std::to_string(d);
    pdb.meta.namespace_name = "bench";
    pdb.selector = LabelSelector::FromMatchLabels({{"app", "dep-" + std::to_string(d)}});
    pdb.disruptions_allowed = 1;
    s.disruption_budgets.push_back(pdb);
  }
  int pod_index = 0;
  for (int n = 0; n < node_count; ++n) {
    Node node;
    node.meta.name = "node-" + std::to_string(n);
    std::string type = types[rng() % types.size()];
    std::string zone = zones[n % zones.size()];
    node.meta.labels = {{std::string(labels::kHostname), node.meta.name},
                        {std::string(labels::kInstanceType), type},
                        {std::string(labels::kZone), zone}};
    node.provider_id = "aws:///" + zone + "/i-" + std::to_string(n);
    node.allocatable = node.capacity = catalog.FindType(type)->allocatable;
    s.nodes.push_back(node);
    double cpu_share = utilization(rng) / pods_per_node;
    double memory_share = utilization(rng) / pods_per_node;
    for (int k = 0; k < pods_per_node; ++k, ++pod_index) {
      Pod pod;
      int deployment = (pod_index * 7919) % deployments;  // replicas land on many nodes
      std::string app = "dep-" + std::to_string(deployment);
      pod.meta.name = app + "-" + std::to_string(pod_index);
      pod.meta.namespace_name = "bench";
      pod.meta.labels = {{"app", app}};
      pod.meta.owner_references.push_back({"apps/v1", "ReplicaSet", app, "", true});
      pod.node_name = node.meta.name;
      pod.phase = PodPhase::kRunning;
      Container c;
      c.resources.requests.cpu_millis =
          static_cast<int64_t>(node.allocatable.cpu_millis * cpu_share * jitter(rng) * 0.98);
      c.resources.requests.memory_bytes =
          static_cast<int64_t>(node.allocatable.memory_bytes * memory_share * jitter(rng) * 0.98);
      pod.containers.push_back(c);
      LabelSelector selector = LabelSelector::FromMatchLabels(pod.meta.labels);
      if (deployment % 10 == 1) {
        pod.affinity.required_pod_anti_affinity.push_back(
            {selector, {}, std::string(labels::kHostname)});
      } else if (deployment % 10 == 2) {
        pod.topology_spread.push_back(
            {1, std::string(labels::kZone), UnsatisfiableAction::kDoNotSchedule, selector});
      }
      s.pods.push_back(std::move(pod));
    }
    Pod daemon;
    daemon.meta.name = "kube-proxy-" + std::to_string(n);
    daemon.meta.namespace_name = "kube-system";
    daemon.meta.owner_references.push_back({"apps/v1", "DaemonSet", "kube-proxy", "", true});
    daemon.node_name = node.meta.name;
    daemon.phase = PodPhase::kRunning;
    s.pods.push_back(std::move(daemon));
  }
  return s;
}

}  // namespace
}  // namespace cloudoptim

int main(int argc, char** argv) {
  using namespace cloudoptim;
  const Catalog& catalog = ShippedCatalog();
  int nodes = argc > 1 ? std::atoi(argv[1]) : 5000;
  Snapshot snapshot = MakeCluster(catalog, nodes, 30, 7);
  Policy policy;
  EngineInput input{snapshot, policy, catalog, nullptr};
  LaunchCatalog launch = LaunchCatalog::Build(input);
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  std::vector<Recommendation> recs = RunConsolidation(input, launch);
  double cpu_seconds = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int removed = 0, launched = 0;
  Money savings;
  for (const Recommendation& r : recs) {
    savings += r.monthly_savings;
    for (const Action& a : r.actions) {
      removed += a.type == ActionType::kTerminateNode ? 1 : 0;
      launched += a.type == ActionType::kLaunchNodes ? 1 : 0;
    }
  }
  std::printf(
      "consolidation  %d nodes  %zu pods  %.2f s wall  %.2f s cpu  %zu recommendations  "
      "%d nodes removed  %d launched  saving %s/month\n",
      nodes, snapshot.pods.size(), seconds, cpu_seconds, recs.size(), removed, launched,
      savings.ToString().c_str());
  return 0;
}
