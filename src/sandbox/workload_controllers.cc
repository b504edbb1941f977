#include "sandbox/workload_controllers.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "kube/kube_json.h"
#include "sandbox/controller_support.h"
#include "sandbox/disruption_budget.h"
#include "sandbox/object_filter.h"
#include "sandbox/resource_registry.h"
#include "scheduling/daemonset_overhead.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

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
  json event = {{"apiVersion", "v1"},
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
  ReconcileCronJobs(now);
  ReconcileJobs(now);
  ReconcileEndpoints();
  UpdateDisruptionBudgets();
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
        RecordEvent(*store_, rs, "Normal", "SuccessfulCreate", "Created pod: " + Name(*created),
                    "replicaset-controller", now);
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
        json pvc = {
            {"apiVersion", "v1"},
            {"kind", "PersistentVolumeClaim"},
            {"metadata",
             {{"name", claim_name},
              {"namespace", Ns(sts)},
              {"labels", sts["spec"]["template"]["metadata"].value("labels", json::object())}}},
            {"spec", claim.value("spec", json::object())},
            {"status", {{"phase", "Bound"}}}};
        (void)store_->Create("persistentvolumeclaims", std::move(pvc));
        json volume = {{"name", Name(claim)},
                       {"persistentVolumeClaim", {{"claimName", claim_name}}}};
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
              {{"replicas", count},
               {"readyReplicas", ready},
               {"currentReplicas", count},
               {"updatedReplicas", count},
               {"availableReplicas", ready},
               {"observedGeneration", sts["metadata"].value("generation", 1)}});
  }
}

// One pod per Ready node the pod template fits (nodeSelector, required node affinity, taints:
// the shared simulator's DaemonSetPodsFor, so the engines' DaemonSet overhead of a node is
// what the sandbox runs on it; unschedulable nodes are ignored, as the DaemonSet controller
// does), bound directly as the DaemonSet controller's pods are.
void WorkloadControllers::ReconcileDaemonSets(TimePoint now) {
  std::vector<json> daemon_sets = store_->ParsedAll("daemonsets.apps");
  if (daemon_sets.empty()) return;
  auto owned = PodsByOwner(*index_);
  std::vector<Node> nodes;
  if (auto listed = store_->List("nodes", "", 0, ""); listed) {
    for (const ObjectText& text : listed->items) {
      if (Result<Node> node = DecodeNode(*text); node && node->IsReady()) {
        nodes.push_back(std::move(*node));
      }
    }
  }
  for (const json& ds : daemon_sets) {
    Result<Workload> decoded = DecodeWorkload(ds.dump(), WorkloadKind::kDaemonSet);
    if (!decoded) continue;
    const std::vector<Workload> one{std::move(*decoded)};
    std::map<std::string, OwnedPod> by_node;
    for (const OwnedPod& p : owned[Uid(ds)]) by_node[p.node_name] = p;
    const json& tmpl = ds["spec"]["template"];
    json tolerations = tmpl["spec"].value("tolerations", json::array());
    tolerations.push_back({{"key", "node.kubernetes.io/unschedulable"},
                           {"operator", "Exists"},
                           {"effect", "NoSchedule"}});
    int64_t desired = 0;
    for (const Node& node : nodes) {
      if (DaemonSetPodsFor(one, node).empty()) continue;
      ++desired;
      if (by_node.contains(node.meta.name)) continue;
      json pod = PodFromTemplate(tmpl, ds, "", Name(ds) + "-");
      pod["spec"]["nodeName"] = node.meta.name;
      pod["spec"]["tolerations"] = tolerations;
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

// Pods until `completions` succeeded, at most `parallelism` at a time; more than
// backoffLimit (default 6) failed pods fail the Job. Pods run for the kubelet's simulated
// duration (kRunSecondsAnnotation) and exit with kExitCodeAnnotation.
void WorkloadControllers::ReconcileJobs(TimePoint now) {
  auto owned = PodsByOwner(*index_);
  for (const json& job : store_->ParsedAll("jobs.batch")) {
    int64_t completions = job["spec"].value("completions", 1);
    int64_t parallelism = job["spec"].value("parallelism", 1);
    int64_t backoff_limit = job["spec"].value("backoffLimit", 6);
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
    bool failed_job = failed > backoff_limit;
    bool finished = job.contains("status") && job["status"].contains("completionTime");
    for (const json& c : job.contains("status") ? job["status"].value("conditions", json::array())
                                                : json::array()) {
      if (c.value("type", "") == "Failed" && c.value("status", "") == "True") finished = true;
    }
    int64_t want = complete || failed_job || finished
                       ? 0
                       : std::min(parallelism, completions - succeeded) - active;
    for (int64_t i = 0; i < want; ++i) {
      json pod = PodFromTemplate(job["spec"]["template"], job, "", Name(job) + "-");
      pod["metadata"]["labels"]["job-name"] = Name(job);
      pod["metadata"]["labels"]["batch.kubernetes.io/job-name"] = Name(job);
      (void)store_->Create("pods", std::move(pod));
    }
    std::string when = FormatRfc3339(now);
    json status = {{"active", active}, {"succeeded", succeeded}, {"failed", failed}};
    if (!job.contains("status") || !job["status"].contains("startTime")) status["startTime"] = when;
    if (!finished && complete) {
      status["completionTime"] = when;
      status["conditions"] =
          json::array({{{"type", "Complete"}, {"status", "True"}, {"lastTransitionTime", when}}});
      RecordEvent(*store_, job, "Normal", "Completed", "Job completed", "job-controller", now);
    } else if (!finished && failed_job) {
      status["conditions"] =
          json::array({{{"type", "Failed"},
                        {"status", "True"},
                        {"reason", "BackoffLimitExceeded"},
                        {"message", "Job has reached the specified backoff limit"},
                        {"lastTransitionTime", when}}});
      RecordEvent(*store_, job, "Warning", "BackoffLimitExceeded",
                  "Job has reached the specified backoff limit", "job-controller", now);
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
  // ReplicaSets of deleted Deployments and Jobs of deleted CronJobs, then their pods.
  for (const char* resource : {"replicasets.apps", "jobs.batch"}) {
    for (const json& o : store_->ParsedAll(resource)) {
      for (const json& ref : o["metadata"].value("ownerReferences", json::array())) {
        if (ref.value("controller", false) && !owners.contains(ref.value("uid", ""))) {
          (void)store_->Delete(resource, Ns(o), Name(o));
          owners.erase(Uid(o));
        }
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
  for (const json& pdb : store_->ParsedAll("poddisruptionbudgets.policy"))
    namespaces.insert(Ns(pdb));
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
