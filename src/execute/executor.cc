#include "execute/executor.h"

#include <algorithm>
#include <map>

#include "execute/execution_settings.h"

namespace cloudoptim {

using store::ActionState;
using store::JournalEntry;
using store::PlanState;

namespace {

std::string PlanIdFor(const std::string& recommendation_id) {
  return "plan-" + ClientTokenFor("plan/" + recommendation_id).substr(3, 16);
}

bool IsApproved(store::RecommendationStatus status) {
  return status == store::RecommendationStatus::kApproved ||
         status == store::RecommendationStatus::kApplied;
}

}  // namespace

Executor::Executor(store::Store& store, ClusterApi& cluster, CloudActions& cloud,
                   ExecutionGate& gate, Clock& clock, ExecutorOptions options)
    : store_(store),
      cluster_(cluster),
      cloud_(cloud),
      gate_(gate),
      clock_(clock),
      options_(std::move(options)) {}

void Executor::Audit(const std::string& action, const std::string& target,
                     const std::string& reason) {
  store::AuditEntry entry;
  entry.actor = options_.actor;
  entry.action = action;
  entry.target = target;
  entry.reason = reason;
  entry.at = clock_.Now();
  // The journal is the record the executor relies on; a lost audit line is not worth
  // stopping a half-done plan for.
  (void)store_.audit().AppendAudit(options_.tenant_id, entry);
}

Result<store::Plan> Executor::SubmitPlan(const std::string& recommendation_id,
                                         const std::string& requested_by) {
  CO_ASSIGN_OR_RETURN(store::StoredRecommendation rec,
                      store_.recommendations().GetRecommendation(
                          options_.tenant_id, options_.cluster_id, recommendation_id));
  CO_ASSIGN_OR_RETURN(std::vector<Action> actions, ActionsFromJson(rec.actions_json));
  const std::string plan_id = PlanIdFor(recommendation_id);
  CO_RETURN_IF_ERROR(ExpandPlan(plan_id, actions));
  store::Plan plan;
  plan.id = plan_id;
  plan.cluster_id = options_.cluster_id;
  plan.recommendation_id = recommendation_id;
  plan.description = "requested by " + requested_by + ": " + rec.explanation;
  Result<store::Plan> created = store_.journal().CreatePlan(options_.tenant_id, plan);
  if (!created && IsAlreadyExists(created.error())) {
    return store_.journal().GetPlan(options_.tenant_id, plan_id);
  }
  if (created) Audit("plan.create", rec.target, plan.description + " (plan " + plan_id + ")");
  return created;
}

Result<std::vector<store::Plan>> Executor::SubmitApproved(const std::string& requested_by) {
  store::RecommendationFilter filter;
  filter.cluster_id = options_.cluster_id;
  filter.status = store::RecommendationStatus::kApproved;
  CO_ASSIGN_OR_RETURN(std::vector<store::StoredRecommendation> approved,
                      store_.recommendations().ListRecommendations(options_.tenant_id, filter));
  std::vector<store::Plan> plans;
  for (const store::StoredRecommendation& rec : approved) {
    CO_ASSIGN_OR_RETURN(store::Plan plan, SubmitPlan(rec.id, requested_by));
    plans.push_back(std::move(plan));
  }
  return plans;
}

Result<Executor::LoadedPlan> Executor::Load(const std::string& plan_id) {
  LoadedPlan loaded;
  CO_ASSIGN_OR_RETURN(loaded.plan, store_.journal().GetPlan(options_.tenant_id, plan_id));
  CO_ASSIGN_OR_RETURN(loaded.recommendation, store_.recommendations().GetRecommendation(
                                                 options_.tenant_id, loaded.plan.cluster_id,
                                                 loaded.plan.recommendation_id));
  CO_ASSIGN_OR_RETURN(std::vector<Action> actions,
                      ActionsFromJson(loaded.recommendation.actions_json));
  CO_ASSIGN_OR_RETURN(loaded.steps, ExpandPlan(plan_id, actions));
  CO_ASSIGN_OR_RETURN(std::vector<JournalEntry> entries,
                      store_.journal().ListPlanEntries(options_.tenant_id, plan_id));
  for (JournalEntry& entry : entries) loaded.entries[entry.step_index] = std::move(entry);
  loaded.approved = IsApproved(loaded.recommendation.status);
  return loaded;
}

Result<int32_t> Executor::OtherRunningPlans(const std::string& plan_id) {
  CO_ASSIGN_OR_RETURN(std::vector<store::Plan> plans,
                      store_.journal().ListOpenPlans(options_.tenant_id, options_.cluster_id));
  return static_cast<int32_t>(std::count_if(plans.begin(), plans.end(), [&](const auto& p) {
    return p.id != plan_id && p.state == PlanState::kRunning;
  }));
}

// The gate judges a fresh picture of the cluster: nodes, pods, budgets and controllers from
// the API, and for a volume delete the volume and its snapshots from the cloud.
std::optional<std::string> Executor::StoredKillSwitch() {
  Result<KillSwitches> stored =
      LoadKillSwitches(store_, options_.tenant_id, options_.cluster_id, options_.cluster_name);
  if (!stored) return "cannot read the kill switches: " + stored.error().ToString();
  return stored->Blocking(options_.cluster_name);
}

GateDecision Executor::AskGate(const LoadedPlan& loaded, const Action& action) {
  // The stored switches on top of the gate's own: the gate was loaded when the pass began, and
  // a switch engaged since must stop the plan before its next step. Not knowing holds too.
  if (std::optional<std::string> why = StoredKillSwitch()) return {false, Guard::kKillSwitch, *why};
  Snapshot cluster;
  cluster.cluster_name = options_.cluster_name;
  for (ClusterResource resource :
       {ClusterResource::kNodes, ClusterResource::kPods, ClusterResource::kPodDisruptionBudgets,
        ClusterResource::kDeployments, ClusterResource::kReplicaSets,
        ClusterResource::kStatefulSets}) {
    Result<std::string> listed = cluster_.List(resource, {}, &cluster);
    if (!listed) {
      return {false, Guard::kConcurrency,
              "cannot read the cluster for the gate: " + listed.error().ToString()};
    }
  }
  const std::string volume_id = TargetName(action.target, "volume");
  if (!volume_id.empty()) {
    if (auto volume = cloud_.DescribeVolume(volume_id)) cluster.volumes.push_back(*volume);
    if (auto snapshots = cloud_.DescribeSnapshots(volume_id)) cluster.ebs_snapshots = *snapshots;
  }
  ActionRequest request;
  request.action = action;
  request.recommendation_id = loaded.plan.recommendation_id;
  request.approved = loaded.approved;
  Result<int32_t> in_flight = OtherRunningPlans(loaded.plan.id);
  if (!in_flight) {
    return {false, Guard::kConcurrency,
            "cannot count the cluster's running plans: " + in_flight.error().ToString()};
  }
  request.disruptions_in_flight = *in_flight;
  return gate_.MayRun(cluster, request);
}

Result<PlanRunReport> Executor::RunPlan(const std::string& plan_id) {
  CO_ASSIGN_OR_RETURN(LoadedPlan loaded, Load(plan_id));
  PlanRunReport report{plan_id, loaded.plan.state};
  switch (loaded.plan.state) {
    case PlanState::kDone:
    case PlanState::kRolledBack:
      return report;
    case PlanState::kFailed:
      return RollBack(loaded, "resuming an interrupted rollback");
    default:
      return RunForward(loaded);
  }
}

Result<std::vector<PlanRunReport>> Executor::Resume() {
  CO_ASSIGN_OR_RETURN(std::vector<store::Plan> plans,
                      store_.journal().ListOpenPlans(options_.tenant_id, options_.cluster_id));
  std::vector<PlanRunReport> reports;
  for (const store::Plan& plan : plans) {  // oldest first
    CO_ASSIGN_OR_RETURN(PlanRunReport report, RunPlan(plan.id));
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace cloudoptim
