#include "scheduling/cluster_state.h"

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

#include "scheduling/node_constraints.h"
#include "scheduling/topology_counters.h"

namespace cloudoptim {
namespace {

struct BoundPod {
  std::string key;
  std::string namespace_name;
  Labels labels;
  Resources requests;
  std::vector<int32_t> counters;  // counters this pod incremented (matching and carried)
};

struct SimNode {
  Node node;
  Resources requested;
  bool removed = false;
  std::vector<BoundPod> pods;
};

// Pods with the same node selector, node affinity, tolerations and volume zone pass the same
// static checks on every node; the result is computed once per (class, node).
struct PlacementClass {
  Labels node_selector;
  std::vector<NodeSelectorTerm> terms;
  std::vector<Toleration> tolerations;
  std::string volume_zone;
  bool volume_conflict = false;
  std::vector<FitFailure> static_results;  // by node id, filled lazily
  struct Eligible {
    uint64_t version = 0;
    std::vector<int32_t> domains;
  };
  std::map<int32_t, Eligible> eligible_domains;  // by topology key
  // Potential domains of a key this class may use (no version: potential domains only grow).
  struct Potential {
    size_t checked = 0;  // how many of the key's potential domains were examined
    std::vector<int32_t> domains;
  };
  std::map<int32_t, Potential> eligible_potential;

  bool HasNodeConstraints() const { return !node_selector.empty() || !terms.empty(); }
};

void AppendSelector(const LabelSelector& selector, std::string* out) {
  for (const SelectorRequirement& r : selector.requirements) {
    *out += r.key;
    *out += static_cast<char>('0' + static_cast<int>(r.op));
    for (const std::string& v : r.values) *out += v + ",";
    *out += ";";
  }
}

std::string PlacementSignature(const Pod& pod, const std::string& zone, bool conflict) {
  std::string s;
  for (const auto& [k, v] : pod.node_selector) s += k + "=" + v + ";";
  s += "|";
  for (const NodeSelectorTerm& term : pod.affinity.required_node_terms) {
    AppendSelector(LabelSelector{term.match_expressions}, &s);
    s += "#";
    AppendSelector(LabelSelector{term.match_fields}, &s);
    s += "||";
  }
  s += "|";
  for (const Toleration& t : pod.tolerations) {
    s += t.key + (t.operator_exists ? "?" : "=") + t.value;
    s += t.effect ? static_cast<char>('0' + static_cast<int>(*t.effect)) : '*';
    s += ";";
  }
  s += "|" + zone + (conflict ? "!" : "");
  return s;
}

}  // namespace

struct ClusterState::Impl {
  std::vector<SimNode> nodes;
  std::unordered_map<std::string, NodeId> node_by_name;
  std::unordered_map<std::string, std::string> claim_zones;
  TopologyCounters topology;
  std::vector<PlacementClass> classes;
  std::unordered_map<std::string, int32_t> class_by_signature;
  uint64_t domain_version = 1;  // bumped when the set of nodes or potential domains changes

  FitFailure StaticFit(PlacementClass& c, NodeId id) const {
    const Node& node = nodes[id].node;
    if (c.volume_conflict) return FitFailure::kVolumeZoneConflict;
    if (node.unschedulable && !ToleratesUnschedulable(c.tolerations)) {
      return FitFailure::kNodeUnschedulable;
    }
    if (!MatchesNodeSelectorAndAffinity(c.node_selector, c.terms, node)) {
      return FitFailure::kNodeSelectorMismatch;
    }
    if (!ToleratesAll(c.tolerations, node.taints)) return FitFailure::kTaintNotTolerated;
    if (!c.volume_zone.empty() && node.Zone() != c.volume_zone) {
      return FitFailure::kVolumeZoneConflict;
    }
    return FitFailure::kNone;
  }

  FitFailure CachedStaticFit(int32_t class_id, NodeId id) {
    PlacementClass& c = classes[class_id];
    while (c.static_results.size() <= static_cast<size_t>(id)) {
      c.static_results.push_back(StaticFit(c, static_cast<NodeId>(c.static_results.size())));
    }
    return c.static_results[id];
  }

  // Domains of `key` a pod of this class could be placed in: those of live nodes passing its
  // node selector/affinity (taints do not filter, as nodeTaintsPolicy defaults to Ignore),
  // plus potential domains its affinity allows.
  const std::vector<int32_t>& EligibleDomains(int32_t class_id, int32_t key) {
    PlacementClass::Eligible& e = classes[class_id].eligible_domains[key];
    if (e.version == domain_version) return e.domains;
    std::vector<char> seen(topology.DomainCount(key), 0);
    e.domains.clear();
    for (NodeId id = 0; id < static_cast<NodeId>(nodes.size()); ++id) {
      int32_t d = topology.NodeDomain(id, key);
      if (d < 0 || seen[d] || nodes[id].removed) continue;
      if (CachedStaticFit(class_id, id) == FitFailure::kNodeSelectorMismatch) continue;
      seen[d] = 1;
      e.domains.push_back(d);
    }
    const PlacementClass& c = classes[class_id];
    for (int32_t d : topology.PotentialDomains(key)) {
      if (seen[d]) continue;
      if (!MayMatchDomain(c.node_selector, c.terms, topology.KeyName(key),
                          topology.DomainName(key, d))) {
        continue;
      }
      seen[d] = 1;
      e.domains.push_back(d);
    }
    e.version = domain_version;
    return e.domains;
  }

  const std::vector<int32_t>& EligiblePotential(int32_t class_id, int32_t key) {
    PlacementClass& c = classes[class_id];
    const std::vector<int32_t>& potential = topology.PotentialDomains(key);
    PlacementClass::Potential& eligible = c.eligible_potential[key];
    // Potential domains only ever get added: examine the new ones.
    for (; eligible.checked < potential.size(); ++eligible.checked) {
      int32_t d = potential[eligible.checked];
      if (MayMatchDomain(c.node_selector, c.terms, topology.KeyName(key),
                         topology.DomainName(key, d))) {
        eligible.domains.push_back(d);
      }
    }
    return eligible.domains;
  }

  // The smallest count of matching pods over the domains the pod could use. An empty potential
  // domain makes it zero at once; pods without node constraints can use every live domain, so
  // their minimum needs no per-class domain list.
  int64_t MinCount(int32_t class_id, const PreparedPod::TermRef& t) {
    const std::vector<int32_t>& potential = EligiblePotential(class_id, t.key);
    for (int32_t d : potential) {
      if (topology.Count(t.counter, d) == 0) return 0;
    }
    if (!classes[class_id].HasNodeConstraints()) {
      int64_t domains = topology.LiveDomainCount(t.key);
      for (int32_t d : potential) domains += topology.LiveDomain(t.key, d) ? 0 : 1;
      if (domains < t.min_domains) return 0;
      if (topology.Total(t.counter) < domains) return 0;
      int64_t min = std::numeric_limits<int64_t>::max();
      for (int32_t d = 0; d < topology.DomainCount(t.key); ++d) {
        if (topology.LiveDomain(t.key, d)) min = std::min(min, topology.Count(t.counter, d));
      }
      for (int32_t d : potential) min = std::min(min, topology.Count(t.counter, d));
      return domains == 0 ? 0 : min;
    }
    const std::vector<int32_t>& domains = EligibleDomains(class_id, t.key);
    if (static_cast<int64_t>(domains.size()) < t.min_domains) return 0;
    if (topology.Total(t.counter) < static_cast<int64_t>(domains.size())) {
      return 0;  // fewer matching pods than domains: some domain is empty
    }
    int64_t min = std::numeric_limits<int64_t>::max();
    for (int32_t d : domains) min = std::min<int64_t>(min, topology.Count(t.counter, d));
    return domains.empty() ? 0 : min;
  }

  // Brings the pod's cache of selecting counters up to date with counters created since.
  void RefreshSelecting(const PreparedPod& pod) {
    size_t count = topology.CounterCount();
    if (pod.counters_examined == count) return;
    pod.selecting_counters.clear();
    pod.selecting_carriers.clear();
    topology.SelectingCounters(pod.pod->meta.namespace_name, pod.pod->meta.labels,
                               &pod.selecting_counters, &pod.selecting_carriers);
    pod.counters_examined = count;
  }

  // A counter created after pods were bound starts with their counts.
  void CountBoundPods(int32_t counter) {
    for (NodeId id = 0; id < static_cast<NodeId>(nodes.size()); ++id) {
      for (BoundPod& b : nodes[id].pods) {
        if (!topology.Selects(counter, b.namespace_name, b.labels)) continue;
        b.counters.push_back(counter);
        topology.Add(counter, id, +1);
      }
    }
  }

  FitFailure DynamicFit(const PreparedPod& pod, NodeId id) {
    for (const PreparedPod::TermRef& t : pod.spread) {
      int32_t d = topology.NodeDomain(id, t.key);
      if (d < 0) return FitFailure::kTopologySpreadMissingLabel;
      int64_t skew =
          topology.Count(t.counter, d) + (t.self_match ? 1 : 0) - MinCount(pod.placement_class, t);
      if (skew > t.max_skew) return FitFailure::kTopologySpread;
    }
    for (const PreparedPod::TermRef& t : pod.affinity) {
      int32_t d = topology.NodeDomain(id, t.key);
      if (d < 0) return FitFailure::kPodAffinity;
      // The first pod of a group with affinity to itself may go anywhere.
      if (topology.Total(t.counter) == 0 && t.self_match) continue;
      if (topology.Count(t.counter, d) == 0) return FitFailure::kPodAffinity;
    }
    for (const PreparedPod::TermRef& t : pod.anti_affinity) {
      int32_t d = topology.NodeDomain(id, t.key);
      if (d >= 0 && topology.Count(t.counter, d) > 0) return FitFailure::kPodAntiAffinity;
    }
    RefreshSelecting(pod);
    for (int32_t c : pod.selecting_carriers) {
      int32_t d = topology.NodeDomain(id, topology.CounterKey(c));
      if (d >= 0 && topology.Count(c, d) > 0) return FitFailure::kExistingPodAntiAffinity;
    }
    return FitFailure::kNone;
  }
};

ClusterState::ClusterState() : impl_(std::make_unique<Impl>()) {}
ClusterState::~ClusterState() = default;
ClusterState::ClusterState(ClusterState&&) noexcept = default;
ClusterState& ClusterState::operator=(ClusterState&&) noexcept = default;

ClusterState ClusterState::FromSnapshot(const Snapshot& snapshot) {
  ClusterState state;
  for (const Node& node : snapshot.nodes) state.AddNode(node);
  std::unordered_map<std::string, const PersistentVolume*> pv_by_name;
  for (const PersistentVolume& pv : snapshot.persistent_volumes) pv_by_name[pv.meta.name] = &pv;
  for (const PersistentVolumeClaim& pvc : snapshot.persistent_volume_claims) {
    auto it = pv_by_name.find(pvc.volume_name);
    if (it != pv_by_name.end() && !it->second->zone.empty()) {
      state.SetClaimZone(pvc.meta.Key(), it->second->zone);
    }
  }
  // Prepare every pod before binding any, so that counters start empty instead of each new
  // one scanning the pods bound so far.
  std::vector<std::pair<PreparedPod, NodeId>> bound;
  for (const Pod& pod : snapshot.pods) {
    if (pod.node_name.empty() || pod.IsTerminal()) continue;
    std::optional<NodeId> id = state.FindNodeByName(pod.node_name);
    if (id) bound.emplace_back(state.Prepare(pod), *id);
  }
  for (const auto& [pod, id] : bound) state.Bind(pod, id);
  return state;
}

ClusterState ClusterState::Clone() const {
  ClusterState copy;
  *copy.impl_ = *impl_;
  return copy;
}

NodeId ClusterState::AddNode(Node node) {
  NodeId id = static_cast<NodeId>(impl_->nodes.size());
  impl_->node_by_name[node.meta.name] = id;
  impl_->topology.AddNode(id, node.meta.labels);
  impl_->nodes.push_back(SimNode{std::move(node)});
  ++impl_->domain_version;
  return id;
}

void ClusterState::SetNodeRemoved(NodeId id, bool removed) {
  if (impl_->nodes[id].removed == removed) return;
  impl_->nodes[id].removed = removed;
  impl_->topology.SetNodeLive(id, !removed);
  ++impl_->domain_version;
}

void ClusterState::SetNodeScheduling(NodeId id, bool unschedulable, std::vector<Taint> taints) {
  Node& node = impl_->nodes[id].node;
  node.unschedulable = unschedulable;
  node.taints = std::move(taints);
  for (PlacementClass& c : impl_->classes) {
    if (c.static_results.size() > static_cast<size_t>(id)) {
      c.static_results[id] = impl_->StaticFit(c, id);
    }
  }
}

bool ClusterState::IsNodeRemoved(NodeId id) const { return impl_->nodes[id].removed; }

void ClusterState::SetClaimZone(const std::string& namespace_and_claim, const std::string& zone) {
  impl_->claim_zones[namespace_and_claim] = zone;
}

void ClusterState::AddPotentialDomain(std::string_view topology_key, std::string_view value) {
  impl_->topology.AddPotentialDomain(topology_key, value);
  ++impl_->domain_version;
}

PreparedPod ClusterState::Prepare(const Pod& pod) {
  PreparedPod p;
  p.pod = &pod;
  p.key = pod.meta.Key();
  p.requests = pod.Requests();
  std::string zone;
  bool conflict = false;
  for (const Volume& v : pod.volumes) {
    if (v.pvc_claim_name.empty()) continue;
    auto it = impl_->claim_zones.find(pod.meta.namespace_name + "/" + v.pvc_claim_name);
    if (it == impl_->claim_zones.end()) continue;
    if (!zone.empty() && zone != it->second) conflict = true;
    zone = it->second;
  }
  std::string signature = PlacementSignature(pod, zone, conflict);
  auto [it, inserted] =
      impl_->class_by_signature.try_emplace(signature, static_cast<int32_t>(impl_->classes.size()));
  if (inserted) {
    impl_->classes.push_back(PlacementClass{pod.node_selector, pod.affinity.required_node_terms,
                                            pod.tolerations, zone, conflict});
  }
  p.placement_class = it->second;
  TopologyCounters& topo = impl_->topology;
  const std::vector<std::string> own_namespace{pod.meta.namespace_name};
  for (const TopologySpreadConstraint& c : pod.topology_spread) {
    if (c.when_unsatisfiable != UnsatisfiableAction::kDoNotSchedule) continue;
    PreparedPod::TermRef t;
    t.key = topo.KeyId(c.topology_key);
    bool created = false;
    t.counter = topo.MatchingCounter(t.key, own_namespace, c.label_selector, &created);
    if (created) impl_->CountBoundPods(t.counter);
    t.max_skew = c.max_skew;
    t.min_domains = c.min_domains.value_or(0);
    t.self_match = c.label_selector.Matches(pod.meta.labels);
    p.spread.push_back(t);
  }
  auto term_ref = [&](const PodAffinityTerm& term, bool carrier) {
    const std::vector<std::string>& ns = term.namespaces.empty() ? own_namespace : term.namespaces;
    PreparedPod::TermRef t;
    t.key = topo.KeyId(term.topology_key);
    bool created = false;
    t.counter = carrier ? topo.CarrierCounter(t.key, ns, term.label_selector)
                        : topo.MatchingCounter(t.key, ns, term.label_selector, &created);
    if (created) impl_->CountBoundPods(t.counter);
    t.self_match = std::find(ns.begin(), ns.end(), pod.meta.namespace_name) != ns.end() &&
                   term.label_selector.Matches(pod.meta.labels);
    return t;
  };
  for (const PodAffinityTerm& term : pod.affinity.required_pod_affinity) {
    p.affinity.push_back(term_ref(term, false));
  }
  for (const PodAffinityTerm& term : pod.affinity.required_pod_anti_affinity) {
    p.anti_affinity.push_back(term_ref(term, false));
    p.carried_terms.push_back(term_ref(term, true).counter);
  }
  return p;
}

FitFailure ClusterState::Fits(const PreparedPod& pod, NodeId id) const {
  const SimNode& node = impl_->nodes[id];
  if (node.removed) return FitFailure::kNodeRemoved;
  FitFailure f = impl_->CachedStaticFit(pod.placement_class, id);
  if (f != FitFailure::kNone) return f;
  Resources free = node.node.allocatable - node.requested;
  const Resources& r = pod.requests;
  if (r.pods > free.pods) return FitFailure::kTooManyPods;
  if (r.cpu_millis > free.cpu_millis) return FitFailure::kInsufficientCpu;
  if (r.memory_bytes > free.memory_bytes) return FitFailure::kInsufficientMemory;
  if (r.ephemeral_storage_bytes > free.ephemeral_storage_bytes) {
    return FitFailure::kInsufficientEphemeralStorage;
  }
  if (r.gpus > free.gpus) return FitFailure::kInsufficientGpu;
  return impl_->DynamicFit(pod, id);
}

std::optional<NodeId> ClusterState::FindNode(const PreparedPod& pod,
                                             std::vector<FitFailure>* failures) const {
  std::optional<NodeId> best;
  double best_score = std::numeric_limits<double>::max();
  if (failures) failures->clear();
  for (NodeId id = 0; id < static_cast<NodeId>(impl_->nodes.size()); ++id) {
    FitFailure f = Fits(pod, id);
    if (failures) failures->push_back(f);
    if (f != FitFailure::kNone) continue;
    const SimNode& n = impl_->nodes[id];
    Resources after = n.node.allocatable - n.requested - pod.requests;
    double cpu = n.node.allocatable.cpu_millis > 0
                     ? double(after.cpu_millis) / double(n.node.allocatable.cpu_millis)
                     : 0;
    double mem = n.node.allocatable.memory_bytes > 0
                     ? double(after.memory_bytes) / double(n.node.allocatable.memory_bytes)
                     : 0;
    if (cpu + mem < best_score) {
      best_score = cpu + mem;
      best = id;
    }
  }
  return best;
}

void ClusterState::Bind(const PreparedPod& pod, NodeId id) {
  SimNode& node = impl_->nodes[id];
  node.requested += pod.requests;
  impl_->RefreshSelecting(pod);
  BoundPod record{pod.key, pod.pod->meta.namespace_name, pod.pod->meta.labels, pod.requests,
                  pod.selecting_counters};
  record.counters.insert(record.counters.end(), pod.carried_terms.begin(), pod.carried_terms.end());
  for (int32_t c : record.counters) impl_->topology.Add(c, id, +1);
  node.pods.push_back(std::move(record));
}

bool ClusterState::Unbind(const PreparedPod& pod, NodeId id) { return Unbind(pod.key, id); }

bool ClusterState::Unbind(std::string_view pod_key, NodeId id) {
  SimNode& node = impl_->nodes[id];
  auto it = std::find_if(node.pods.begin(), node.pods.end(),
                         [&](const BoundPod& b) { return b.key == pod_key; });
  if (it == node.pods.end()) return false;
  node.requested -= it->requests;
  for (int32_t c : it->counters) impl_->topology.Add(c, id, -1);
  node.pods.erase(it);
  return true;
}

size_t ClusterState::NodeCount() const { return impl_->nodes.size(); }
const Node& ClusterState::GetNode(NodeId id) const { return impl_->nodes[id].node; }

std::optional<NodeId> ClusterState::FindNodeByName(std::string_view name) const {
  auto it = impl_->node_by_name.find(std::string(name));
  if (it == impl_->node_by_name.end()) return std::nullopt;
  return it->second;
}

Resources ClusterState::Allocatable(NodeId id) const { return impl_->nodes[id].node.allocatable; }
Resources ClusterState::Requested(NodeId id) const { return impl_->nodes[id].requested; }

std::vector<std::string> ClusterState::BoundPodKeys(NodeId id) const {
  std::vector<std::string> keys;
  for (const BoundPod& b : impl_->nodes[id].pods) keys.push_back(b.key);
  return keys;
}

}  // namespace cloudoptim
