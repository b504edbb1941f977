// The sandbox's controller manager: Deployment → ReplicaSet (pod-template-hash) → Pods,
// StatefulSet (ordered names, PVCs from volumeClaimTemplates), DaemonSet (one pod per
// eligible node), Job (pods until completions, failure after backoffLimit), CronJob (Jobs on
// a cron schedule in simulated time: cronjob_controller.cc), rolling updates
// (deployment_controller.cc), the garbage collector (dependents of deleted owners, pods of
// vanished nodes, objects of deleted namespaces), PDB status, and the Endpoints and
// EndpointSlices of Services.
// Each Reconcile* is one level-triggered pass over the store, as a controller's sync is.
//
//   WorkloadControllers controllers(&store, &index);
//   controllers.ReconcileAll(clock.Now());
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/clock.h"
#include "sandbox/object_store.h"
#include "sandbox/pod_index.h"

namespace cloudoptim::sandbox {

// A short, stable hash of a pod template ("5d8c9f7b6d"), as the deployment controller's
// pod-template-hash label.
std::string PodTemplateHash(const nlohmann::json& pod_template);

// A pod object from a workload's template, owned by `owner` (its controller reference).
nlohmann::json PodFromTemplate(const nlohmann::json& pod_template, const nlohmann::json& owner,
                               const std::string& name, const std::string& generate_name);

// Records a core/v1 Event about `involved` (any object with metadata), as components do.
void RecordEvent(ObjectStore& store, const nlohmann::json& involved, const std::string& type,
                 const std::string& reason, const std::string& message,
                 const std::string& component, TimePoint now);

class WorkloadControllers {
 public:
  WorkloadControllers(ObjectStore* store, const PodIndex* index) : store_(store), index_(index) {}

  void ReconcileAll(TimePoint now);
  void ReconcileDeployments(TimePoint now);
  void ReconcileReplicaSets(TimePoint now);
  void ReconcileStatefulSets(TimePoint now);
  void ReconcileDaemonSets(TimePoint now);
  void ReconcileJobs(TimePoint now);
  // Time-driven as well as change-driven: the cluster calls it on every tick.
  void ReconcileCronJobs(TimePoint now);
  // Endpoints and EndpointSlices of Services with a selector (endpoints_controller.cc).
  void ReconcileEndpoints();
  void CollectGarbage();
  void UpdateDisruptionBudgets();

 private:
  ObjectStore* store_;
  const PodIndex* index_;
};

}  // namespace cloudoptim::sandbox
