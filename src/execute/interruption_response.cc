#include "execute/interruption_response.h"

#include <algorithm>
#include <functional>
#include <set>

namespace cloudoptim {
namespace {

using aws::InstanceEventKind;

constexpr std::string_view kActor = "interruption-handler";

// What the store's feedback rows call each kind; empty for kinds that are not interruptions.
std::string FeedbackKind(InstanceEventKind kind) {
  switch (kind) {
    case InstanceEventKind::kSpotInterruptionWarning:
      return "spot-interruption";
    case InstanceEventKind::kStateChange:
      return "state-change";
    case InstanceEventKind::kScheduledChange:
      return "health";
    case InstanceEventKind::kRebalanceRecommendation:
    case InstanceEventKind::kTerminateLifecycleAction:
      return "";
  }
  return "";
}

// The event's id, or a stable stand-in when a (direct ASG) message carried none.
std::string EventKey(const aws::InstanceEvent& event, const std::string& instance_id) {
  if (!event.event_id.empty()) return event.event_id;
  return std::string(aws::InstanceEventKindName(event.kind)) + "-" + instance_id + "-" +
         std::to_string(
             std::chrono::duration_cast<std::chrono::milliseconds>(event.time.time_since_epoch())
                 .count());
}

// "Deployment", "StatefulSet", "DaemonSet", "Job", "bare": what runs on the node, for the
// feedback the risk model learns from (ReplicaSets are counted as their Deployments).
std::vector<std::string> WorkloadTypes(const std::vector<Pod>& pods) {
  std::set<std::string> types;
  for (const Pod& pod : pods) {
    const OwnerReference* owner = pod.meta.ControllerRef();
    if (owner == nullptr) {
      types.insert("bare");
    } else if (owner->kind == "ReplicaSet") {
      types.insert("Deployment");
    } else if (!owner->kind.empty() && owner->kind.find(',') == std::string::npos) {
      types.insert(owner->kind);
    }
  }
  return {types.begin(), types.end()};
}

}  // namespace

std::string_view ResponseOutcomeName(ResponseOutcome outcome) {
  switch (outcome) {
    case ResponseOutcome::kHandled:
      return "handled";
    case ResponseOutcome::kDuplicate:
      return "duplicate";
    case ResponseOutcome::kNotOurs:
      return "not-ours";
    case ResponseOutcome::kIgnored:
      return "ignored";
    case ResponseOutcome::kObserved:
      return "observed";
  }
  return "unknown";
}

InterruptionResponder::InterruptionResponder(store::Store& store, InstanceRouter& router,
                                             UnavailablePools& unavailable, Clock& clock,
                                             ResponderOptions options)
    : store_(store),
      router_(router),
      unavailable_(unavailable),
      clock_(clock),
      options_(std::move(options)) {}

void InterruptionResponder::Audit(const InterruptionCase& context, std::string_view action,
                                  const std::string& detail) {
  store::AuditEntry entry{
      .actor = std::string(kActor),
      .action = std::string(action),
      .target = context.NodeTarget(),
      .reason = "origin=spot-interruption event=" + context.event_key +
                " kind=" + std::string(aws::InstanceEventKindName(context.event.kind)) +
                " instance=" + context.instance_id + (detail.empty() ? "" : ": " + detail)};
  // The audit log is the record, not a precondition: a failed append must not stop a drain
  // racing the two-minute notice.
  (void)store_.audit().AppendAudit(context.tenant(), entry);
}

namespace {

// Runs `action` as step `index` of the plan unless the journal says it is done already (then
// its stored result is returned and nothing runs). An action error leaves the entry started,
// so the retried event starts it again. With a `final_failure` note, errors are marked failed
// instead and returned as a value, the note followed by the error (the caller continues
// without the step); a step that failed before returns its stored error the same way.
Result<std::string> RunStep(store::JournalStore& journal, const std::string& tenant,
                            const store::IntentRequest& intent,
                            const std::function<Result<std::string>()>& action,
                            std::string_view final_failure = "") {
  CO_ASSIGN_OR_RETURN(store::IntentOutcome recorded, journal.RecordIntent(tenant, intent));
  const store::JournalEntry& entry = recorded.entry;
  if (entry.state == store::ActionState::kDone) return entry.result;
  if (entry.state == store::ActionState::kFailed ||
      entry.state == store::ActionState::kRolledBack) {
    return (final_failure.empty() ? "failed earlier: " : std::string(final_failure)) + entry.result;
  }
  CO_RETURN_IF_ERROR(journal.MarkStarted(tenant, entry.id));
  Result<std::string> result = action();
  if (!result) {
    if (final_failure.empty()) return std::unexpected(result.error());
    CO_RETURN_IF_ERROR(journal.MarkFailed(tenant, entry.id, result.error().ToString()));
    return std::string(final_failure) + result.error().ToString();
  }
  CO_RETURN_IF_ERROR(journal.MarkDone(tenant, entry.id, *result));
  return *result;
}

store::IntentRequest Intent(const std::string& plan_id, const std::string& cluster_id, int index,
                            std::string_view kind, const std::string& target) {
  return store::IntentRequest{.plan_id = plan_id,
                              .cluster_id = cluster_id,
                              .step_index = index,
                              .idempotency_key = plan_id + "/" + std::string(kind),
                              .kind = std::string(kind),
                              .target = target};
}

}  // namespace

// Cordon first, journal after: nothing may delay the call that stops new pods landing on a
// dying node, and cordoning twice is harmless (the plan check before it keeps a duplicate event
// from even that). `journal` is false until the plan row exists.
Status InterruptionResponder::Cordon(InterruptionCase& context, bool journal) {
  if (!journal) {
    Status cordoned =
        context.where.cluster.api->SetUnschedulable(context.where.node.node_name, true, {});
    if (!cordoned && !IsNotFound(cordoned.error())) return cordoned;
    context.done.push_back(cordoned ? "cordoned" : "node already gone");
    return Ok();
  }
  const std::string note = context.done.back();
  CO_RETURN_IF_ERROR(RunStep(
      store_.journal(), context.tenant(),
      Intent(context.plan_id, context.where.cluster.cluster_id, 0, "cordon", context.NodeTarget()),
      [&]() -> Result<std::string> {
        Audit(context, "node.cordon", note);
        return note;
      }));
  return Ok();
}

Status InterruptionResponder::Taint(InterruptionCase& context) {
  cloudoptim::Taint taint{.key = std::string(kInterruptedTaintKey),
                          .value = std::string(aws::InstanceEventKindName(context.event.kind)),
                          .effect = TaintEffect::kNoSchedule};
  CO_ASSIGN_OR_RETURN(std::string result,
                      RunStep(store_.journal(), context.tenant(),
                              Intent(context.plan_id, context.where.cluster.cluster_id, 1, "taint",
                                     context.NodeTarget()),
                              [&]() -> Result<std::string> {
                                Status set = context.where.cluster.api->SetTaint(
                                    context.where.node.node_name, taint, true, {});
                                if (!set && !IsNotFound(set.error()))
                                  return std::unexpected(set.error());
                                Audit(context, "node.taint",
                                      kInterruptedTaintKey.data() + ("=" + taint.value));
                                return std::string("tainted");
                              }));
  context.done.push_back(result);
  return Ok();
}

Status InterruptionResponder::Replace(InterruptionCase& context) {
  const ClusterHandle& cluster = context.where.cluster;
  const NodeLocation& node = context.where.node;
  const TimePoint now = clock_.Now();
  if (context.event.kind == InstanceEventKind::kSpotInterruptionWarning ||
      context.event.kind == InstanceEventKind::kRebalanceRecommendation) {
    // The mark runs from the event's own time, not from when it is processed: a late delivery
    // must not start it late, and a redelivery (the step runs again after a crash) computes the
    // same expiry, which Mark keeps. A time in the future (clock skew) counts as now; an event
    // without one (never from EventBridge) as well.
    const TimePoint interrupted_at =
        context.event.time == TimePoint{} ? now : std::min(context.event.time, now);
    // A mark the store refused still holds in this process; the audit line says so.
    Status marked = unavailable_.Mark(cluster.tenant_id,
                                      {node.instance_type, node.availability_zone, node.capacity},
                                      interrupted_at + options_.pool_unavailable_for);
    Audit(context, "pool.mark-unavailable",
          node.instance_type + "/" + node.availability_zone + " for " +
              std::to_string(
                  std::chrono::duration_cast<std::chrono::minutes>(options_.pool_unavailable_for)
                      .count()) +
              " min" + (marked ? "" : " (this process only: " + marked.error().ToString() + ")"));
  }
  if (cluster.launcher == nullptr) {
    context.done.push_back("no replacement: the cluster has no launcher (no AWS access)");
    return Ok();
  }
  bool ran = false;  // false: the journal had the launch done already
  CO_ASSIGN_OR_RETURN(
      std::string result,
      RunStep(
          store_.journal(), context.tenant(),
          Intent(context.plan_id, cluster.cluster_id, 2, "launch", context.NodeTarget()),
          [&]() -> Result<std::string> {
            ran = true;
            ReplacementRequest request =
                PlanReplacement(cluster, node, unavailable_, now, options_.max_replacement_pools);
            if (request.pools.empty()) {
              return FailedPrecondition("no safe pool similar to " + node.instance_type +
                                        " outside " + node.availability_zone);
            }
            request.node_name = node.node_name;
            request.instance_id = context.instance_id;
            request.client_token = ReplacementClientToken(context.event_key, context.instance_id);
            request.tags = {{"cloudoptim.io/replaces", context.instance_id},
                            {"cloudoptim.io/event", context.event_key},
                            {"cloudoptim.io/cluster", cluster.cluster_id}};
            CO_ASSIGN_OR_RETURN(Replacement launched, cluster.launcher->Launch(request));
            context.report.replacement = launched;
            return "launched " + launched.instance_id + " " + launched.instance_type + "/" +
                   launched.availability_zone + " " +
                   std::string(CapacityTypeName(request.capacity));
          },
          // Launch failures never hold up the drain: the pods must leave the node either
          // way, and the provisioning loop replaces capacity that is still missing.
          /*final_failure=*/"no replacement: "));
  if (ran) Audit(context, "instance.launch", result);
  context.done.push_back(result);
  return Ok();
}

Result<bool> InterruptionResponder::RecordFeedback(InterruptionCase& context) {
  const std::string kind = FeedbackKind(context.event.kind);
  if (kind.empty()) return true;
  const NodeLocation& node = context.where.node;
  Snapshot pods;
  std::vector<Pod> on_node;
  ListOptions list{.field_selector = "spec.nodeName=" + node.node_name};
  if (context.where.cluster.api->List(ClusterResource::kPods, list, &pods)) {
    for (Pod& pod : pods.pods) {
      if (pod.node_name == node.node_name) on_node.push_back(std::move(pod));
    }
  }
  store::InterruptionRecord record{
      .event_id = context.event.instance_ids.size() > 1
                      ? context.event_key + "/" + context.instance_id
                      : context.event_key,
      .cluster_id = context.where.cluster.cluster_id,
      .instance_id = context.instance_id,
      .instance_type = node.instance_type.empty() ? "unknown" : node.instance_type,
      .availability_zone = node.availability_zone.empty() ? "unknown" : node.availability_zone,
      .kind = kind,
      .workload_types = WorkloadTypes(on_node),
      .at = context.event.time == TimePoint{} ? clock_.Now() : context.event.time};
  CO_ASSIGN_OR_RETURN(store::RecordOutcome outcome,
                      store_.feedback().RecordInterruption(context.tenant(), record));
  if (outcome != store::RecordOutcome::kRecorded) return false;
  Audit(context, "interruption.record", record.instance_type + "/" + record.availability_zone);
  return true;
}

Result<bool> InterruptionResponder::MayAct(InterruptionCase& context) {
  const ClusterHandle& cluster = context.where.cluster;
  std::optional<std::string> why_not;
  if (options_.kill_switches != nullptr) why_not = options_.kill_switches->Blocking(cluster.name);
  if (!why_not && options_.gate_config) {
    CO_ASSIGN_OR_RETURN(GateConfig config, options_.gate_config(cluster));
    why_not = config.kill_switches.Blocking(cluster.name);
    if (!why_not && ExecutionGate(config).ModeFor(cluster.name) == ExecutionMode::kRecommendOnly) {
      why_not =
          "the cluster is recommend-only: CloudOptim would cordon, taint, drain and "
          "replace the node; set the cluster's mode to approve or autopilot to let it";
    }
  }
  if (!why_not) return true;
  CO_ASSIGN_OR_RETURN(bool first_delivery, RecordFeedback(context));
  if (first_delivery) Audit(context, "interruption.observe", *why_not);
  context.report.outcome = ResponseOutcome::kObserved;
  context.report.note = "not acting on " + context.report.node + ": " + *why_not;
  return false;
}

TimePoint InterruptionResponder::DrainDeadline(const aws::InstanceEvent& event) const {
  const TimePoint now = clock_.Now();
  TimePoint deadline = now + options_.max_drain_window;
  switch (event.kind) {
    case InstanceEventKind::kSpotInterruptionWarning:
    case InstanceEventKind::kStateChange:
    case InstanceEventKind::kRebalanceRecommendation:
      deadline = (event.time == TimePoint{} ? now : event.time) + options_.notice -
                 options_.deadline_margin;
      break;
    case InstanceEventKind::kScheduledChange:
      if (event.start_time) deadline = *event.start_time - options_.deadline_margin;
      break;
    case InstanceEventKind::kTerminateLifecycleAction:
      break;
  }
  return std::clamp(deadline, now + options_.min_drain_window, now + options_.max_drain_window);
}

Status InterruptionResponder::Drain(InterruptionCase& context) {
  CO_ASSIGN_OR_RETURN(std::string result,
                      RunStep(store_.journal(), context.tenant(),
                              Intent(context.plan_id, context.where.cluster.cluster_id, 3, "drain",
                                     context.NodeTarget()),
                              [&]() -> Result<std::string> {
                                DrainOptions drain = options_.drain;
                                drain.deadline = DrainDeadline(context.event) - clock_.Now();
                                drain.cordon = false;  // done first, above
                                drain.gate = options_.gate;
                                drain.request.origin = ActionOrigin::kInterruption;
                                DrainReport report =
                                    DrainNode(*context.where.cluster.api,
                                              context.where.node.node_name, drain, clock_);
                                Audit(context, "node.drain", report.Summary());
                                // Whatever the drain achieved by the deadline is final: AWS takes
                                // the instance at the end of the notice, so a retry could only come
                                // too late.
                                return report.Summary();
                              }));
  context.done.push_back(result);
  return Ok();
}

Result<InterruptionCase> InterruptionResponder::Contain(const aws::InstanceEvent& event,
                                                        const std::string& instance_id) {
  InterruptionCase context{.event = event, .instance_id = instance_id};
  if (event.kind == InstanceEventKind::kStateChange && event.state != "stopping" &&
      event.state != "shutting-down") {
    context.report = {
        .outcome = ResponseOutcome::kIgnored,
        .note = "state \"" + event.state + "\" of " + instance_id + " needs no action"};
    return context;
  }
  Result<RoutedInstance> where = router_.Route(instance_id);
  if (!where) {
    if (!IsNotFound(where.error())) return std::unexpected(where.error());
    context.report = {.outcome = ResponseOutcome::kNotOurs,
                      .note = "not our node: " + where.error().message};
    return context;
  }
  context.event_key = EventKey(event, instance_id);
  context.where = std::move(*where);
  context.plan_id = "interruption/" + context.event_key + "/" + instance_id;
  context.report.tenant_id = context.where.cluster.tenant_id;
  context.report.cluster_id = context.where.cluster.cluster_id;
  context.report.node = context.where.node.node_name;
  const bool rebalance = event.kind == InstanceEventKind::kRebalanceRecommendation;
  if (rebalance && context.where.cluster.rebalance == RebalancePolicy::kIgnore) {
    context.report.outcome = ResponseOutcome::kIgnored;
    context.report.note =
        "rebalance recommendation for " + context.report.node + " ignored by the cluster's policy";
    return context;
  }
  CO_RETURN_IF_ERROR(ContainOnNode(context));
  return context;
}

Result<ResponseReport> InterruptionResponder::Respond(const aws::InstanceEvent& event,
                                                      const std::string& instance_id) {
  CO_ASSIGN_OR_RETURN(InterruptionCase context, Contain(event, instance_id));
  if (!context.evacuate) return context.report;
  return Evacuate(context);
}

// The plan row is the event's idempotency record: absent -> a new event; done -> a duplicate
// (nothing at all is done, not even a cordon); otherwise a resumed one (a crash or a failed
// step), whose done steps the journal skips. Containment ends with the node cordoned and the
// plan row written; the rest is Evacuate's.
Status InterruptionResponder::ContainOnNode(InterruptionCase& context) {
  store::JournalStore& journal = store_.journal();
  const ClusterHandle& cluster = context.where.cluster;
  {
    // Handled by this process already, or being evacuated here right now (that delivery
    // finishes the job, or releases its own message for a retry if it fails).
    std::lock_guard lock(in_flight_mutex_);
    const bool running = in_flight_.contains(context.plan_id);
    if (running || done_.contains(context.plan_id)) {
      context.report.outcome = ResponseOutcome::kDuplicate;
      context.report.note = "event " + context.event_key + " for " + context.report.node +
                            (running ? " is being handled already" : " was handled already");
      return Ok();
    }
  }
  CO_ASSIGN_OR_RETURN(bool may_act, MayAct(context));
  if (!may_act) return Ok();
  if (cluster.api == nullptr) {
    return FailedPrecondition("cluster " + cluster.cluster_id + " has no ClusterApi");
  }
  // The cordon goes before the store is even read: the database is shared with every
  // evacuation's journal writes, and the cordon must not queue behind them. The price: a
  // duplicate of an event handled before a restart repeats this one (idempotent) call.
  CO_RETURN_IF_ERROR(Cordon(context, /*journal=*/false));
  Result<store::Plan> plan = journal.GetPlan(cluster.tenant_id, context.plan_id);
  if (plan && plan->state == store::PlanState::kDone) {
    RememberDone(context.plan_id);
    context.report.outcome = ResponseOutcome::kDuplicate;
    context.report.note = "event " + context.event_key + " for " + context.report.node +
                          " was handled already (cordon repeated, nothing else)";
    return Ok();
  }
  if (!plan && !IsNotFound(plan.error())) return std::unexpected(plan.error());
  if (!plan) {
    store::Plan created{.id = context.plan_id,
                        .cluster_id = cluster.cluster_id,
                        .description = std::string(aws::InstanceEventKindName(context.event.kind)) +
                                       " of " + context.instance_id + " (node " +
                                       context.report.node + ")",
                        .state = store::PlanState::kRunning};
    Result<store::Plan> stored = journal.CreatePlan(cluster.tenant_id, created);
    if (!stored && !IsAlreadyExists(stored.error())) return std::unexpected(stored.error());
  }
  // Everything else (journaling the cordon, the taint, and the slow steps) is evacuation's,
  // so a burst of events gets every node cordoned before any drain competes for the API.
  context.evacuate = true;
  std::lock_guard lock(in_flight_mutex_);
  in_flight_.insert(context.plan_id);
  return Ok();
}

Result<ResponseReport> InterruptionResponder::Evacuate(InterruptionCase& context) {
  Result<ResponseReport> report = EvacuateSteps(context);
  std::lock_guard lock(in_flight_mutex_);
  in_flight_.erase(context.plan_id);
  return report;
}

Result<ResponseReport> InterruptionResponder::EvacuateSteps(InterruptionCase& context) {
  CO_RETURN_IF_ERROR(Cordon(context, /*journal=*/true));
  CO_RETURN_IF_ERROR(Taint(context));
  if (context.event.kind == InstanceEventKind::kRebalanceRecommendation &&
      context.where.cluster.rebalance == RebalancePolicy::kCordon) {
    CO_RETURN_IF_ERROR(Finish(context));
    return context.report;
  }
  if (context.event.kind != InstanceEventKind::kTerminateLifecycleAction) {
    CO_RETURN_IF_ERROR(Replace(context));  // the ASG replaces its own instances
  }
  CO_RETURN_IF_ERROR(RecordFeedback(context));
  CO_RETURN_IF_ERROR(Drain(context));
  CO_RETURN_IF_ERROR(Finish(context));
  return context.report;
}

void InterruptionResponder::RememberDone(const std::string& plan_id) {
  std::lock_guard lock(in_flight_mutex_);
  if (!done_.insert(plan_id).second) return;
  done_order_.push_back(plan_id);
  if (done_order_.size() > kRememberedPlans) {
    done_.erase(done_order_.front());
    done_order_.pop_front();
  }
}

Status InterruptionResponder::Finish(InterruptionCase& context) {
  CO_RETURN_IF_ERROR(store_.journal().SetPlanState(context.where.cluster.tenant_id, context.plan_id,
                                                   store::PlanState::kDone));
  RememberDone(context.plan_id);
  context.evacuate = false;
  std::string note;
  for (const std::string& step : context.done) note += (note.empty() ? "" : "; ") + step;
  context.report.note = context.report.node + ": " + note;
  return Ok();
}

}  // namespace cloudoptim
