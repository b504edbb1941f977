#include "controlplane/execution_pass.h"

#include <set>

#include "controlplane/control_plane_log.h"
#include "execute/execution_settings.h"

namespace cloudoptim::controlplane {
namespace {

Result<bool> HasUnfinishedPlans(store::Store& store, const store::Cluster& cluster) {
  CO_ASSIGN_OR_RETURN(std::vector<store::Plan> plans,
                      store.journal().ListOpenPlans(cluster.tenant_id, cluster.id));
  return !plans.empty();
}

// Plans for the recommendations the mode lets act. A recommendation the executor cannot
// expand is logged and left alone: it must not stop the others.
Result<std::vector<store::Plan>> SubmitActionable(store::Store& store,
                                                  const store::Cluster& cluster, Executor& executor,
                                                  ExecutionMode mode) {
  std::vector<store::RecommendationStatus> statuses = {store::RecommendationStatus::kApproved};
  if (mode == ExecutionMode::kAutopilot) {
    statuses.push_back(store::RecommendationStatus::kPending);
  }
  std::vector<store::Plan> plans;
  for (store::RecommendationStatus status : statuses) {
    store::RecommendationFilter filter;
    filter.cluster_id = cluster.id;
    filter.status = status;
    CO_ASSIGN_OR_RETURN(std::vector<store::StoredRecommendation> recs,
                        store.recommendations().ListRecommendations(cluster.tenant_id, filter));
    for (const store::StoredRecommendation& rec : recs) {
      const std::string requester =
          status == store::RecommendationStatus::kApproved ? "approval" : "autopilot";
      Result<store::Plan> plan = executor.SubmitPlan(rec.id, requester);
      if (!plan) {
        Log(LogLevel::kWarn, "recommendation not executable",
            {{"cluster", cluster.id},
             {"recommendation", rec.id},
             {"error", plan.error().ToString()}});
        continue;
      }
      plans.push_back(std::move(*plan));
    }
  }
  return plans;
}

}  // namespace

Result<ExecutionPassResult> RunExecutionPass(store::Store& store, const store::Cluster& cluster,
                                             ClusterApi& kube, CloudActions& cloud, Clock& clock,
                                             const ExecutorOptions& options) {
  CO_ASSIGN_OR_RETURN(GateConfig config,
                      LoadGateConfig(store, cluster.tenant_id, cluster.id, options.cluster_name));
  ExecutionGate gate(std::move(config));
  const ExecutionMode mode = gate.ModeFor(options.cluster_name);
  ExecutionPassResult result;
  result.mode = std::string(ExecutionModeName(mode));
  if (mode == ExecutionMode::kRecommendOnly) {
    CO_ASSIGN_OR_RETURN(bool unfinished, HasUnfinishedPlans(store, cluster));
    if (!unfinished) {
      result.skipped = true;
      return result;
    }
  }
  Executor executor(store, kube, cloud, gate, clock, options);
  // Finish what a crash or an earlier pass left first: new plans must not race old ones.
  CO_ASSIGN_OR_RETURN(result.reports, executor.Resume());
  if (mode == ExecutionMode::kRecommendOnly) return result;
  CO_ASSIGN_OR_RETURN(std::vector<store::Plan> plans,
                      SubmitActionable(store, cluster, executor, mode));
  std::set<std::string> resumed;
  for (const PlanRunReport& report : result.reports) resumed.insert(report.plan_id);
  for (const store::Plan& plan : plans) {
    // An existing plan was run by Resume above, or is finished.
    if (plan.state != store::PlanState::kPending || resumed.contains(plan.id)) continue;
    ++result.submitted;
    CO_ASSIGN_OR_RETURN(PlanRunReport report, executor.RunPlan(plan.id));
    result.reports.push_back(std::move(report));
  }
  return result;
}

}  // namespace cloudoptim::controlplane
