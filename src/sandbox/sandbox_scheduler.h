// The sandbox's kube-scheduler: binds pending pods to nodes through the shared scheduling
// simulator (src/scheduling ClusterState), so that what fits in the sandbox is exactly what
// fits for the engines: requests vs allocatable minus the bound (DaemonSet) pods, max pods,
// unschedulable, nodeSelector, required node affinity, taints/tolerations, PVC/EBS volume
// zones, topology spread (maxSkew) and pod (anti-)affinity. NotReady nodes carry the
// node.kubernetes.io/not-ready:NoSchedule taint, as the node lifecycle controller adds.
// Among feasible nodes it prefers the least allocated (kube-scheduler's default scoring).
//
// Claims without a volume are provisioned on first use (WaitForFirstConsumer, as the EBS CSI
// driver's gp3 class does): a PV pinned to the chosen node's zone is created and bound, so a
// replacement pod of a StatefulSet stays in its volume's zone.
//
//   SandboxScheduler scheduler(&store, &index);
//   store.SetObserver("nodes", [&](auto type, const auto& n) { scheduler.NodeChanged(type, n); });
//   int bound = scheduler.SchedulePending(clock.Now());
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "sandbox/object_store.h"
#include "sandbox/pod_index.h"
#include "scheduling/cluster_state.h"

namespace cloudoptim::sandbox {

class SandboxScheduler {
 public:
  // Creates the EBS volume of a provisioned claim (zone, size) attached to the instance of the
  // chosen node, and returns its id; without one, ids are made up locally.
  using VolumeProvisioner = std::function<Result<std::string>(
      const std::string& zone, int64_t size_gib, const std::string& instance_id, TimePoint now)>;

  SandboxScheduler(ObjectStore* store, const PodIndex* index) : store_(store), index_(index) {}
  void SetVolumeProvisioner(VolumeProvisioner provisioner) {
    provisioner_ = std::move(provisioner);
  }

  // Binds what it can of the pending, unbound pods of the default scheduler; records an
  // Unschedulable PodScheduled condition with kube-scheduler's message on the rest ("0/5
  // nodes are available: 3 Insufficient cpu, 2 node(s) had untolerated taint."). Returns how
  // many pods were bound.
  int SchedulePending(TimePoint now);

  // A node was added, changed or removed: the next pass rebuilds the simulator's picture
  // (thread-safe; call from the store's node observer).
  void NodesChanged() { node_generation_.fetch_add(1); }
  // One node's change, from the store's node observer (thread-safe). A cordon or a taint
  // change (labels, resources and readiness unchanged) is applied to the picture in place at
  // the next pass; anything else rebuilds it. An interruption burst cordons hundreds of nodes
  // a second: a rebuild per pass decoded every pod each time.
  void NodeChanged(WatchEventType type, const nlohmann::json& node);

  // How many times the picture was rebuilt from the store (tests check that pods are bound
  // incrementally, not by rebuilding per pod or per pass).
  int64_t rebuilds() const { return rebuilds_; }

 private:
  // Nodes, claim zones and every bound pod, decoded from the store's text.
  Status Rebuild();
  // Applies the queued cordon/taint changes in place; false when one needs a rebuild.
  bool ApplyNodeChanges();
  // Brings the bound pods up to date with the pod index: binds pods bound since (by us, the
  // DaemonSet controller or the binding subresource), unbinds those deleted or finished.
  void SyncBoundPods();
  void SyncClaimZones();
  Status BindDecoded(const Pod& pod);
  // PVs for the pod's claims that have none, in `zone` (WaitForFirstConsumer).
  void ProvisionVolumes(const Pod& pod, const Node& node, TimePoint now);

  ObjectStore* store_;
  const PodIndex* index_;
  VolumeProvisioner provisioner_;
  ClusterState state_;
  bool valid_ = false;
  std::atomic<uint64_t> node_generation_{1};
  std::mutex changes_mutex_;
  std::vector<std::string> changed_nodes_;  // node texts modified since the last pass
  uint64_t built_generation_ = 0;
  int64_t rebuilds_ = 0;
  uint64_t sync_stamp_ = 0;
  uint64_t synced_index_generation_ = 0;
  struct Tracked {
    NodeId node = 0;
    uint64_t seen = 0;
    uint64_t labels = 0;  // digest of the pod's labels when it was bound here
  };
  std::unordered_map<std::string, Tracked> bound_;  // pod key -> node in state_
};

}  // namespace cloudoptim::sandbox
