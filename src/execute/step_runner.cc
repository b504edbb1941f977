#include "execute/step_runner.h"

#include <algorithm>
#include <set>

#include "execute/launch_discovery.h"
#include "execute/step_outcomes.h"

namespace cloudoptim {
namespace {

using step_outcomes::Done;
using step_outcomes::Failed;
using step_outcomes::Param;

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string Join(const std::vector<std::string>& values) {
  std::string joined;
  for (const std::string& v : values) joined += (joined.empty() ? "" : ",") + v;
  return joined;
}

}  // namespace

std::string ResultField(std::string_view result, std::string_view key) {
  for (const std::string& part : Split(result, ';')) {
    size_t eq = part.find('=');
    if (eq != std::string::npos && std::string_view(part).substr(0, eq) == key) {
      return part.substr(eq + 1);
    }
  }
  return "";
}

const std::string* StepContext::SiblingResult(const PlanStep& step, StepKind kind) const {
  if (steps == nullptr) return nullptr;
  for (const PlanStep& other : *steps) {
    if (other.action_index != step.action_index || other.kind != kind) continue;
    auto it = results.find(other.index);
    if (it != results.end()) return &it->second;
  }
  return nullptr;
}

StepOutcome StepRunner::Run(const PlanStep& step, const StepContext& context) {
  switch (step.kind) {
    case StepKind::kLaunch:
      return Launch(step);
    case StepKind::kWaitReady:
      return WaitReady(step, context);
    case StepKind::kCordon:
      return Cordon(step);
    case StepKind::kDrain:
      return Drain(step);
    case StepKind::kWaitRescheduled:
      return WaitRescheduled(step, context);
    case StepKind::kTerminate:
      return Terminate(step, context);
    case StepKind::kTerminateInstance:
      return TerminateInstance(step);
    case StepKind::kPatchResources:
      return PatchResources(step);
    case StepKind::kScale:
      return Scale(step);
    case StepKind::kSnapshot:
      return TakeSnapshot(step);
    case StepKind::kDeleteVolume:
      return DeleteVolume(step, context);
  }
  return Failed("unknown step kind");
}

GateDecision StepRunner::Ask(ActionType type, const std::string& target, const Action& source) {
  if (!gate_) return {true, Guard::kNone, ""};
  return gate_(Action{type, target, source.parameters});
}

std::optional<StepOutcome> StepRunner::Gate(ActionType type, const std::string& target,
                                            const Action& source) {
  GateDecision decision = Ask(type, target, source);
  if (decision.allowed) return std::nullopt;
  return Refused(decision);
}

StepOutcome StepRunner::Refused(const GateDecision& decision) {
  const std::string why = "refused by the " + std::string(GuardName(decision.blocked_by)) +
                          " guard: " + decision.reason;
  switch (decision.blocked_by) {
    case Guard::kKillSwitch:
    case Guard::kMode:
    case Guard::kConcurrency:
      return StepOutcome{StepOutcome::kHeld, why};
    default:
      return Failed(why);
  }
}

// Why look for the tag before launching when the client token already makes the launch
// idempotent: EC2 forgets client tokens after a while and a fleet's token covers only that
// exact request; the tag is on the instances for as long as they live.
StepOutcome StepRunner::Launch(const PlanStep& step) {
  const std::string token = ClientTokenFor(step.idempotency_key);
  Result<std::vector<Ec2Instance>> existing =
      cloud_.FindInstancesByTag(std::string(kStepTokenTag), token);
  if (!existing) return Failed("looking for an earlier launch: " + existing.error().ToString());
  if (!existing->empty()) {
    std::vector<std::string> ids;
    for (const Ec2Instance& instance : *existing) ids.push_back(instance.instance_id);
    return Done("instances=" + Join(ids));
  }
  if (auto refused = Gate(ActionType::kLaunchNodes, step.target, step.action)) return *refused;
  LaunchSpec spec;
  spec.instance_types = Split(Param(step.action, "instance_types"), ',');
  spec.zone = Param(step.action, "zone");
  spec.capacity =
      Param(step.action, "capacity_type") == "spot" ? CapacityType::kSpot : CapacityType::kOnDemand;
  const std::string count = Param(step.action, "count");
  spec.count = count.empty() ? 1 : std::max(1, std::atoi(count.c_str()));
  spec.client_token = token;
  const std::string replaced = TargetName(step.target, "node");
  if (!replaced.empty()) {
    // A replacement joins the node's group: its zone (unless told), its instance's own tags.
    Result<Node> node = cluster_.GetNode(replaced);
    if (!node) return Failed("reading the node to replace: " + node.error().ToString());
    if (spec.zone.empty()) spec.zone = node->Zone();
    auto old = cloud_.DescribeInstances({node->InstanceId()});
    if (old && !old->empty()) {
      for (const auto& [key, value] : old->front().tags) {
        if (!key.starts_with("aws:")) spec.tags[key] = value;
      }
    }
    spec.tags["cloudoptim.io/replaces"] = replaced;
  }
  // Launch like the replaced node (its node group), or like a node of the zone; when none can
  // be read the cloud says what is missing (or uses the cluster's configured template).
  Snapshot listed;
  if (cluster_.List(ClusterResource::kNodes, {}, &listed)) {
    Result<LaunchModel> like = LaunchModelFromNodes(listed.nodes, replaced, spec.zone);
    if (like) spec.like = std::move(*like);
  }
  if (spec.like.node_name.empty()) spec.like.node_name = replaced;
  spec.tags[std::string(kStepTokenTag)] = token;
  Result<std::vector<std::string>> ids = cloud_.Launch(spec);
  if (!ids) return Failed("launch: " + ids.error().ToString());
  return Done("instances=" + Join(*ids));
}

StepOutcome StepRunner::WaitReady(const PlanStep& step, const StepContext& context) {
  const std::string* launched = context.SiblingResult(step, StepKind::kLaunch);
  if (launched == nullptr) return Failed("no launch result to wait for");
  const std::vector<std::string> ids = Split(ResultField(*launched, "instances"), ',');
  const TimePoint deadline = clock_.Now() + timeouts_.ready;
  while (true) {
    Snapshot listed;
    Result<std::string> ok = cluster_.List(ClusterResource::kNodes, {}, &listed);
    std::vector<std::string> ready;
    for (const std::string& id : ids) {
      for (const Node& node : listed.nodes) {
        if (node.InstanceId() == id && node.IsReady()) ready.push_back(node.meta.name);
      }
    }
    if (ok && ready.size() == ids.size()) return Done("nodes=" + Join(ready));
    if (clock_.Now() >= deadline) {
      return Failed("instances " + Join(ids) + " did not become Ready nodes within the timeout" +
                    (ok ? "" : " (" + ok.error().ToString() + ")"));
    }
    clock_.SleepFor(timeouts_.poll_interval);
  }
}

// The annotation goes on before the cordon: a crash between the two leaves an annotated but
// schedulable node, which the re-run cordons; the reverse order would leave a cordoned node
// nobody knows this plan cordoned.
StepOutcome StepRunner::Cordon(const PlanStep& step) {
  const std::string name = TargetName(step.target, "node");
  Result<Node> node = cluster_.GetNode(name);
  if (!node) return Failed("cordon: " + node.error().ToString());
  const std::string* marker = node->meta.Annotation(kCordonedByAnnotation);
  const bool ours = marker != nullptr && *marker == step.idempotency_key;
  const std::string instance = "instance=" + node->InstanceId();
  if (node->unschedulable && !ours) return Done(instance + ";cordoned_by_plan=false");
  if (auto refused = Gate(ActionType::kCordonNode, step.target, step.action)) return *refused;
  if (!ours) {
    Status annotated =
        cluster_.PatchMetadata({ClusterResource::kNodes, "", name}, {},
                               {{std::string(kCordonedByAnnotation), step.idempotency_key}}, {});
    if (!annotated) return Failed("cordon: " + annotated.error().ToString());
  }
  Status cordoned = cluster_.SetUnschedulable(name, true, {});
  if (!cordoned) return Failed("cordon: " + cordoned.error().ToString());
  return Done(instance + ";cordoned_by_plan=true");
}

StepOutcome StepRunner::Drain(const PlanStep& step) {
  const std::string name = TargetName(step.target, "node");
  // The gate's PDB arithmetic is left to the evictions, which the API server checks one by one.
  // The refusal is this decision's: asking again could be answered differently (a switch
  // released, a store or API server that answered this time) and leave nothing to return.
  GateDecision decision = Ask(ActionType::kDrainNode, step.target, step.action);
  if (!decision.allowed && decision.blocked_by != Guard::kDisruptionBudget) {
    return Refused(decision);
  }
  Snapshot before;
  std::set<std::string> owners;
  if (cluster_.List(ClusterResource::kPods, {}, &before)) {
    for (const Pod& pod : before.pods) {
      const OwnerReference* owner = pod.meta.ControllerRef();
      if (pod.node_name != name || owner == nullptr || pod.IsDaemonSetPod()) continue;
      owners.insert(pod.meta.namespace_name + "/" + owner->kind + "/" + owner->name);
    }
  }
  DrainOptions options = drain_;
  options.gate = nullptr;
  options.halt = halt_;
  DrainReport report = DrainNode(cluster_, name, options, clock_);
  // Held, not failed: the step stays unfinished in the journal and the next pass drains
  // again, evicting only the pods still on the node (those evicted are gone from it).
  if (report.halted) return {StepOutcome::kHeld, "drain held: " + report.Summary()};
  if (!report.Complete()) return Failed("drain: " + report.Summary());
  return Done("evicted=" + std::to_string(report.Count(PodDrainOutcome::kEvicted)) +
              ";gone=" + std::to_string(report.Count(PodDrainOutcome::kGone)) +
              ";owners=" + Join({owners.begin(), owners.end()}));
}

// Pods of the drained controllers still Pending mean they found no home yet; waiting keeps
// the old node's capacity around a little longer. A timeout is not a failure: the pods are
// already off the node and the node will be terminated either way.
StepOutcome StepRunner::WaitRescheduled(const PlanStep& step, const StepContext& context) {
  const std::string* drained = context.SiblingResult(step, StepKind::kDrain);
  const std::vector<std::string> owners =
      drained == nullptr ? std::vector<std::string>{} : Split(ResultField(*drained, "owners"), ',');
  const std::set<std::string> wanted(owners.begin(), owners.end());
  const TimePoint deadline = clock_.Now() + timeouts_.rescheduled;
  while (true) {
    Snapshot listed;
    int pending = 0;
    Result<std::string> ok = cluster_.List(ClusterResource::kPods, {}, &listed);
    for (const Pod& pod : listed.pods) {
      const OwnerReference* owner = pod.meta.ControllerRef();
      if (owner == nullptr || pod.phase != PodPhase::kPending) continue;
      if (wanted.contains(pod.meta.namespace_name + "/" + owner->kind + "/" + owner->name)) {
        ++pending;
      }
    }
    if (ok && pending == 0) return Done("pending=0");
    if (clock_.Now() >= deadline) return Done("pending=" + std::to_string(pending) + ";timed_out");
    clock_.SleepFor(timeouts_.poll_interval);
  }
}

}  // namespace cloudoptim
