#include "sandbox/workload_controllers.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "sandbox/disruption_budget.h"
#include "sandbox/object_filter.h"
#include "sandbox/resource_registry.h"
#include "sandbox/sandbox_scheduler.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

struct OwnedPod {
  std::string name;
  std::string node_name;
  bool ready = false;
  bool deleting = false;
  bool terminal = false;
  std::string phase;
};

// Pods grouped by the uid of their controller.
std::map<std::string, std::vector<OwnedPod>> PodsByOwner(const PodIndex& index) {
  std::map<std::string, std::vector<OwnedPod>> out;
  index.ForEach([&](const PodRecord& p) {
    if (p.owner_uid.empty()) return;
    out[p.owner_uid].push_back({p.name, p.node_name, p.ready, p.deleting, p.IsTerminal(), p.phase});
  });
  return out;
}

json OwnerRef(const json& owner) {
  return {{"apiVersion", owner.value("apiVersion", "")},
          {"kind", owner.value("kind", "")},
          {"name", owner["metadata"].value("name", "")},
          {"uid", owner["metadata"].value("uid", "")},
          {"controller", true},
          {"blockOwnerDeletion", true}};
}

std::string Ns(const json& o) { return o["metadata"].value("namespace", ""); }
std::string Name(const json& o) { return o["metadata"].value("name", ""); }
std::string Uid(const json& o) { return o["metadata"].value("uid", ""); }

// Writes `status` (merged over the current one) only when it changed, so a steady cluster
// produces no watch events.
void SetStatus(ObjectStore& store, const std::string& resource, const json& object,
               const json& status) {
  json current = object.contains("status") ? object["status"] : json::object();
  json merged = current;
  merged.merge_patch(status);
  if (merged == current) return;
  (void)store.Mutate(resource, Ns(object), Name(object), [&](json& o) -> Status {
    o["status"] = merged;
    return Ok();
  });
}

int64_t CountReady(const std::vector<OwnedPod>& pods) {
  return std::count_if(pods.begin(), pods.end(),
                       [](const OwnedPod& p) { return p.ready && !p.deleting; });
}

std::vector<OwnedPod> Active(const std::vector<OwnedPod>& pods) {
  std::vector<OwnedPod> out;
  for (const OwnedPod& p : pods) {
    if (!p.deleting && !p.terminal) out.push_back(p);
  }
  return out;
}

// Scale-down victims in the ReplicaSet controller's order: unscheduled, then not ready,
// then the rest (newest names last is close enough to "newest first" for the simulation).
void SortForDeletion(std::vector<OwnedPod>& pods) {
  std::stable_sort(pods.begin(), pods.end(), [](const OwnedPod& a, const OwnedPod& b) {
    auto rank = [](const OwnedPod& p) { return p.node_name.empty() ? 0 : (p.ready ? 2 : 1); };
    return rank(a) < rank(b);
  });
}

}  // namespace

std::string PodTemplateHash(const json& pod_template) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : pod_template.dump()) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (int i = 0; i < 10; ++i) {
    out.push_back(kAlphabet[h % kAlphabet.size()]);
    h /= kAlphabet.size();
  }
  return out;
}

json PodFromTemplate(const json& pod_template, const json& owner, const std::string& name,
                     const std::string& generate_name) {
  json meta = pod_template.contains("metadata") ? pod_template["metadata"] : json::object();
  meta["namespace"] = Ns(owner);
  if (!name.empty()) meta["name"] = name;
  if (!generate_name.empty()) meta["generateName"] = generate_name;
  meta["ownerReferences"] = json::array({OwnerRef(owner)});
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", meta},
              {"spec", pod_template.contains("spec") ? pod_template["spec"] : json::object()},
              {"status", {{"phase", "Pending"}}}};
  pod["spec"].emplace("schedulerName", "default-scheduler");
  pod["spec"].emplace("restartPolicy", "Always");
  return pod;
}

void RecordEvent(ObjectStore& store, const json& involved, const std::string& type,
                 const std::string& reason, const std::string& message,
                 const std::string& component, TimePoint now) {
  std::string ns = Ns(involved).empty() ? "default" : Ns(involved);
  std::string when = FormatRfc3339(now);
  json event = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"generateName", Name(involved) + "."}, {"namespace", ns}}},
      {"involvedObject",
       {{"kind", involved.value("kind", "")},
        {"apiVersion", involved.value("apiVersion", "")},
        {"name", Name(involved)},
        {"namespace", Ns(involved)},
        {"uid", Uid(involved)}}},
      {"reason", reason},
      {"message", message},
      {"type", type},
      {"source", {{"component", component}}},
      {"firstTimestamp", when},
      {"lastTimestamp", when},
      {"count", 1}};
  (void)store.Create("events", std::move(event));
}

void WorkloadControllers::ReconcileAll(TimePoint now) {
  CollectGarbage();
  ReconcileDeployments(now);
  ReconcileReplicaSets(now);
  ReconcileStatefulSets(now);
  ReconcileDaemonSets(now);
  ReconcileJobs(now);
  UpdateDisruptionBudgets();
}

// One ReplicaSet per distinct pod template (named <deployment>-<hash>); the current one is
// scaled to the Deployment's replicas and older ones to zero. This is a Recreate-style
// rollout done at once, which is all the simulation needs from rollouts.
void WorkloadControllers::ReconcileDeployments(TimePoint now) {
  std::vector<json> replica_sets = store_->ParsedAll("replicasets.apps");
  for (const json& d : store_->ParsedAll("deployments.apps")) {
    json tmpl = d["spec"]["template"];
    std::string hash = PodTemplateHash(tmpl);
    std::string rs_name = Name(d) + "-" + hash;
    int64_t replicas = d["spec"].value("replicas", 1);
    json status = {{"replicas", 0}, {"readyReplicas", 0}, {"availableReplicas", 0},
                   {"updatedReplicas", 0}};
    bool found = false;
    for (const json& rs : replica_sets) {
      if (Ns(rs) != Ns(d)) continue;
      const json refs = rs["metadata"].value("ownerReferences", json::array());
      bool owned = std::any_of(refs.begin(), refs.end(),
                               [&](const json& r) { return r.value("uid", "") == Uid(d); });
      if (!owned) continue;
      bool current = Name(rs) == rs_name;
      found = found || current;
      int64_t want = current ? replicas : 0;
      if (rs["spec"].value("replicas", 0) != want) {
        (void)store_->Mutate("replicasets.apps", Ns(rs), Name(rs), [&](json& o) -> Status {
          o["spec"]["replicas"] = want;
          return Ok();
        });
      }
      const json rs_status = rs.value("status", json::object());
      status["replicas"] = status["replicas"].get<int64_t>() + rs_status.value("replicas", 0);
      status["readyReplicas"] =
          status["readyReplicas"].get<int64_t>() + rs_status.value("readyReplicas", 0);
      status["availableReplicas"] =
          status["availableReplicas"].get<int64_t>() + rs_status.value("availableReplicas", 0);
      if (current) status["updatedReplicas"] = rs_status.value("replicas", 0);
    }
    if (!found) {
      json rs_template = tmpl;
      rs_template["metadata"]["labels"]["pod-template-hash"] = hash;
      json selector = d["spec"]["selector"];
      selector["matchLabels"]["pod-template-hash"] = hash;
      json rs = {{"apiVersion", "apps/v1"},
                 {"kind", "ReplicaSet"},
                 {"metadata",
                  {{"name", rs_name},
                   {"namespace", Ns(d)},
                   {"labels", rs_template["metadata"]["labels"]},
                   {"annotations", {{"deployment.kubernetes.io/desired-replicas", std::to_string(replicas)}}},
                   {"ownerReferences", json::array({OwnerRef(d)})}}},
                 {"spec", {{"replicas", replicas}, {"selector", selector}, {"template", rs_template}}}};
      if (store_->Create("replicasets.apps", rs)) {
        RecordEvent(*store_, d, "Normal", "ScalingReplicaSet",
                    "Scaled up replica set " + rs_name + " from 0 to " + std::to_string(replicas),
                    "deployment-controller", now);
      }
    }
    int64_t available = status["availableReplicas"].get<int64_t>();
    std::string when = FormatRfc3339(now);
    status["observedGeneration"] = d["metadata"].value("generation", 1);
    json conditions = d.contains("status") ? d["status"].value("conditions", json::array()) : json::array();
    std::string available_status = available >= replicas ? "True" : "False";
    if (conditions.empty() || conditions[0].value("status", "") != available_status) {
      conditions = json::array(
          {{{"type", "Available"}, {"status", available_status},
            {"reason", available_status == "True" ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"},
            {"message", available_status == "True" ? "Deployment has minimum availability." : "Deployment does not have minimum availability."},
            {"lastUpdateTime", when}, {"lastTransitionTime", when}},
           {{"type", "Progressing"}, {"status", "True"}, {"reason", "NewReplicaSetAvailable"},
            {"message", "ReplicaSet \"" + rs_name + "\" has successfully progressed."},
            {"lastUpdateTime", when}, {"lastTransitionTime", when}}});
    }
    status["conditions"] = conditions;
    if (status["readyReplicas"] == 0) status.erase("readyReplicas");
    if (status["availableReplicas"] == 0) status.erase("availableReplicas");
    json current_status = d.value("status", json::object());
    for (const char* field : {"readyReplicas", "availableReplicas"}) {
      if (!status.contains(field) && current_status.contains(field)) status[field] = nullptr;
    }
    SetStatus(*store_, "deployments.apps", d, status);
  }
}

void WorkloadControllers::ReconcileReplicaSets(TimePoint now) {
  auto owned = PodsByOwner(*index_);
  for (const json& rs : store_->ParsedAll("replicasets.apps")) {
    int64_t replicas = rs["spec"].value("replicas", 1);
    std::vector<OwnedPod> pods = Active(owned[Uid(rs)]);
    int64_t have = static_cast<int64_t>(pods.size());
    for (int64_t i = have; i < replicas; ++i) {
      json pod = PodFromTemplate(rs["spec"]["template"], rs, "", Name(rs) + "-");
      if (auto created = store_->Create("pods", std::move(pod)); created && i == have) {
        RecordEvent(*store_, rs, "Normal", "SuccessfulCreate",
                    "Created pod: " + Name(*created), "replicaset-controller", now);
      }
    }
    if (have > replicas) {
      SortForDeletion(pods);
      for (int64_t i = 0; i < have - replicas; ++i) {
        (void)store_->Delete("pods", Ns(rs), pods[static_cast<size_t>(i)].name);
      }
    }
    int64_t ready = CountReady(pods);
    int64_t current = std::min(have, replicas);
    SetStatus(*store_, "replicasets.apps", rs,
              {{"replicas", current},
               {"fullyLabeledReplicas", current},
               {"readyReplicas", ready},
               {"availableReplicas", ready},
               {"observedGeneration", rs["metadata"].value("generation", 1)}});
  }
}

// Pods <name>-0 .. <name>-(n-1), created in order: the next only once the previous is Ready
// (OrderedReady), each with its PVCs "<claim>-<name>-<ordinal>" from volumeClaimTemplates.
void WorkloadControllers::ReconcileStatefulSets(TimePoint now) {
  auto owned = PodsByOwner(*index_);
  for (const json& sts : store_->ParsedAll("statefulsets.apps")) {
    int64_t replicas = sts["spec"].value("replicas", 1);
    std::map<std::string, OwnedPod> pods;
    for (const OwnedPod& p : owned[Uid(sts)]) pods[p.name] = p;
    for (int64_t ordinal = 0; ordinal < replicas; ++ordinal) {
      std::string pod_name = Name(sts) + "-" + std::to_string(ordinal);
      if (auto it = pods.find(pod_name); it != pods.end()) {
        if (!it->second.ready) break;  // OrderedReady: wait for this one
        continue;
      }
      json pod = PodFromTemplate(sts["spec"]["template"], sts, pod_name, "");
      pod["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"] = pod_name;
      pod["metadata"]["labels"]["apps.kubernetes.io/pod-index"] = std::to_string(ordinal);
      pod["spec"]["hostname"] = pod_name;
      for (const json& claim : sts["spec"].value("volumeClaimTemplates", json::array())) {
        std::string claim_name = Name(claim) + "-" + pod_name;
        json pvc = {{"apiVersion", "v1"},
                    {"kind", "PersistentVolumeClaim"},
                    {"metadata", {{"name", claim_name}, {"namespace", Ns(sts)},
                                  {"labels", sts["spec"]["template"]["metadata"].value("labels", json::object())}}},
                    {"spec", claim.value("spec", json::object())},
                    {"status", {{"phase", "Bound"}}}};
        (void)store_->Create("persistentvolumeclaims", std::move(pvc));
        json volume = {{"name", Name(claim)}, {"persistentVolumeClaim", {{"claimName", claim_name}}}};
        pod["spec"]["volumes"].push_back(volume);
      }
      if (store_->Create("pods", std::move(pod))) {
        RecordEvent(*store_, sts, "Normal", "SuccessfulCreate",
                    "create Pod " + pod_name + " in StatefulSet " + Name(sts) + " successful",
                    "statefulset-controller", now);
      }
      break;  // one at a time
    }
    for (const auto& [name, pod] : pods) {
      size_t dash = name.rfind('-');
      int64_t ordinal = std::strtoll(name.c_str() + dash + 1, nullptr, 10);
      if (ordinal >= replicas && !pod.deleting) (void)store_->Delete("pods", Ns(sts), name);
    }
    std::vector<OwnedPod> active;
    for (const auto& [name, pod] : pods) {
      if (!pod.deleting) active.push_back(pod);
    }
    int64_t ready = CountReady(active);
    int64_t count = static_cast<int64_t>(active.size());
    SetStatus(*store_, "statefulsets.apps", sts,
              {{"replicas", count}, {"readyReplicas", ready}, {"currentReplicas", count},
               {"updatedReplicas", count}, {"availableReplicas", ready},
               {"observedGeneration", sts["metadata"].value("generation", 1)}});
  }
}

// One pod per Ready node the pod template fits (selector, affinity, taints; DaemonSet pods
// tolerate unschedulable nodes), bound directly as the DaemonSet controller's pods are.
void WorkloadControllers::ReconcileDaemonSets(TimePoint now) {
  std::vector<json> daemon_sets = store_->ParsedAll("daemonsets.apps");
  if (daemon_sets.empty()) return;
  auto owned = PodsByOwner(*index_);
  std::vector<json> nodes = store_->ParsedAll("nodes");
  for (const json& ds : daemon_sets) {
    std::map<std::string, OwnedPod> by_node;
    for (const OwnedPod& p : owned[Uid(ds)]) by_node[p.node_name] = p;
    json tmpl = ds["spec"]["template"];
    json spec = tmpl["spec"];
    spec["tolerations"].push_back({{"key", "node.kubernetes.io/unschedulable"}, {"operator", "Exists"}, {"effect", "NoSchedule"}});
    int64_t desired = 0;
    const json node_selector = spec.value("nodeSelector", json::object());
    for (const json& node : nodes) {
      NodeCandidate candidate = CandidateFromNode(node);
      bool selector_ok = true;
      for (const auto& [k, v] : node_selector.items()) {
        if (!candidate.labels.contains(k) || candidate.labels[k] != v) selector_ok = false;
      }
      if (!candidate.ready || !selector_ok || !ToleratesTaints(spec, candidate.taints)) continue;
      ++desired;
      if (by_node.contains(candidate.name)) continue;
      json pod = PodFromTemplate(tmpl, ds, "", Name(ds) + "-");
      pod["spec"]["nodeName"] = candidate.name;
      pod["spec"]["tolerations"] = spec["tolerations"];
      if (auto created = store_->Create("pods", std::move(pod)); created && desired == 1) {
        RecordEvent(*store_, ds, "Normal", "SuccessfulCreate", "Created pod: " + Name(*created),
                    "daemonset-controller", now);
      }
    }
    std::vector<OwnedPod> active = Active(owned[Uid(ds)]);
    int64_t ready = CountReady(active);
    SetStatus(*store_, "daemonsets.apps", ds,
              {{"desiredNumberScheduled", desired},
               {"currentNumberScheduled", static_cast<int64_t>(active.size())},
               {"updatedNumberScheduled", static_cast<int64_t>(active.size())},
               {"numberReady", ready},
               {"numberAvailable", ready},
               {"numberMisscheduled", 0},
               {"observedGeneration", ds["metadata"].value("generation", 1)}});
  }
}

void WorkloadControllers::ReconcileJobs(TimePoint now) {
  auto owned = PodsByOwner(*index_);
  for (const json& job : store_->ParsedAll("jobs.batch")) {
    int64_t completions = job["spec"].value("completions", 1);
    int64_t parallelism = job["spec"].value("parallelism", 1);
    int64_t succeeded = 0;
    int64_t failed = 0;
    int64_t active = 0;
    for (const OwnedPod& p : owned[Uid(job)]) {
      if (p.phase == "Succeeded") {
        ++succeeded;
      } else if (p.phase == "Failed") {
        ++failed;
      } else if (!p.deleting) {
        ++active;
      }
    }
    bool complete = succeeded >= completions;
    int64_t want = complete ? 0 : std::min(parallelism, completions - succeeded) - active;
    for (int64_t i = 0; i < want; ++i) {
      json pod = PodFromTemplate(job["spec"]["template"], job, "", Name(job) + "-");
      pod["metadata"]["labels"]["job-name"] = Name(job);
      pod["metadata"]["labels"]["batch.kubernetes.io/job-name"] = Name(job);
      (void)store_->Create("pods", std::move(pod));
    }
    json status = {{"active", active}, {"succeeded", succeeded}, {"failed", failed}};
    if (complete && !(job.contains("status") && job["status"].contains("completionTime"))) {
      std::string when = FormatRfc3339(now);
      status["completionTime"] = when;
      status["conditions"] = json::array(
          {{{"type", "Complete"}, {"status", "True"}, {"lastTransitionTime", when}}});
      RecordEvent(*store_, job, "Normal", "Completed", "Job completed", "job-controller", now);
    }
    SetStatus(*store_, "jobs.batch", job, status);
  }
}

// Background cascading deletion: dependents whose controller no longer exists go, and so do
// pods bound to nodes that are gone and objects in namespaces that were deleted.
void WorkloadControllers::CollectGarbage() {
  std::set<std::string> owners;
  for (const char* resource : {"deployments.apps", "replicasets.apps", "statefulsets.apps",
                               "daemonsets.apps", "jobs.batch", "cronjobs.batch"}) {
    for (const json& o : store_->ParsedAll(resource)) owners.insert(Uid(o));
  }
  std::set<std::string> nodes;
  for (const json& n : store_->ParsedAll("nodes")) nodes.insert(Name(n));
  std::set<std::string> namespaces;
  for (const json& n : store_->ParsedAll("namespaces")) namespaces.insert(Name(n));
  for (const json& rs : store_->ParsedAll("replicasets.apps")) {
    for (const json& ref : rs["metadata"].value("ownerReferences", json::array())) {
      if (ref.value("controller", false) && !owners.contains(ref.value("uid", ""))) {
        (void)store_->Delete("replicasets.apps", Ns(rs), Name(rs));
        owners.erase(Uid(rs));
      }
    }
  }
  std::vector<std::pair<std::string, std::string>> doomed;
  index_->ForEach([&](const PodRecord& p) {
    bool orphaned = !p.owner_uid.empty() && p.owner_kind != "Node" && !owners.contains(p.owner_uid);
    bool node_gone = !p.node_name.empty() && !nodes.contains(p.node_name);
    bool namespace_gone = !namespaces.contains(p.namespace_name);
    if (orphaned || node_gone || namespace_gone) doomed.emplace_back(p.namespace_name, p.name);
  });
  for (const auto& [ns, name] : doomed) (void)store_->Delete("pods", ns, name);
  for (const auto& info : AllResources()) {
    if (!info.namespaced || !info.stored || info.kind == "Pod") continue;
    for (const json& o : store_->ParsedAll(info.StorageKey())) {
      if (!namespaces.contains(Ns(o))) (void)store_->Delete(info.StorageKey(), Ns(o), Name(o));
    }
  }
}

void WorkloadControllers::UpdateDisruptionBudgets() {
  std::set<std::string> namespaces;
  for (const json& pdb : store_->ParsedAll("poddisruptionbudgets.policy")) namespaces.insert(Ns(pdb));
  for (const std::string& ns : namespaces) {
    for (const auto& [pdb, budget] : BudgetsInNamespace(*store_, ns)) {
      SetStatus(*store_, "poddisruptionbudgets.policy", pdb,
                {{"expectedPods", budget.expected_pods},
                 {"currentHealthy", budget.current_healthy},
                 {"desiredHealthy", budget.desired_healthy},
                 {"disruptionsAllowed", budget.disruptions_allowed},
                 {"observedGeneration", pdb["metadata"].value("generation", 1)}});
    }
  }
}

}  // namespace cloudoptim::sandbox
