// The deployment controller (WorkloadControllers::ReconcileDeployments): one ReplicaSet per
// distinct pod template, named <deployment>-<pod-template-hash> and numbered by the
// deployment.kubernetes.io/revision annotation; a template change (kubectl set resources, a
// strategic-merge patch of container requests, kubectl rollout undo) creates or revives
// the matching ReplicaSet and moves replicas over one NextRolloutStep per pass, so that
// `kubectl rollout status` sees the same status fields progress as on a real cluster.
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "sandbox/controller_support.h"
#include "sandbox/deployment_rollout.h"
#include "sandbox/workload_controllers.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

constexpr std::string_view kRevision = "deployment.kubernetes.io/revision";

int64_t RevisionOf(const json& object) {
  const json& meta = object["metadata"];
  if (!meta.contains("annotations") || !meta["annotations"].contains(kRevision)) return 0;
  const json& value = meta["annotations"][std::string(kRevision)];
  return value.is_string() ? std::strtoll(value.get<std::string>().c_str(), nullptr, 10) : 0;
}

json NewReplicaSet(const json& d, const std::string& name, const std::string& hash,
                   int64_t replicas, int64_t revision) {
  json rs_template = d["spec"]["template"];
  rs_template["metadata"]["labels"]["pod-template-hash"] = hash;
  json selector = d["spec"]["selector"];
  selector["matchLabels"]["pod-template-hash"] = hash;
  return {{"apiVersion", "apps/v1"},
          {"kind", "ReplicaSet"},
          {"metadata",
           {{"name", name},
            {"namespace", Ns(d)},
            {"labels", rs_template["metadata"]["labels"]},
            {"annotations",
             {{"deployment.kubernetes.io/desired-replicas",
               std::to_string(d["spec"].value("replicas", 1))},
              {std::string(kRevision), std::to_string(revision)}}},
            {"ownerReferences", json::array({OwnerRef(d)})}}},
          {"spec", {{"replicas", replicas}, {"selector", selector}, {"template", rs_template}}}};
}

json Condition(const std::string& type, bool ok, const std::string& reason,
               const std::string& message, const std::string& when) {
  return {{"type", type},       {"status", ok ? "True" : "False"}, {"reason", reason},
          {"message", message}, {"lastUpdateTime", when},          {"lastTransitionTime", when}};
}

// Status as the deployment controller reports it: replicas = pods of every set that are not
// terminating, updatedReplicas = those of the new set, Progressing says whether it finished.
void WriteDeploymentStatus(ObjectStore& store, const json& d, const std::string& new_name,
                           const std::vector<RolloutReplicaSet>& sets, int64_t total_spec,
                           const RolloutStrategy& strategy, TimePoint now) {
  int64_t replicas = d["spec"].value("replicas", 1);
  int64_t active = 0, available = 0, updated = 0;
  for (const RolloutReplicaSet& rs : sets) {
    active += rs.active;
    available += rs.available;
    if (rs.is_new) updated = rs.active;
  }
  bool complete = updated == replicas && active == replicas && available == replicas;
  bool minimum = available >= replicas - (strategy.recreate ? 0 : strategy.max_unavailable);
  std::string when = FormatRfc3339(now);
  json previous =
      d.contains("status") ? d["status"].value("conditions", json::array()) : json::array();
  json conditions = json::array(
      {Condition("Available", minimum,
                 minimum ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                 minimum ? "Deployment has minimum availability."
                         : "Deployment does not have minimum availability.",
                 when),
       Condition("Progressing", true, complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                 complete ? "ReplicaSet \"" + new_name + "\" has successfully progressed."
                          : "ReplicaSet \"" + new_name + "\" is progressing.",
                 when)});
  // Keep the old timestamps while a condition says the same thing (no churn per pass).
  for (json& c : conditions) {
    for (const json& p : previous) {
      if (p.value("type", "") == c["type"] && p.value("status", "") == c["status"] &&
          p.value("reason", "") == c["reason"]) {
        c = p;
      }
    }
  }
  json status = {{"replicas", active},
                 {"updatedReplicas", updated},
                 {"readyReplicas", available > 0 ? json(available) : json(nullptr)},
                 {"availableReplicas", available > 0 ? json(available) : json(nullptr)},
                 {"unavailableReplicas",
                  total_spec > available ? json(total_spec - available) : json(nullptr)},
                 {"observedGeneration", d["metadata"].value("generation", 1)},
                 {"conditions", conditions}};
  SetStatus(store, "deployments.apps", d, status);
}

void SyncDeployment(ObjectStore& store, const json& d, std::vector<const json*> owned_sets,
                    std::map<std::string, std::vector<OwnedPod>>& pods, TimePoint now) {
  int64_t replicas = d["spec"].value("replicas", 1);
  std::string hash = PodTemplateHash(d["spec"]["template"]);
  std::string new_name = Name(d) + "-" + hash;
  // A malformed strategy behaves as the default one (the API server would have refused it).
  RolloutStrategy strategy =
      ParseRolloutStrategy(d["spec"], replicas)
          .value_or(RolloutStrategy{false, (replicas + 3) / 4, replicas / 4});
  std::stable_sort(owned_sets.begin(), owned_sets.end(),
                   [](const json* a, const json* b) { return RevisionOf(*a) < RevisionOf(*b); });
  int64_t max_revision = owned_sets.empty() ? 0 : RevisionOf(*owned_sets.back());
  auto current = std::find_if(owned_sets.begin(), owned_sets.end(),
                              [&](const json* rs) { return Name(*rs) == new_name; });
  if (current == owned_sets.end() || RevisionOf(**current) < max_revision) {
    // A new template, or an old one again (rollout undo): it becomes the latest revision.
    std::string revision = std::to_string(max_revision + 1);
    if (current == owned_sets.end()) {
      bool others_running = std::any_of(owned_sets.begin(), owned_sets.end(), [](const json* rs) {
        return (*rs)["spec"].value("replicas", 0) > 0;
      });
      int64_t initial = others_running ? 0 : replicas;
      if (store.Create("replicasets.apps",
                       NewReplicaSet(d, new_name, hash, initial, max_revision + 1)) &&
          initial > 0) {
        RecordEvent(store, d, "Normal", "ScalingReplicaSet",
                    "Scaled up replica set " + new_name + " from 0 to " + std::to_string(initial),
                    "deployment-controller", now);
      }
    } else {
      (void)store.Mutate("replicasets.apps", Ns(d), new_name, [&](json& rs) -> Status {
        rs["metadata"]["annotations"][std::string(kRevision)] = revision;
        return Ok();
      });
    }
    (void)store.Mutate("deployments.apps", Ns(d), Name(d), [&](json& o) -> Status {
      o["metadata"]["annotations"][std::string(kRevision)] = revision;
      return Ok();
    });
    return;  // the next pass rolls with the new set in place
  }
  std::vector<RolloutReplicaSet> sets;
  int64_t total_spec = 0;
  for (const json* rs : owned_sets) {
    std::vector<OwnedPod> active = Active(pods[Uid(*rs)]);
    int64_t spec_replicas = (*rs)["spec"].value("replicas", 0);
    total_spec += spec_replicas;
    sets.push_back(
        {rs == *current, spec_replicas, static_cast<int64_t>(active.size()), CountReady(active)});
  }
  std::vector<int64_t> target = d["spec"].value("paused", false)
                                    ? std::vector<int64_t>()
                                    : NextRolloutStep(replicas, strategy, sets);
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == sets[i].replicas) continue;
    const json& rs = *owned_sets[i];
    (void)store.Mutate("replicasets.apps", Ns(rs), Name(rs), [&](json& o) -> Status {
      o["spec"]["replicas"] = target[i];
      o["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] =
          std::to_string(replicas);
      return Ok();
    });
    RecordEvent(store, d, "Normal", "ScalingReplicaSet",
                std::string(target[i] > sets[i].replicas ? "Scaled up" : "Scaled down") +
                    " replica set " + Name(rs) + " from " + std::to_string(sets[i].replicas) +
                    " to " + std::to_string(target[i]),
                "deployment-controller", now);
  }
  WriteDeploymentStatus(store, d, new_name, sets, total_spec, strategy, now);
}

}  // namespace

void WorkloadControllers::ReconcileDeployments(TimePoint now) {
  // ReplicaSets grouped by the uid of their owning Deployment: one pass, not one per
  // Deployment (5,000 Deployments x 5,000 ReplicaSets in a generated cluster).
  std::vector<json> replica_sets = store_->ParsedAll("replicasets.apps");
  std::map<std::string, std::vector<const json*>> by_owner;
  for (const json& rs : replica_sets) {
    const json& meta = rs["metadata"];
    if (!meta.contains("ownerReferences")) continue;
    for (const json& ref : meta["ownerReferences"]) by_owner[ref.value("uid", "")].push_back(&rs);
  }
  auto pods = PodsByOwner(*index_);
  for (const json& d : store_->ParsedAll("deployments.apps")) {
    SyncDeployment(*store_, d, by_owner[Uid(d)], pods, now);
  }
}

}  // namespace cloudoptim::sandbox
