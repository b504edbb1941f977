// What the interruption handler needs to know about every registered cluster, behind one
// small interface the control plane implements: the cluster's identity (tenant, id), its
// ClusterApi, where replacement capacity comes from, and its rebalance policy.
//
//   class CoreDirectory final : public ClusterDirectory {
//     std::vector<ClusterHandle> Clusters() override { return handles_; }  // under a lock
//   };
//   InterruptionHandler handler(store, directory, queue, clock, options);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "engines/policy.h"
#include "kube/cluster_api.h"
#include "risk/pool_score.h"

namespace cloudoptim {

class Catalog;
class ReplacementLauncher;

// What to do on an "EC2 Instance Rebalance Recommendation" (elevated risk, no deadline).
enum class RebalancePolicy {
  kIgnore,             // delete the message, touch nothing
  kCordon,             // cordon and taint: no new pods land there, running ones stay
  kLaunchBeforeDrain,  // cordon, taint, launch a replacement, then drain
};
std::string_view RebalancePolicyName(RebalancePolicy policy);  // "ignore", "cordon", ...
// Accepts "ignore", "cordon", "launch-before-drain"; InvalidArgument naming the value.
Result<RebalancePolicy> ParseRebalancePolicy(std::string_view text);

// One registered cluster. Pointers are not owned; they must outlive the handler's use of the
// handle (the directory returns handles whose objects live as long as the cluster is
// registered). `launcher`, `catalog` and `scores` may be null: then no replacement is launched
// (the interrupted node is still cordoned and drained).
struct ClusterHandle {
  std::string tenant_id;
  std::string cluster_id;  // the store's id: journal, audit and feedback rows name it
  std::string name;        // for log lines
  std::string region;
  ClusterApi* api = nullptr;
  ReplacementLauncher* launcher = nullptr;
  const Catalog* catalog = nullptr;
  const PoolScoreTable* scores = nullptr;
  SafetyThresholds thresholds;  // min_pool_safety_score picks replacement pools
  RebalancePolicy rebalance = RebalancePolicy::kCordon;
};

class ClusterDirectory {
 public:
  virtual ~ClusterDirectory() = default;
  // Every cluster the handler serves right now. Called when an instance id is not in the
  // index (to look it up) and by Refresh; must be cheap and thread-safe.
  virtual std::vector<ClusterHandle> Clusters() = 0;
};

// A fixed list of clusters: tests, benchmarks and single-cluster tools.
class StaticClusterDirectory final : public ClusterDirectory {
 public:
  explicit StaticClusterDirectory(std::vector<ClusterHandle> clusters)
      : clusters_(std::move(clusters)) {}
  std::vector<ClusterHandle> Clusters() override { return clusters_; }

 private:
  std::vector<ClusterHandle> clusters_;
};

}  // namespace cloudoptim
