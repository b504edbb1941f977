#include "sandbox/sandbox_scheduler.h"

#include <limits>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/kube_json.h"
#include "model/storage.h"
#include "sandbox/quantity_text.h"
#include "scheduling/fit_failure.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

// A pod's labels as one number (FNV-1a over the sorted pairs), so a pass notices a bound pod
// whose labels changed without keeping a copy of every pod's labels. Works for the index's
// std::map and the model's Labels alike: both iterate sorted by key.
template <class LabelMap>
uint64_t LabelsDigest(const LabelMap& labels) {
  uint64_t digest = 14695981039346656037ull;
  auto add = [&](const std::string& text) {
    for (unsigned char c : text) digest = (digest ^ c) * 1099511628211ull;
    digest = (digest ^ 0xff) * 1099511628211ull;  // separator no label text contains
  };
  for (const auto& [key, value] : labels) {
    add(key);
    add(value);
  }
  return digest;
}

constexpr std::string_view kNotReadyTaint = "node.kubernetes.io/not-ready";

// Only pods with inter-pod terms create topology counters; seeing them before any pod is
// bound lets every counter start empty instead of rescanning the pods bound so far.
bool MayCreateCounters(std::string_view text) {
  return text.find("topologySpreadConstraints") != std::string_view::npos ||
         text.find("podAffinity") != std::string_view::npos ||
         text.find("podAntiAffinity") != std::string_view::npos;
}

// kube-scheduler's default scoring (NodeResourcesFit, LeastAllocated): the feasible node with
// the largest free CPU+memory share after placement; ties go to the lowest id. The engines'
// FindNode packs (MostAllocated) instead, as Karpenter does; feasibility is the same Fits().
std::optional<NodeId> LeastAllocatedNode(const ClusterState& state, const PreparedPod& pod,
                                         std::vector<FitFailure>* failures) {
  std::optional<NodeId> best;
  double best_score = -std::numeric_limits<double>::max();
  failures->clear();
  for (NodeId id = 0; id < static_cast<NodeId>(state.NodeCount()); ++id) {
    FitFailure f = state.Fits(pod, id);
    failures->push_back(f);
    if (f != FitFailure::kNone) continue;
    Resources alloc = state.Allocatable(id);
    Resources after = state.Free(id) - pod.requests;
    double cpu = alloc.cpu_millis > 0 ? double(after.cpu_millis) / double(alloc.cpu_millis) : 0;
    double mem =
        alloc.memory_bytes > 0 ? double(after.memory_bytes) / double(alloc.memory_bytes) : 0;
    if (cpu + mem > best_score) {
      best_score = cpu + mem;
      best = id;
    }
  }
  return best;
}

void MarkUnschedulable(ObjectStore& store, const std::string& ns, const std::string& name,
                       const std::string& message, TimePoint now) {
  (void)store.Mutate("pods", ns, name, [&](json& p) -> Status {
    json& conditions = p["status"]["conditions"];
    if (conditions.is_array() && !conditions.empty() &&
        conditions[0].value("message", "") == message) {
      return FailedPrecondition("unchanged");  // no write, no event churn
    }
    conditions = json::array({{{"type", "PodScheduled"},
                               {"status", "False"},
                               {"reason", "Unschedulable"},
                               {"message", message},
                               {"lastTransitionTime", FormatRfc3339(now)}}});
    return Ok();
  });
}

// The taints the picture holds for a node: its own, plus not-ready's while it is NotReady.
std::vector<Taint> SchedulingTaints(const Node& node) {
  std::vector<Taint> taints = node.taints;
  if (!node.IsReady()) {
    taints.push_back(Taint{std::string(kNotReadyTaint), "", TaintEffect::kNoSchedule});
  }
  return taints;
}

// A stable EBS-style id for a volume provisioned without a simulated cloud.
std::string LocalVolumeId(const std::string& claim_uid) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : claim_uid) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "vol-0%016llx", static_cast<unsigned long long>(h));
  return buffer;
}

}  // namespace

void SandboxScheduler::NodeChanged(WatchEventType type, const json& node) {
  if (type != WatchEventType::kModified) return NodesChanged();
  std::lock_guard lock(changes_mutex_);
  // Passes only run while pods are pending: past this many queued changes a rebuild is
  // cheaper than replaying them (and the queue stays bounded while nothing is pending).
  constexpr size_t kMaxQueuedChanges = 4096;
  if (changed_nodes_.size() >= kMaxQueuedChanges) {
    changed_nodes_.clear();
    node_generation_.fetch_add(1);
    return;
  }
  changed_nodes_.push_back(node.dump());
}

bool SandboxScheduler::ApplyNodeChanges() {
  std::vector<std::string> changes;
  {
    std::lock_guard lock(changes_mutex_);
    changes.swap(changed_nodes_);
  }
  for (const std::string& text : changes) {
    Result<Node> node = DecodeNode(text);
    if (!node) return false;
    std::optional<NodeId> id = state_.FindNodeByName(node->meta.name);
    if (!id) return false;
    const Node& held = state_.GetNode(*id);
    bool same_shape = held.meta.labels == node->meta.labels &&
                      held.allocatable == node->allocatable && held.capacity == node->capacity &&
                      held.IsReady() == node->IsReady();
    if (!same_shape) return false;
    state_.SetNodeScheduling(*id, node->unschedulable, SchedulingTaints(*node));
  }
  return true;
}

Status SandboxScheduler::Rebuild() {
  built_generation_ = node_generation_.load();
  {
    std::lock_guard lock(changes_mutex_);
    changed_nodes_.clear();  // the listing below sees them
  }
  state_ = ClusterState();
  bound_.clear();
  valid_ = false;
  CO_ASSIGN_OR_RETURN(ObjectStore::ListPage nodes, store_->List("nodes", "", 0, ""));
  for (const ObjectText& text : nodes.items) {
    Result<Node> node = DecodeNode(*text);
    if (!node) continue;  // a node the decoder rejects is one no scheduler could use
    node->taints = SchedulingTaints(*node);
    state_.AddNode(std::move(*node));
  }
  SyncClaimZones();
  CO_ASSIGN_OR_RETURN(ObjectStore::ListPage pods, store_->List("pods", "", 0, ""));
  for (const ObjectText& text : pods.items) {
    if (!MayCreateCounters(*text)) continue;
    if (Result<Pod> pod = DecodePod(*text); pod) (void)state_.Prepare(*pod);
  }
  synced_index_generation_ = index_->generation();
  for (const ObjectText& text : pods.items) {
    if (text->find("\"nodeName\"") == std::string::npos) continue;
    Result<Pod> pod = DecodePod(*text);
    if (!pod || pod->node_name.empty() || pod->IsTerminal()) continue;
    (void)BindDecoded(*pod);
  }
  valid_ = true;
  ++rebuilds_;
  return Ok();
}

Status SandboxScheduler::BindDecoded(const Pod& pod) {
  std::optional<NodeId> node = state_.FindNodeByName(pod.node_name);
  if (!node) return NotFound("nodes \"" + pod.node_name + "\" not found");
  PreparedPod prepared = state_.Prepare(pod);
  state_.Bind(prepared, *node);
  bound_[prepared.key] = {*node, sync_stamp_, LabelsDigest(pod.meta.labels)};
  return Ok();
}

// A diff of the pod index against what the simulator holds, so that a pass costs a lookup
// per pod plus a decode per pod that changed, never a rebuild. A bound pod whose labels
// changed is unbound and bound again, so the spread and affinity counts see its new labels.
void SandboxScheduler::SyncBoundPods() {
  uint64_t generation = index_->generation();
  if (generation == synced_index_generation_) return;
  synced_index_generation_ = generation;
  ++sync_stamp_;
  std::vector<std::pair<std::string, std::string>> arrived;  // namespace, name
  index_->ForEach([&](const PodRecord& p) {
    if (p.node_name.empty() || p.IsTerminal()) return;
    auto it = bound_.find(p.Key());
    if (it != bound_.end() && state_.GetNode(it->second.node).meta.name == p.node_name &&
        it->second.labels == LabelsDigest(p.labels)) {
      it->second.seen = sync_stamp_;
      return;
    }
    arrived.emplace_back(p.namespace_name, p.name);
  });
  for (auto it = bound_.begin(); it != bound_.end();) {
    if (it->second.seen == sync_stamp_) {
      ++it;
      continue;
    }
    state_.Unbind(it->first, it->second.node);
    it = bound_.erase(it);
  }
  for (const auto& [ns, name] : arrived) {
    Result<ObjectText> text = store_->GetText("pods", ns, name);
    if (!text) continue;
    Result<Pod> pod = DecodePod(**text);
    if (pod && !pod->node_name.empty() && !pod->IsTerminal()) (void)BindDecoded(*pod);
  }
}

// Claims bound to a PV that is pinned to a zone (EBS volumes live in one zone).
void SandboxScheduler::SyncClaimZones() {
  std::unordered_map<std::string, std::string> pv_zones;
  if (auto pvs = store_->List("persistentvolumes", "", 0, ""); pvs) {
    for (const ObjectText& text : pvs->items) {
      Result<PersistentVolume> pv = DecodeObject<PersistentVolume>(*text);
      if (pv && !pv->zone.empty()) pv_zones[pv->meta.name] = pv->zone;
    }
  }
  if (pv_zones.empty()) return;
  if (auto claims = store_->List("persistentvolumeclaims", "", 0, ""); claims) {
    for (const ObjectText& text : claims->items) {
      Result<PersistentVolumeClaim> claim = DecodeObject<PersistentVolumeClaim>(*text);
      if (!claim) continue;
      auto zone = pv_zones.find(claim->volume_name);
      if (zone != pv_zones.end()) state_.SetClaimZone(claim->meta.Key(), zone->second);
    }
  }
}

void SandboxScheduler::ProvisionVolumes(const Pod& pod, const Node& node, TimePoint now) {
  const std::string zone = node.Zone();
  for (const Volume& volume : pod.volumes) {
    if (volume.pvc_claim_name.empty()) continue;
    const std::string& ns = pod.meta.namespace_name;
    Result<json> claim = store_->Get("persistentvolumeclaims", ns, volume.pvc_claim_name);
    if (!claim || !(*claim)["spec"].value("volumeName", "").empty()) continue;
    const json& spec = (*claim)["spec"];
    std::string uid = (*claim)["metadata"].value("uid", "");
    json storage = json("1Gi");
    if (spec.contains("resources") && spec["resources"].contains("requests")) {
      storage = spec["resources"]["requests"].value("storage", storage);
    }
    int64_t size_gib = std::max<int64_t>(1, (MemoryBytesOf(storage) + (1LL << 30) - 1) >> 30);
    std::string volume_id = LocalVolumeId(uid);
    if (provisioner_) {
      Result<std::string> created = provisioner_(zone, size_gib, node.InstanceId(), now);
      if (!created) continue;  // the cloud refused: the claim stays unbound, retried next pass
      volume_id = *created;
    }
    std::string pv_name = "pvc-" + uid;
    json zone_term = {{"matchExpressions", json::array({{{"key", "topology.ebs.csi.aws.com/zone"},
                                                         {"operator", "In"},
                                                         {"values", json::array({zone})}}})}};
    json pv_spec = {
        {"capacity", {{"storage", storage}}},
        {"accessModes", spec.value("accessModes", json::array({"ReadWriteOnce"}))},
        {"persistentVolumeReclaimPolicy", "Delete"},
        {"storageClassName", spec.value("storageClassName", "gp3")},
        {"claimRef",
         {{"kind", "PersistentVolumeClaim"},
          {"namespace", ns},
          {"name", volume.pvc_claim_name},
          {"uid", uid}}},
        {"csi", {{"driver", "ebs.csi.aws.com"}, {"volumeHandle", volume_id}, {"fsType", "ext4"}}},
        {"nodeAffinity", {{"required", {{"nodeSelectorTerms", json::array({zone_term})}}}}}};
    json pv = {{"apiVersion", "v1"},
               {"kind", "PersistentVolume"},
               {"metadata",
                {{"name", pv_name},
                 {"labels", {{"topology.kubernetes.io/zone", zone}}},
                 {"annotations", {{"pv.kubernetes.io/provisioned-by", "ebs.csi.aws.com"}}}}},
               {"spec", pv_spec},
               {"status", {{"phase", "Bound"}}}};
    if (!store_->Create("persistentvolumes", std::move(pv))) continue;
    (void)store_->Mutate("persistentvolumeclaims", ns, volume.pvc_claim_name,
                         [&](json& c) -> Status {
                           c["spec"]["volumeName"] = pv_name;
                           c["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] = "yes";
                           c["status"]["phase"] = "Bound";
                           return Ok();
                         });
    state_.SetClaimZone(ns + "/" + volume.pvc_claim_name, zone);
  }
}

int SandboxScheduler::SchedulePending(TimePoint now) {
  std::vector<std::pair<std::string, std::string>> pending;
  index_->ForEach([&](const PodRecord& pod) {
    if (pod.node_name.empty() && !pod.deleting && pod.phase == "Pending") {
      pending.emplace_back(pod.namespace_name, pod.name);
    }
  });
  if (pending.empty()) return 0;
  if (!valid_ || built_generation_ != node_generation_.load() || !ApplyNodeChanges()) {
    if (!Rebuild()) return 0;
  } else {
    SyncBoundPods();
    SyncClaimZones();
  }
  int bound = 0;
  std::vector<FitFailure> failures;
  for (const auto& [ns, name] : pending) {
    Result<ObjectText> text = store_->GetText("pods", ns, name);
    if (!text) continue;
    Result<Pod> pod = DecodePod(**text);
    if (!pod) {
      MarkUnschedulable(*store_, ns, name, pod.error().message, now);
      continue;
    }
    if (!pod->scheduler_name.empty() && pod->scheduler_name != "default-scheduler") continue;
    if (!pod->node_name.empty()) continue;
    PreparedPod prepared = state_.Prepare(*pod);
    std::optional<NodeId> node = LeastAllocatedNode(state_, prepared, &failures);
    if (!node) {
      MarkUnschedulable(*store_, ns, name, FailedSchedulingMessage(failures), now);
      continue;
    }
    const Node& target = state_.GetNode(*node);
    std::string when = FormatRfc3339(now);
    auto bound_pod = store_->Mutate("pods", ns, name, [&](json& p) -> Status {
      if (!p["spec"].value("nodeName", "").empty()) return Aborted("already bound");
      p["spec"]["nodeName"] = target.meta.name;
      p["status"]["conditions"] = json::array(
          {{{"type", "PodScheduled"}, {"status", "True"}, {"lastTransitionTime", when}}});
      return Ok();
    });
    if (!bound_pod) continue;
    state_.Bind(prepared, *node);
    bound_[prepared.key] = {*node, sync_stamp_, LabelsDigest(pod->meta.labels)};
    ProvisionVolumes(*pod, target, now);
    ++bound;
  }
  return bound;
}

}  // namespace cloudoptim::sandbox
