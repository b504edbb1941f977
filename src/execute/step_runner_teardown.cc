// The StepRunner's steps that remove or change things (terminate, delete, scale, patch) and
// the undo of every step; the launching and draining steps are in step_runner.cc.
#include <cstdlib>

#include "execute/step_outcomes.h"
#include "execute/step_runner.h"
#include "model/quantity.h"
#include "safety/disruption_guards.h"

namespace cloudoptim {
namespace {

using step_outcomes::Done;
using step_outcomes::Failed;
using step_outcomes::Param;

bool Gone(InstanceState state) {
  return state == InstanceState::kShuttingDown || state == InstanceState::kTerminated;
}

// The annotation a scale step leaves on the workload with the replicas it found, written
// before scaling, so that a rollback after a crash still knows what to restore:
// "<idempotency key>=<replicas>" (another plan's value is overwritten, never restored).
constexpr std::string_view kPreviousReplicasAnnotation = "cloudoptim.io/previous-replicas";

struct WorkloadRef {
  WorkloadKind kind = WorkloadKind::kDeployment;
  std::string namespace_name;
  std::string name;
};

Result<WorkloadRef> ParseWorkloadTarget(const std::string& target) {
  size_t first = target.find('/');
  size_t second = target.find('/', first + 1);
  if (first == std::string::npos || second == std::string::npos) {
    return InvalidArgument("workload target \"" + target + "\" is not <kind>/<namespace>/<name>");
  }
  const std::string kind = target.substr(0, first);
  WorkloadRef ref{WorkloadKind::kDeployment, target.substr(first + 1, second - first - 1),
                  target.substr(second + 1)};
  if (kind == "statefulset") {
    ref.kind = WorkloadKind::kStatefulSet;
  } else if (kind == "replicaset") {
    ref.kind = WorkloadKind::kReplicaSet;
  } else if (kind != "deployment") {
    return InvalidArgument("workload target \"" + target + "\": kind \"" + kind +
                           "\" cannot be scaled or patched");
  }
  return ref;
}

Result<Workload> ReadWorkload(ClusterApi& cluster, const WorkloadRef& ref) {
  Snapshot listed;
  ListOptions options;
  options.namespace_name = ref.namespace_name;
  CO_RETURN_IF_ERROR(cluster.List(ResourceOfWorkload(ref.kind), options, &listed));
  for (Workload& workload : listed.workloads) {
    if (workload.kind == ref.kind && workload.meta.name == ref.name) return std::move(workload);
  }
  return NotFound(std::string(WorkloadKindName(ref.kind)) + " " + ref.namespace_name + "/" +
                  ref.name + " not found");
}

}  // namespace

StepOutcome StepRunner::Terminate(const PlanStep& step, const StepContext& context) {
  const std::string name = TargetName(step.target, "node");
  const std::string* cordoned = context.SiblingResult(step, StepKind::kCordon);
  std::string instance_id = cordoned ? ResultField(*cordoned, "instance") : "";
  Result<Node> node = cluster_.GetNode(name);
  if (!node && !IsNotFound(node.error())) return Failed("terminate: " + node.error().ToString());
  if (node && instance_id.empty()) instance_id = node->InstanceId();
  if (instance_id.empty()) return Done("node_gone");
  Result<std::vector<Ec2Instance>> found = cloud_.DescribeInstances({instance_id});
  if (!found) return Failed("terminate: " + found.error().ToString());
  if (found->empty() || Gone(found->front().state)) {
    return Done("instance=" + instance_id + ";already_terminated");
  }
  // A node still there gets the node guards (drained before terminate); an instance whose
  // node is gone is only an instance.
  auto refused = node
                     ? Gate(ActionType::kTerminateNode, step.target, step.action)
                     : Gate(ActionType::kTerminateInstance, "instance/" + instance_id, step.action);
  if (refused) return *refused;
  Status terminated = cloud_.TerminateInstances({instance_id});
  if (!terminated && !IsNotFound(terminated.error())) {
    return Failed("terminate: " + terminated.error().ToString());
  }
  return Done("instance=" + instance_id);
}

StepOutcome StepRunner::TerminateInstance(const PlanStep& step) {
  const std::string instance_id = TargetName(step.target, "instance");
  Result<std::vector<Ec2Instance>> found = cloud_.DescribeInstances({instance_id});
  if (!found) return Failed("terminate-instance: " + found.error().ToString());
  if (found->empty() || Gone(found->front().state)) return Done("already_terminated");
  if (auto refused = Gate(ActionType::kTerminateInstance, step.target, step.action)) {
    return *refused;
  }
  Status terminated = cloud_.TerminateInstances({instance_id});
  if (!terminated && !IsNotFound(terminated.error())) {
    return Failed("terminate-instance: " + terminated.error().ToString());
  }
  return Done("instance=" + instance_id);
}

StepOutcome StepRunner::Scale(const PlanStep& step) {
  Result<WorkloadRef> ref = ParseWorkloadTarget(step.target);
  if (!ref) return Failed(ref.error().message);
  const int32_t replicas = std::atoi(Param(step.action, "replicas").c_str());
  Result<Workload> workload = ReadWorkload(cluster_, *ref);
  if (!workload) return Failed("scale: " + workload.error().ToString());
  if (auto refused = Gate(ActionType::kScaleWorkload, step.target, step.action)) return *refused;
  const std::string* previous = workload->meta.Annotation(kPreviousReplicasAnnotation);
  const std::string mine = step.idempotency_key + "=";
  if (previous == nullptr || !previous->starts_with(mine)) {
    const std::string current = mine + std::to_string(workload->replicas.value_or(1));
    Status noted =
        cluster_.PatchMetadata({ResourceOfWorkload(ref->kind), ref->namespace_name, ref->name}, {},
                               {{std::string(kPreviousReplicasAnnotation), current}}, {});
    if (!noted) return Failed("scale: " + noted.error().ToString());
  }
  Status scaled = cluster_.Scale(ref->kind, ref->namespace_name, ref->name, replicas, {});
  if (!scaled) return Failed("scale: " + scaled.error().ToString());
  return Done("replicas=" + std::to_string(replicas));
}

StepOutcome StepRunner::PatchResources(const PlanStep& step) {
  Result<WorkloadRef> ref = ParseWorkloadTarget(step.target);
  if (!ref) return Failed(ref.error().message);
  ContainerResources resources;
  auto quantity = [&](const char* key, bool millis, int64_t* into) -> Status {
    const std::string text = Param(step.action, key);
    if (text.empty()) return Ok();
    CO_ASSIGN_OR_RETURN(Quantity q, Quantity::Parse(text));
    *into = millis ? q.MilliValue() : q.Value();
    return Ok();
  };
  for (Status s : {quantity("cpu_request", true, &resources.requests.cpu_millis),
                   quantity("memory_request", false, &resources.requests.memory_bytes),
                   quantity("cpu_limit", true, &resources.limits.cpu_millis),
                   quantity("memory_limit", false, &resources.limits.memory_bytes)}) {
    if (!s) return Failed("patch-resources: " + s.error().message);
  }
  if (auto refused = Gate(ActionType::kPatchResources, step.target, step.action)) return *refused;
  Status patched = cluster_.PatchContainerResources(ref->kind, ref->namespace_name, ref->name,
                                                    Param(step.action, "container"), resources, {});
  if (!patched) return Failed("patch-resources: " + patched.error().ToString());
  return Done("container=" + Param(step.action, "container"));
}

// EC2 has no client token for snapshots: the step's tag, applied with the creation, is how a
// re-run finds the snapshot it already started instead of taking a second one.
StepOutcome StepRunner::TakeSnapshot(const PlanStep& step) {
  const std::string volume_id = TargetName(step.target, "volume");
  const std::string token = ClientTokenFor(step.idempotency_key);
  const std::string tag(kStepTokenTag);
  Result<std::vector<EbsSnapshot>> mine = cloud_.DescribeSnapshots(volume_id, tag, token);
  if (!mine) return Failed("snapshot: " + mine.error().ToString());
  if (mine->empty()) {
    if (auto refused = Gate(ActionType::kSnapshotVolume, step.target, step.action)) {
      return *refused;
    }
    Result<EbsSnapshot> created =
        cloud_.CreateSnapshot(volume_id, "cloudoptim " + step.idempotency_key, {{tag, token}});
    if (!created) return Failed("snapshot: " + created.error().ToString());
  }
  const TimePoint deadline = clock_.Now() + timeouts_.snapshot;
  while (true) {
    mine = cloud_.DescribeSnapshots(volume_id, tag, token);
    if (mine && !mine->empty()) {
      const EbsSnapshot& snapshot = mine->front();
      if (snapshot.state == "completed") return Done("snapshot=" + snapshot.snapshot_id);
      if (snapshot.state == "error") return Failed("snapshot " + snapshot.snapshot_id + " failed");
    }
    if (clock_.Now() >= deadline) return Failed("snapshot of " + volume_id + " did not complete");
    clock_.SleepFor(timeouts_.poll_interval);
  }
}

StepOutcome StepRunner::DeleteVolume(const PlanStep& step, const StepContext& context) {
  const std::string volume_id = TargetName(step.target, "volume");
  Result<EbsVolume> volume = cloud_.DescribeVolume(volume_id);
  if (!volume && IsNotFound(volume.error())) return Done("already_deleted");
  if (!volume) return Failed("delete-volume: " + volume.error().ToString());
  // Belt and braces: this plan's own snapshot step must have completed, and the gate checks
  // the cloud's snapshots of the volume on its own.
  const std::string* snapshot = context.SiblingResult(step, StepKind::kSnapshot);
  if (snapshot == nullptr || ResultField(*snapshot, "snapshot").empty()) {
    return Failed("delete-volume: no completed snapshot was taken by this plan");
  }
  if (auto refused = Gate(ActionType::kDeleteVolume, step.target, step.action)) return *refused;
  Status deleted = cloud_.DeleteVolume(volume_id);
  if (!deleted && !IsNotFound(deleted.error())) {
    return Failed("delete-volume: " + deleted.error().ToString());
  }
  return Done("deleted;" + *snapshot);
}

Status StepRunner::TerminateUnlessHostingPods(const std::string& instance_id) {
  Snapshot listed;
  CO_RETURN_IF_ERROR(cluster_.List(ClusterResource::kNodes, {}, &listed));
  for (const Node& node : listed.nodes) {
    if (node.InstanceId() != instance_id) continue;
    // Cordoned first so that nothing lands on it between the check and the termination.
    CO_RETURN_IF_ERROR(cluster_.SetUnschedulable(node.meta.name, true, {}));
    CO_RETURN_IF_ERROR(cluster_.List(ClusterResource::kPods, {}, &listed));
    Status drained = CheckNodeDrained(node, listed.PodsOnNode(node.meta.name));
    if (!drained) {
      return FailedPrecondition("replacement kept: " + drained.error().message);
    }
  }
  Status terminated = cloud_.TerminateInstances({instance_id});
  if (!terminated && !IsNotFound(terminated.error())) return terminated;
  return Ok();
}

Status StepRunner::Undo(const PlanStep& step, const StepContext& context, bool drain_started) {
  switch (step.kind) {
    case StepKind::kLaunch: {
      if (drain_started) {
        return FailedPrecondition("replacement kept: a drain began, it may host the evicted pods");
      }
      Result<std::vector<Ec2Instance>> launched = cloud_.FindInstancesByTag(
          std::string(kStepTokenTag), ClientTokenFor(step.idempotency_key));
      CO_RETURN_IF_ERROR(launched);
      for (const Ec2Instance& instance : *launched) {
        CO_RETURN_IF_ERROR(TerminateUnlessHostingPods(instance.instance_id));
      }
      return Ok();
    }
    case StepKind::kCordon: {
      const std::string name = TargetName(step.target, "node");
      Result<Node> node = cluster_.GetNode(name);
      if (!node) return IsNotFound(node.error()) ? Ok() : Status(std::unexpected(node.error()));
      const std::string* marker = node->meta.Annotation(kCordonedByAnnotation);
      if (marker == nullptr || *marker != step.idempotency_key) return Ok();  // not ours
      CO_RETURN_IF_ERROR(cluster_.SetUnschedulable(name, false, {}));
      return cluster_.PatchMetadata({ClusterResource::kNodes, "", name}, {},
                                    {{std::string(kCordonedByAnnotation), std::nullopt}}, {});
    }
    case StepKind::kScale: {
      CO_ASSIGN_OR_RETURN(WorkloadRef ref, ParseWorkloadTarget(step.target));
      Result<Workload> workload = ReadWorkload(cluster_, ref);
      if (!workload)
        return IsNotFound(workload.error()) ? Ok() : Status(std::unexpected(workload.error()));
      const std::string* previous = workload->meta.Annotation(kPreviousReplicasAnnotation);
      const std::string mine = step.idempotency_key + "=";
      if (previous == nullptr || !previous->starts_with(mine)) return Ok();  // not ours
      const int32_t replicas = std::atoi(previous->c_str() + mine.size());
      CO_RETURN_IF_ERROR(cluster_.Scale(ref.kind, ref.namespace_name, ref.name, replicas, {}));
      return cluster_.PatchMetadata({ResourceOfWorkload(ref.kind), ref.namespace_name, ref.name},
                                    {}, {{std::string(kPreviousReplicasAnnotation), std::nullopt}},
                                    {});
    }
    default:
      (void)context;
      return Ok();  // waits and snapshots need no undo; drains, terminations, deletes have none
  }
}

}  // namespace cloudoptim
