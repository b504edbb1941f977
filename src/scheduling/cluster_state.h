// The scheduling simulator: a mutable picture of nodes and the pods bound to them that
// answers "does pod P fit on node N, and if not, why" with kube-scheduler's semantics, and
// lets callers bind, unbind, add hypothetical nodes and remove nodes in what-if simulations.
// The sandbox's scheduler and every engine use it, so both agree on what fits.
//
//   ClusterState state = ClusterState::FromSnapshot(snapshot);
//   PreparedPod pod = state.Prepare(pending_pod);
//   FitFailure why = state.Fits(pod, node_id);       // kNone when it fits
//   std::optional<NodeId> n = state.FindNode(pod);   // a feasible node, most allocated first
//   if (n) state.Bind(pod, *n);
//
// Semantics: requests (max of init containers, plus overhead) against allocatable minus the
// requests of bound pods (DaemonSet overhead is simply the bound DaemonSet pods), max pods,
// unschedulable, nodeSelector, required node affinity, NoSchedule/NoExecute taints, PVC/PV
// zone binding, topology spread with whenUnsatisfiable=DoNotSchedule (maxSkew, minDomains;
// ScheduleAnyway is a preference and never blocks), required pod affinity and anti-affinity
// on any topology key, and the symmetric anti-affinity of pods already bound.
// Known simplification: spread counts include pods on nodes the incoming pod could not use
// (Kubernetes counts only nodes passing its node affinity); domains are still filtered.
//
// Speed: a pod's static checks (selector, affinity, taints, volume zone) are cached per
// distinct placement class and node; free resources are kept per node; pods matching each
// distinct (selector, namespaces, topology key) are counted incrementally per domain.
// Not thread-safe: Fits() fills caches.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/node.h"
#include "model/pod.h"
#include "model/snapshot.h"
#include "scheduling/fit_failure.h"

namespace cloudoptim {

using NodeId = int32_t;

// A pod digested for fast repeated checks. Create with ClusterState::Prepare; valid only with
// the state that prepared it. Holds a pointer to the pod, which must outlive it.
struct PreparedPod {
  struct TermRef {
    int32_t counter = -1;
    int32_t key = -1;
    int32_t max_skew = 1;
    int32_t min_domains = 0;
    bool self_match = false;  // the pod matches its own selector (counts itself)
  };

  const Pod* pod = nullptr;
  std::string key;  // namespace/name
  Resources requests;
  int32_t placement_class = -1;
  std::vector<TermRef> spread;         // DoNotSchedule constraints only
  std::vector<TermRef> affinity;       // required pod affinity
  std::vector<TermRef> anti_affinity;  // required pod anti-affinity
  std::vector<int32_t> carried_terms;  // this pod's anti-affinity terms, as carriers

  // Caches the state fills: counters whose selector selects this pod (bumped on Bind) and
  // anti-affinity carriers that select it, with how many counters were examined so far.
  mutable std::vector<int32_t> selecting_counters;
  mutable std::vector<int32_t> selecting_carriers;
  mutable size_t counters_examined = 0;
};

class ClusterState {
 public:
  ClusterState();
  ~ClusterState();
  ClusterState(ClusterState&&) noexcept;
  ClusterState& operator=(ClusterState&&) noexcept;

  // Every node of the snapshot, every non-terminal pod bound to one, and the zone of every
  // bound PVC (from its PV) for volume zone checks.
  static ClusterState FromSnapshot(const Snapshot& snapshot);
  // An independent copy (for trying alternatives); pods prepared before the copy stay valid
  // with both states.
  ClusterState Clone() const;

  // Adds a node (real or hypothetical) and returns its id; ids are dense and stable.
  NodeId AddNode(Node node);
  // A removed node fits nothing and its domains no longer count; its pods stay bound (unbind
  // them first when simulating a drain). Restoring makes it usable again.
  void SetNodeRemoved(NodeId id, bool removed);
  bool IsNodeRemoved(NodeId id) const;
  // A cordon or taint change of a node whose labels and resources stay the same: only that
  // node's cached fit results are recomputed (the sandbox's scheduler then needs no rebuild).
  void SetNodeScheduling(NodeId id, bool unschedulable, std::vector<Taint> taints);
  // The PV zone of a claim ("namespace/claim"); pods using it only fit nodes in that zone.
  void SetClaimZone(const std::string& namespace_and_claim, const std::string& zone);
  // A domain that does not exist yet but may (a zone where a node can be launched); spread
  // constraints count it with zero pods.
  void AddPotentialDomain(std::string_view topology_key, std::string_view value);

  PreparedPod Prepare(const Pod& pod);
  FitFailure Fits(const PreparedPod& pod, NodeId node) const;
  // Feasible node with the least free CPU+memory share after placement (bin-packing
  // "MostAllocated" scoring; ties to the lowest id); nullopt when none. When `failures` is
  // given it receives the failure for every node (for FailedSchedulingMessage).
  std::optional<NodeId> FindNode(const PreparedPod& pod,
                                 std::vector<FitFailure>* failures = nullptr) const;
  void Bind(const PreparedPod& pod, NodeId node);
  // Returns false when the pod is not bound there.
  bool Unbind(const PreparedPod& pod, NodeId node);
  // The same by key ("namespace/name"), for callers that keep bound pods only as keys (the
  // sandbox's scheduler does not hold 150,000 decoded pods).
  bool Unbind(std::string_view pod_key, NodeId node);

  size_t NodeCount() const;
  const Node& GetNode(NodeId id) const;
  std::optional<NodeId> FindNodeByName(std::string_view name) const;
  Resources Allocatable(NodeId id) const;
  Resources Requested(NodeId id) const;  // sum of bound pods' requests
  Resources Free(NodeId id) const { return Allocatable(id) - Requested(id); }
  // Keys ("namespace/name") of the pods bound to the node, in bind order.
  std::vector<std::string> BoundPodKeys(NodeId id) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cloudoptim
