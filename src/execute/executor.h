// The executor: turns an approved recommendation into a plan of ordered steps (plan_steps.h),
// asks the ExecutionGate before each step acts, writes every step to the store's action
// journal before it runs, records every action in the audit log, and after a crash finishes
// or rolls back every unfinished plan without running any step twice.
//
//   Executor executor(*store, cluster_api, cloud, gate, clock,
//                     {.tenant_id = t, .cluster_id = c, .cluster_name = "prod"});
//   CO_RETURN_IF_ERROR(executor.Resume());                       // at start-up, first
//   CO_ASSIGN_OR_RETURN(store::Plan plan, executor.SubmitPlan(rec_id, "api-key:k1a2"));
//   CO_ASSIGN_OR_RETURN(PlanRunReport report, executor.RunPlan(plan.id));
//
// Journal protocol. Every step has an idempotency key "<plan>/<index>/<kind>/<target>"; the
// plan's steps are recomputed from the stored recommendation's actions, so the keys are the
// same after a restart. Before a step acts: RecordIntent (a second intent with the same key
// returns the first row), then MarkStarted; after it: MarkDone with its result (the instance
// ids it launched, the instance it terminated, the snapshot it took) or MarkFailed with why.
// The plan is running while it moves forward, failed while it rolls back, and ends done or
// rolled_back.
//
// Recovery rules (Resume). A crash can leave a step in intent or started state: it may not have
// acted, acted partly, or acted fully without its result being written. Such a step is never
// blindly repeated; it is run again through the same code, which first reconciles against
// reality and only acts on what is missing: a launch looks for an instance carrying the step's
// token tag (applied atomically at launch) and else relaunches with the same EC2 ClientToken,
// which returns the first launch instead of a second one, so one node never gets two
// replacements; a cordon reads the node (already unschedulable with this plan's annotation:
// done); a drain evicts only pods still there; a terminate first describes the instance
// (shutting-down or terminated: done) and refuses a Ready node that still runs pods; a snapshot
// looks for the snapshot carrying its tag before taking one and then waits for it to complete;
// a volume delete finds the volume gone (done) or deletes it only after this plan's snapshot
// completed. A plan in running state is then resumed forward from its first unfinished step. A
// plan in failed state (the crash came during a rollback) is rolled back again: steps are
// undone in reverse order and each undo is idempotent too: a node is uncordoned only if it
// carries this plan's cordon annotation; a launched replacement is terminated only when the
// plan rolls back before any drain began and the replacement runs no pods (otherwise it is
// kept, since it may host the evicted pods, and the journal says so); scaled workloads get
// the replica count noted on them before scaling. Drains, terminations and volume deletions
// cannot be undone and are the last steps of their action. A step the gate holds (kill
// switch, mode, concurrency cap) leaves the plan where it is, to be resumed later.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "execute/cloud_actions.h"
#include "execute/drain.h"
#include "execute/plan_steps.h"
#include "execute/step_runner.h"
#include "kube/cluster_api.h"
#include "safety/execution_gate.h"
#include "store/store.h"

namespace cloudoptim {

struct ExecutorOptions {
  std::string tenant_id;
  std::string cluster_id;
  std::string cluster_name;        // the gate's key for modes and kill switches
  std::string actor = "executor";  // who acts, in the audit log
  StepTimeouts timeouts;
  DrainOptions drain;  // deadline, backoff, parallelism of the drain steps
};

struct PlanRunReport {
  std::string plan_id;
  store::PlanState state = store::PlanState::kPending;
  bool held = false;      // the gate holds it (kill switch, mode, concurrency): run it again later
  std::string reason;     // why held, failed or rolled back
  int steps_run = 0;      // steps this call ran (or ran again after a crash)
  int steps_skipped = 0;  // steps the journal already had as done

  bool Finished() const {
    return state == store::PlanState::kDone || state == store::PlanState::kRolledBack;
  }
};

class Executor {
 public:
  Executor(store::Store& store, ClusterApi& cluster, CloudActions& cloud, ExecutionGate& gate,
           Clock& clock, ExecutorOptions options);

  // Creates the plan of a stored recommendation, id "plan-<16 hex of the recommendation id>"
  // (one plan per recommendation: submitting again returns the existing plan). InvalidArgument
  // when its actions cannot be executed (the reason names the action).
  Result<store::Plan> SubmitPlan(const std::string& recommendation_id,
                                 const std::string& requested_by);
  // SubmitPlan for every approved recommendation of the cluster that has no plan yet.
  Result<std::vector<store::Plan>> SubmitApproved(const std::string& requested_by);

  // Runs (or resumes) the plan until it is done, rolled back or held.
  Result<PlanRunReport> RunPlan(const std::string& plan_id);
  // Every unfinished plan of the cluster (pending, running, failed = rolling back), oldest
  // first, through RunPlan. Call at start-up before anything else.
  Result<std::vector<PlanRunReport>> Resume();

 private:
  // A plan with its recommendation, steps and journal entries (by step index).
  struct LoadedPlan {
    store::Plan plan;
    store::StoredRecommendation recommendation;
    std::vector<PlanStep> steps;
    std::map<int, store::JournalEntry> entries;
    bool approved = false;
  };
  Result<LoadedPlan> Load(const std::string& plan_id);
  Result<PlanRunReport> RunForward(LoadedPlan& loaded);
  Result<PlanRunReport> RollBack(LoadedPlan& loaded, const std::string& reason);
  GateDecision AskGate(const LoadedPlan& loaded, const Action& action);
  // Why the kill switches in the store (the cluster's, the service's) forbid acting now, or
  // that they cannot be read; nullopt when released.
  std::optional<std::string> StoredKillSwitch();
  // The cluster's running plans other than `plan_id`; the store's error when it cannot list
  // them (the disruption cap then holds the plan: unknown is not zero).
  Result<int32_t> OtherRunningPlans(const std::string& plan_id);
  void Audit(const std::string& action, const std::string& target, const std::string& reason);

  store::Store& store_;
  ClusterApi& cluster_;
  CloudActions& cloud_;
  ExecutionGate& gate_;
  Clock& clock_;
  ExecutorOptions options_;
};

}  // namespace cloudoptim
