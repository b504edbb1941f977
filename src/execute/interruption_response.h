// The response to one instance of one interruption event: find its node, cordon it at once,
// taint it, mark its pool unavailable, launch a replacement in a safe pool, record the
// interruption as feedback, and drain it (PDB-aware) before the notice runs out. Every step is
// journaled under an idempotency key derived from the event, so a redelivered or resumed event
// redoes nothing that was done: no second cordon, launch or feedback row.
//
//   InterruptionResponder responder(store, router, unavailable, clock, options);
//   Result<ResponseReport> r = responder.Respond(event, "i-0abc");
//   if (!r) keep_message();          // retried after the visibility timeout
//   else delete_message(r->note);    // handled, duplicate, not ours or ignored
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "aws/eventbridge_event.h"
#include "common/clock.h"
#include "execute/drain.h"
#include "execute/interruption_replacement.h"
#include "execute/interruption_routing.h"
#include "model/taint.h"
#include "safety/execution_controls.h"
#include "safety/execution_gate.h"
#include "store/store.h"

namespace cloudoptim {

// The taint put on an interrupted node. NoSchedule (not NoExecute): the drain moves the pods
// through the Eviction API so PodDisruptionBudgets are honoured; NoExecute would delete them
// behind the budgets' back. The value names why ("spot-interruption-warning", ...).
inline constexpr std::string_view kInterruptedTaintKey = "cloudoptim.io/interrupted";

struct ResponderOptions {
  // A spot warning (and a stopping / shutting-down state change) leaves two minutes from the
  // event's time; the drain ends `deadline_margin` before that, leaving the kubelet time to
  // stop the last pods.
  Duration notice = std::chrono::minutes(2);
  Duration deadline_margin = std::chrono::seconds(15);
  // A late or redelivered event whose deadline has passed still gets this long to evict.
  Duration min_drain_window = std::chrono::seconds(10);
  // Health scheduled changes and lifecycle actions come with more time; the drain holds a
  // worker at most this long (the pods are gone from the node well before the change).
  Duration max_drain_window = std::chrono::minutes(5);
  // How long an interrupted spot pool is not used for replacements, from the event's time.
  Duration pool_unavailable_for = std::chrono::minutes(30);
  size_t max_replacement_pools = 4;
  // Evictions (PDB retry backoff, parallelism, waiting for pods); deadline, cordon, gate and
  // origin are set per event.
  DrainOptions drain;
  // Checked before any action: an engaged kill switch stops the handler from touching the
  // cluster (the event is still recorded as feedback). Keyed by ClusterHandle::name. Not owned.
  const KillSwitches* kill_switches = nullptr;
  // Passed to the drain (see DrainOptions::gate). Not owned.
  const ExecutionGate* gate = nullptr;
  // The cluster's stored mode and kill switches, read at every event (both change at run time
  // through the API, and a kill switch must stop the very next event). An engaged switch stops
  // everything but the feedback; recommend-only observes: the feedback plus an audit entry of
  // what would have been done, nothing on the cluster. Null: act in every mode (tests and
  // tools that own their cluster); a read error keeps the message for a retry.
  std::function<Result<GateConfig>(const ClusterHandle&)> gate_config;
};

enum class ResponseOutcome {
  kHandled,    // acted (or resumed and finished) on the node
  kDuplicate,  // this event was already handled for this instance: nothing done
  kNotOurs,    // no registered cluster has the instance
  kIgnored,    // a kind or state we do not act on (rebalance with policy ignore, "running")
  kObserved,   // recorded only: the cluster is recommend-only or a kill switch is engaged
};
std::string_view ResponseOutcomeName(ResponseOutcome outcome);

struct ResponseReport {
  ResponseOutcome outcome = ResponseOutcome::kHandled;
  std::string tenant_id;
  std::string cluster_id;
  std::string node;
  std::optional<Replacement> replacement;
  std::string note;  // one line: what was done or why nothing was
};

// One instance of one event on its way through the two phases. Contain fills it; Evacuate
// continues from it (the handler runs the phases on separate pools so that cordons never
// wait behind other nodes' drains).
struct InterruptionCase {
  aws::InstanceEvent event;
  std::string instance_id;
  std::string event_key;  // the event id (or a stand-in when the message had none)
  std::string plan_id;
  RoutedInstance where;
  ResponseReport report;
  std::vector<std::string> done;  // short notes of the steps, for the report line
  bool evacuate = false;          // containment done, Evacuate has work left

  const std::string& tenant() const { return where.cluster.tenant_id; }
  std::string NodeTarget() const {
    return "cluster/" + where.cluster.cluster_id + "/node/" + where.node.node_name;
  }
};

class InterruptionResponder {
 public:
  InterruptionResponder(store::Store& store, InstanceRouter& router, UnavailablePools& unavailable,
                        Clock& clock, ResponderOptions options = {});

  // Both phases on the caller's thread. Errors are worth a retry (the Kubernetes or store
  // call failed): the caller keeps the message. Thread-safe; the caller serialises events of
  // one instance.
  Result<ResponseReport> Respond(const aws::InstanceEvent& event, const std::string& instance_id);
  // Phase one, fast: route, drop duplicates, cordon (the first call), write the plan row. The
  // result's `evacuate` says whether phase two has work; otherwise its report is final.
  Result<InterruptionCase> Contain(const aws::InstanceEvent& event, const std::string& instance_id);
  // Phase two, slow: journal the cordon, taint, mark the pool, launch the replacement,
  // record feedback, drain by the deadline, close the plan.
  Result<ResponseReport> Evacuate(InterruptionCase& context);

  const ResponderOptions& options() const { return options_; }

 private:
  Status ContainOnNode(InterruptionCase& context);
  Result<ResponseReport> EvacuateSteps(InterruptionCase& context);
  Status Cordon(InterruptionCase& context, bool journal);
  Status Taint(InterruptionCase& context);
  Status Replace(InterruptionCase& context);
  // True when the event was new to the feedback store (a redelivery records nothing).
  Result<bool> RecordFeedback(InterruptionCase& context);
  // Whether the cluster's settings let the handler act on this event; when not, records the
  // feedback, audits why (once per event) and fills the report.
  Result<bool> MayAct(InterruptionCase& context);
  Status Drain(InterruptionCase& context);
  Status Finish(InterruptionCase& context);
  TimePoint DrainDeadline(const aws::InstanceEvent& event) const;
  void Audit(const InterruptionCase& context, std::string_view action, const std::string& detail);

  store::Store& store_;
  InstanceRouter& router_;
  UnavailablePools& unavailable_;
  Clock& clock_;
  ResponderOptions options_;
  void RememberDone(const std::string& plan_id);

  // Plans finished by this process, so a redelivery costs no call at all (the store's plan
  // row covers what happened before a restart). Bounded: the oldest are forgotten.
  static constexpr size_t kRememberedPlans = 100000;
  std::mutex in_flight_mutex_;
  std::set<std::string> in_flight_;  // plan ids contained and not yet evacuated
  std::unordered_set<std::string> done_;
  std::deque<std::string> done_order_;
};

}  // namespace cloudoptim
