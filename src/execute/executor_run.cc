// Executor: running a plan forward through the journal, and rolling it back.
#include "execute/executor.h"

namespace cloudoptim {

using store::ActionState;
using store::JournalEntry;
using store::PlanState;

namespace {

std::string StepReason(const store::Plan& plan, const PlanStep& step, int attempt) {
  return "plan " + plan.id + " step " + std::to_string(step.index) + " (" +
         std::string(ActionTypeString(step.action.type)) + ", attempt " + std::to_string(attempt) +
         ") for recommendation " + plan.recommendation_id + ", " + plan.description;
}

}  // namespace

Result<PlanRunReport> Executor::RunForward(LoadedPlan& loaded) {
  store::JournalStore& journal = store_.journal();
  const std::string& tenant = options_.tenant_id;
  PlanRunReport report{loaded.plan.id, loaded.plan.state};
  // The mode and the kill switches first, before anything is journaled; a fresh plan also has
  // each action judged whole, so that a do-not-disrupt node is refused before a replacement
  // is launched for it.
  GateDecision mode =
      AskGate(loaded, Action{ActionType::kAnnotate, loaded.recommendation.target, {}});
  if (!mode.allowed) {
    report.held = true;
    report.reason = mode.reason;
    return report;
  }
  if (loaded.entries.empty()) {
    for (const PlanStep& step : loaded.steps) {
      if (step.index > 0 && step.action_index == loaded.steps[step.index - 1].action_index) {
        continue;
      }
      GateDecision whole = AskGate(loaded, step.action);
      switch (whole.blocked_by) {
        case Guard::kNone:
        case Guard::kDisruptionBudget:  // the drain retries evictions one by one
        case Guard::kNotDrained:        // the plan drains before it terminates
        case Guard::kNoSnapshot:        // the plan snapshots before it deletes
          break;
        case Guard::kKillSwitch:
        case Guard::kMode:
        case Guard::kConcurrency:
          report.held = true;
          report.reason = whole.reason;
          return report;
        default:
          Audit("plan.refused", step.target, whole.reason);
          return RollBack(loaded, "refused by the " + std::string(GuardName(whole.blocked_by)) +
                                      " guard: " + whole.reason);
      }
    }
  }
  // The drain asks between its evictions: a switch engaged mid-drain (in the gate's config or
  // in the store) stops it there rather than at its deadline.
  auto halt = [this]() -> std::optional<std::string> {
    if (auto why = gate_.config().kill_switches.Blocking(options_.cluster_name)) return why;
    return StoredKillSwitch();
  };
  StepRunner runner(
      cluster_, cloud_, clock_, options_.timeouts, options_.drain,
      [&](const Action& action) { return AskGate(loaded, action); }, halt);
  StepContext context{&loaded.steps, {}};
  for (const auto& [index, entry] : loaded.entries) {
    if (entry.state == ActionState::kDone) context.results[index] = entry.result;
  }
  for (const PlanStep& step : loaded.steps) {
    auto known = loaded.entries.find(step.index);
    if (known != loaded.entries.end()) {
      if (known->second.state == ActionState::kDone) {
        ++report.steps_skipped;
        continue;
      }
      if (known->second.state != ActionState::kIntent &&
          known->second.state != ActionState::kStarted) {
        return RollBack(
            loaded, "step " + std::to_string(step.index) + " had failed: " + known->second.result);
      }
    }
    CO_ASSIGN_OR_RETURN(
        store::IntentOutcome intent,
        journal.RecordIntent(tenant,
                             {loaded.plan.id, options_.cluster_id, step.index, step.idempotency_key,
                              std::string(StepKindName(step.kind)), step.target}));
    if (loaded.plan.state != PlanState::kRunning) {
      CO_RETURN_IF_ERROR(journal.SetPlanState(tenant, loaded.plan.id, PlanState::kRunning));
      loaded.plan.state = report.state = PlanState::kRunning;
    }
    CO_ASSIGN_OR_RETURN(JournalEntry started, journal.MarkStarted(tenant, intent.entry.id));
    loaded.entries[step.index] = started;
    Audit("execute." + std::string(StepKindName(step.kind)), step.target,
          StepReason(loaded.plan, step, started.attempts));
    StepOutcome outcome = runner.Run(step, context);
    ++report.steps_run;
    if (outcome.state == StepOutcome::kHeld) {
      report.held = true;
      report.reason = outcome.text;
      return report;
    }
    if (outcome.state == StepOutcome::kFailed) {
      CO_ASSIGN_OR_RETURN(loaded.entries[step.index],
                          journal.MarkFailed(tenant, started.id, outcome.text));
      Audit("execute.failed", step.target, outcome.text);
      return RollBack(loaded, outcome.text);
    }
    CO_ASSIGN_OR_RETURN(loaded.entries[step.index],
                        journal.MarkDone(tenant, started.id, outcome.text));
    context.results[step.index] = outcome.text;
  }
  CO_RETURN_IF_ERROR(journal.SetPlanState(tenant, loaded.plan.id, PlanState::kDone));
  (void)store_.recommendations().SetRecommendationStatus(tenant, loaded.plan.cluster_id,
                                                         loaded.plan.recommendation_id,
                                                         store::RecommendationStatus::kApplied);
  Audit("plan.done", loaded.recommendation.target, "plan " + loaded.plan.id + " done");
  report.state = PlanState::kDone;
  return report;
}

// Undo in reverse order every step the journal knows (any state: an intent may have acted).
// Undo failures other than a deliberate "kept" stop the rollback with the plan left failed,
// so that the next Resume continues it.
Result<PlanRunReport> Executor::RollBack(LoadedPlan& loaded, const std::string& reason) {
  store::JournalStore& journal = store_.journal();
  const std::string& tenant = options_.tenant_id;
  PlanRunReport report{loaded.plan.id, PlanState::kFailed};
  report.reason = reason;
  if (loaded.plan.state != PlanState::kFailed) {
    CO_RETURN_IF_ERROR(journal.SetPlanState(tenant, loaded.plan.id, PlanState::kFailed));
    loaded.plan.state = PlanState::kFailed;
  }
  if (auto why = gate_.config().kill_switches.Blocking(options_.cluster_name)) {
    report.held = true;
    report.reason = *why + " (rollback waits: " + reason + ")";
    return report;
  }
  StepRunner runner(cluster_, cloud_, clock_, options_.timeouts, options_.drain, nullptr);
  StepContext context{&loaded.steps, {}};
  bool drain_started = false;
  for (const auto& [index, entry] : loaded.entries) {
    if (entry.state == ActionState::kDone) context.results[index] = entry.result;
    if (entry.kind == StepKindName(StepKind::kDrain)) drain_started = true;
  }
  for (auto step = loaded.steps.rbegin(); step != loaded.steps.rend(); ++step) {
    auto known = loaded.entries.find(step->index);
    if (known == loaded.entries.end() || known->second.state == ActionState::kRolledBack) continue;
    // An undo acts too (uncordon, terminate what the plan launched): the stored switches are
    // read before each one, so a switch engaged mid-rollback holds it here; the journal knows
    // what is undone already, and the next pass continues from this step.
    if (std::optional<std::string> why = StoredKillSwitch()) {
      report.held = true;
      report.reason = *why + " (rollback waits: " + reason + ")";
      return report;
    }
    Status undone = runner.Undo(*step, context, drain_started);
    if (!undone && !IsFailedPrecondition(undone.error())) {
      report.reason = "rollback incomplete at step " + std::to_string(step->index) + ": " +
                      undone.error().ToString();
      return report;
    }
    const std::string note = undone ? "rolled back: " + reason : undone.error().message;
    CO_ASSIGN_OR_RETURN(known->second, journal.MarkRolledBack(tenant, known->second.id, note));
    Audit("rollback." + std::string(StepKindName(step->kind)), step->target, note);
  }
  CO_RETURN_IF_ERROR(journal.SetPlanState(tenant, loaded.plan.id, PlanState::kRolledBack));
  Audit("plan.rolled_back", loaded.recommendation.target,
        "plan " + loaded.plan.id + " rolled back: " + reason);
  report.state = PlanState::kRolledBack;
  return report;
}

}  // namespace cloudoptim
