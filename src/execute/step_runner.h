// Runs and undoes single plan steps against the cluster and the cloud. Every step first looks
// at reality (is the instance with this step's tag already there? is the volume already
// gone?) and only then acts, so running a step again after a crash finishes it instead of
// repeating it. The executor (executor.h) journals around these calls.
//
//   StepRunner runner(cluster, cloud, clock, options, gate_fn);
//   StepOutcome out = runner.Run(steps[0], context);   // launch: "instances=i-0abc"
//   if (out.state == StepOutcome::kFailed) runner.Undo(steps[0], context);
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "execute/cloud_actions.h"
#include "execute/drain.h"
#include "execute/plan_steps.h"
#include "kube/cluster_api.h"
#include "safety/execution_gate.h"

namespace cloudoptim {

// The tag every instance and snapshot a step creates carries, with the step's client token:
// how a step finds after a crash what it created before it.
inline constexpr std::string_view kStepTokenTag = "cloudoptim.io/step-token";
// The annotation a cordon step leaves on a node it cordoned itself (value: the idempotency
// key), so that rolling back uncordons only nodes this plan cordoned.
inline constexpr std::string_view kCordonedByAnnotation = "cloudoptim.io/cordoned-by";

struct StepTimeouts {
  Duration ready = std::chrono::minutes(10);       // launched instances become Ready nodes
  Duration rescheduled = std::chrono::minutes(5);  // drained pods find a new home
  Duration snapshot = std::chrono::minutes(30);    // a snapshot completes
  Duration poll_interval = std::chrono::seconds(5);
};

struct StepOutcome {
  enum State {
    kDone,    // `text` is the step's result
    kFailed,  // `text` says why; the plan rolls back
    kHeld,    // the gate holds it for now (kill switch, mode, concurrency): retry later
  };
  State state = kDone;
  std::string text;
};

// What the steps of the same plan produced before, by step index (done steps only).
struct StepContext {
  const std::vector<PlanStep>* steps = nullptr;
  std::map<int, std::string> results;
  // The result of the step of `kind` that belongs to the same action as `step`, or nullptr.
  const std::string* SiblingResult(const PlanStep& step, StepKind kind) const;
};

// "instances=i-1,i-2;node=n1" -> Field(result, "instances") == "i-1,i-2".
std::string ResultField(std::string_view result, std::string_view key);

// Asks the gate about `action` (type and target mapped from the step) just before it acts.
using GateCheck = std::function<GateDecision(const Action& action)>;
// Asked between the evictions of a drain step: a reason (a kill switch engaged since the step
// began) holds the step there; nullopt lets it go on.
using HaltCheck = std::function<std::optional<std::string>()>;

class StepRunner {
 public:
  StepRunner(ClusterApi& cluster, CloudActions& cloud, Clock& clock, StepTimeouts timeouts,
             DrainOptions drain, GateCheck gate, HaltCheck halt = nullptr)
      : cluster_(cluster),
        cloud_(cloud),
        clock_(clock),
        timeouts_(timeouts),
        drain_(std::move(drain)),
        gate_(std::move(gate)),
        halt_(std::move(halt)) {}

  StepOutcome Run(const PlanStep& step, const StepContext& context);
  // Undoes a step that ran (done, or started when the crash came): uncordon a node this plan
  // cordoned, terminate a replacement no pod was moved to, restore replicas. Steps that
  // cannot be undone (drain, terminate, delete) or need no undoing (waits, snapshots) are Ok.
  // `drain_started` says whether any drain of the plan began (a launched replacement may then
  // host the evicted pods and is kept).
  Status Undo(const PlanStep& step, const StepContext& context, bool drain_started);

 private:
  StepOutcome Launch(const PlanStep& step);
  StepOutcome WaitReady(const PlanStep& step, const StepContext& context);
  StepOutcome Cordon(const PlanStep& step);
  StepOutcome Drain(const PlanStep& step);
  StepOutcome WaitRescheduled(const PlanStep& step, const StepContext& context);
  StepOutcome Terminate(const PlanStep& step, const StepContext& context);
  StepOutcome TerminateInstance(const PlanStep& step);
  StepOutcome PatchResources(const PlanStep& step);
  StepOutcome Scale(const PlanStep& step);
  StepOutcome TakeSnapshot(const PlanStep& step);
  StepOutcome DeleteVolume(const PlanStep& step, const StepContext& context);

  GateDecision Ask(ActionType type, const std::string& target, const Action& source);
  // Held or failed per the gate's guard; nullopt when allowed.
  std::optional<StepOutcome> Gate(ActionType type, const std::string& target, const Action& source);
  // The outcome of a decision that refused (held or failed per its guard).
  static StepOutcome Refused(const GateDecision& decision);
  Status TerminateUnlessHostingPods(const std::string& instance_id);

  ClusterApi& cluster_;
  CloudActions& cloud_;
  Clock& clock_;
  StepTimeouts timeouts_;
  DrainOptions drain_;
  GateCheck gate_;
  HaltCheck halt_;
};

}  // namespace cloudoptim
