// The simulated EKS cluster: the object store and everything that acts on it the way a
// control plane and its kubelets would — controllers, scheduler, kubelets, usage metrics —
// driven by a tick loop on simulated time, with nodes that come and go with the EC2
// instances behind them (SimulatedCloud::Listener) and spot interruptions that can be
// injected or happen at random.
//
//   SandboxCluster cluster(&clock, {.seed = 7, .interrupt_rate_per_hour = 0.5});
//   cluster.AddInstance(instance, "general");           // becomes a Ready Node
//   cluster.Tick();                                     // one control-loop pass
//   cluster.StartLoop(std::chrono::milliseconds(500));  // or run it in the background
//   cluster.AttachCloud(&cloud);  // or: instances come from a SimulatedCloud (one code path
//                                 // for Nodes, `aws ec2` and the interruption queue)
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "cloudsim/simulated_cloud.h"
#include "common/clock.h"
#include "sandbox/api_handlers.h"
#include "sandbox/object_store.h"
#include "sandbox/pod_index.h"
#include "sandbox/sandbox_kubelet.h"
#include "sandbox/sandbox_scheduler.h"
#include "sandbox/workload_controllers.h"

namespace cloudoptim::sandbox {

// The EKS tag naming an instance's managed node group.
inline constexpr std::string_view kNodeGroupTag = "eks:nodegroup-name";
// The launch template of a node group's instances when a cloud is attached: "eks-<group>".
inline std::string NodeGroupLaunchTemplateName(std::string_view node_group) {
  return "eks-" + std::string(node_group);
}

class SandboxCluster final : public MetricsSource, public SimulatedCloud::Listener {
 public:
  struct Options {
    uint64_t seed = 1;
    std::string region = "us-east-1";
    // Random spot interruptions per spot instance per simulated hour (0 = none).
    double interrupt_rate_per_hour = 0;
    Duration interruption_notice = std::chrono::minutes(2);
    size_t event_window = 50000;
    // Where node shapes come from (any of its types can be launched); nullptr: the shipped
    // catalogue (ShippedCatalog()).
    const Catalog* catalog = nullptr;
  };

  SandboxCluster(const Clock* clock, Options options);
  ~SandboxCluster() override;

  ObjectStore& store() { return store_; }
  const PodIndex& pod_index() const { return index_; }
  SandboxKubelet& kubelet() { return kubelet_; }
  const SandboxScheduler& scheduler() const { return scheduler_; }
  const Clock& clock() const { return *clock_; }
  const Catalog* catalog() const { return catalog_; }

  // Node lifecycle. Instances that join become Nodes; terminated ones take their Node and
  // (through the garbage collector) their pods with them.
  void OnInstanceRunning(const Ec2Instance& instance, bool joins_cluster) override;
  void OnInstanceTerminated(const Ec2Instance& instance) override;
  // Registers an instance of the sandbox's own fleet (used when no SimulatedCloud drives
  // the cluster). InvalidArgument for an instance type the catalogue does not know.
  Status AddInstance(const Ec2Instance& instance, const std::string& node_group);
  // Makes `cloud` the source of the fleet: the cluster listens to it, LaunchInstance goes
  // through RunInstances, Tick advances it, and interruptions of spot instances become its
  // EventBridge warnings (the cloud then terminates the instance). Call before any launch.
  void AttachCloud(SimulatedCloud* cloud);
  SimulatedCloud* cloud() const { return cloud_; }
  // Launches one instance shaped like `spec` (type, zone, capacity, tags, launch_time) in the
  // attached cloud, back-dated to spec.launch_time, and returns it with the cloud's id and IP;
  // without a cloud it is AddInstance. The Node appears at the next SyncCloud/Tick.
  Result<Ec2Instance> LaunchInstance(const Ec2Instance& spec, const std::string& node_group,
                                     bool joins_cluster);
  // Advances the attached cloud to the clock's time (no-op without a cloud).
  void SyncCloud();
  // Instances the fleet knows, joined or not (orphans), for reports and tests.
  std::vector<Ec2Instance> Instances() const;

  // Spot interruption by instance id or node name: a Warning Event on the node (the
  // EventBridge-shaped warning once a SimulatedCloud is attached), then termination
  // `interruption_notice` later in simulated time. NotFound for unknown targets.
  Status Interrupt(const std::string& instance_or_node);

  // One pass: terminations due, random interruptions, controllers, scheduler, kubelets.
  void Tick();
  void StartLoop(std::chrono::milliseconds period);
  void StopLoop();

  // metrics.k8s.io
  Result<nlohmann::json> NodeMetrics(const std::string& name) override;
  Result<nlohmann::json> PodMetrics(const std::string& namespace_name,
                                    const std::string& name) override;

 private:
  struct FleetInstance {
    Ec2Instance instance;
    std::string node_group;
    bool joined = false;
    std::optional<TimePoint> terminate_at;
    // The attached cloud terminates it (spot interruption injected there).
    bool cloud_terminates = false;
  };

  void TerminateDue(TimePoint now);
  void InjectRandomInterruptions(TimePoint now, Duration elapsed);
  void RemoveNodeOf(const Ec2Instance& instance);

  const Clock* clock_;
  Options options_;
  const Catalog* catalog_;
  SimulatedCloud* cloud_ = nullptr;
  ObjectStore store_;
  PodIndex index_;
  WorkloadControllers controllers_;
  SandboxScheduler scheduler_;
  SandboxKubelet kubelet_;

  mutable std::mutex fleet_mutex_;
  std::map<std::string, FleetInstance> fleet_;  // instance id -> instance
  std::mt19937_64 random_;

  std::mutex tick_mutex_;  // one Tick at a time
  uint64_t last_reconciled_version_ = UINT64_MAX;
  std::optional<TimePoint> last_tick_;

  std::thread loop_;
  std::mutex loop_mutex_;
  std::condition_variable loop_cv_;
  bool loop_stop_ = false;
};

}  // namespace cloudoptim::sandbox
