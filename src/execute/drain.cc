#include "execute/drain.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace cloudoptim {
namespace {

std::string PodKey(const Pod& pod) { return pod.meta.namespace_name + "/" + pod.meta.name; }

Result<std::vector<Pod>> PodsOnNode(ClusterApi& api, std::string_view node) {
  Snapshot listed;
  ListOptions options;
  options.field_selector = "spec.nodeName=" + std::string(node);
  CO_RETURN_IF_ERROR(api.List(ClusterResource::kPods, options, &listed));
  // Filtered again: not every implementation honours field selectors (the fake does not).
  std::vector<Pod> pods;
  for (Pod& pod : listed.pods) {
    if (pod.node_name == node) pods.push_back(std::move(pod));
  }
  return pods;
}

// What the gate needs to judge a drain: nodes (for the concurrency cap), pods (do-not-disrupt,
// PDB counts) and the PDBs with the controllers whose scale their percentages use.
Result<Snapshot> ReadClusterForGate(ClusterApi& api, const std::string& cluster_name) {
  Snapshot cluster;
  cluster.cluster_name = cluster_name;
  for (ClusterResource resource :
       {ClusterResource::kNodes, ClusterResource::kPods, ClusterResource::kPodDisruptionBudgets,
        ClusterResource::kDeployments, ClusterResource::kReplicaSets,
        ClusterResource::kStatefulSets}) {
    CO_RETURN_IF_ERROR(api.List(resource, {}, &cluster));
  }
  return cluster;
}

// The evictions of one round: outcome of each pod's call, whether it was issued at all (not
// after a halt), and why the round halted.
struct EvictionRound {
  std::vector<Result<EvictionOutcome>> outcomes;
  std::vector<char> issued;
  std::optional<std::string> halted;
};

// One eviction per pod, at most `parallelism` in flight. Why threads and not one call after
// another: an eviction is a round trip plus the API server's PDB check, a few milliseconds
// each; a 30-pod node must have all of them issued within 2 s even on a slow control plane.
// The halt question is asked under a lock before each call: once it answers, no worker issues
// another eviction.
EvictionRound EvictConcurrently(ClusterApi& api, const std::vector<const Pod*>& pods,
                                const DrainOptions& options) {
  EvictionRound round;
  round.outcomes.resize(pods.size(), Result<EvictionOutcome>(EvictionOutcome::kPodNotFound));
  round.issued.assign(pods.size(), 0);
  std::atomic<size_t> next{0};
  std::mutex halt_mutex;
  auto may_evict = [&]() -> bool {
    if (!options.halt) return true;
    std::lock_guard lock(halt_mutex);
    if (!round.halted) round.halted = options.halt();
    return !round.halted;
  };
  auto worker = [&] {
    for (size_t i = next++; i < pods.size(); i = next++) {
      if (!may_evict()) return;
      round.issued[i] = 1;
      round.outcomes[i] = api.Evict(pods[i]->meta.namespace_name, pods[i]->meta.name, options.act);
    }
  };
  const size_t threads = std::min<size_t>(pods.size(), std::max<int32_t>(options.parallelism, 1));
  if (threads <= 1) {
    worker();
    return round;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (size_t i = 0; i < threads; ++i) pool.emplace_back(worker);
  for (std::thread& thread : pool) thread.join();
  return round;
}

// Which failures are worth another attempt before the deadline.
bool Transient(const Error& error) {
  return IsRetryable(error) || error.code == ErrorCode::kDeadlineExceeded;
}

}  // namespace

std::string_view PodDrainOutcomeName(PodDrainOutcome outcome) {
  switch (outcome) {
    case PodDrainOutcome::kEvicted:
      return "evicted";
    case PodDrainOutcome::kGone:
      return "gone";
    case PodDrainOutcome::kBlockedByDisruptionBudget:
      return "blocked-by-pdb";
    case PodDrainOutcome::kFailed:
      return "failed";
    case PodDrainOutcome::kSkipped:
      return "skipped";
  }
  return "failed";
}

bool DrainReport::Complete() const {
  if (refused || !reason.empty()) return false;
  return std::all_of(pods.begin(), pods.end(), [](const PodDrainResult& p) {
    return p.outcome == PodDrainOutcome::kEvicted || p.outcome == PodDrainOutcome::kGone ||
           p.outcome == PodDrainOutcome::kSkipped;
  });
}

int32_t DrainReport::Count(PodDrainOutcome outcome) const {
  return static_cast<int32_t>(std::count_if(
      pods.begin(), pods.end(), [&](const PodDrainResult& p) { return p.outcome == outcome; }));
}

std::string DrainReport::Summary() const {
  std::string text = "node " + node + ": ";
  if (refused) return text + "refused by " + std::string(GuardName(refused_by)) + ": " + reason;
  text += std::to_string(Count(PodDrainOutcome::kEvicted)) + " evicted, " +
          std::to_string(Count(PodDrainOutcome::kGone)) + " gone, " +
          std::to_string(Count(PodDrainOutcome::kBlockedByDisruptionBudget)) +
          " blocked by a PDB, " + std::to_string(Count(PodDrainOutcome::kFailed)) + " failed, " +
          std::to_string(Count(PodDrainOutcome::kSkipped)) + " skipped";
  if (!reason.empty()) text += " (" + reason + ")";
  return text;
}

DrainPlan PlanDrain(const std::vector<Pod>& pods_on_node, const DrainOptions& options) {
  DrainPlan plan;
  for (const Pod& pod : pods_on_node) {
    std::string why;
    if (pod.IsTerminal()) {
      why = "finished";
    } else if (options.skip_daemonset_pods && pod.IsDaemonSetPod()) {
      why = "DaemonSet pod";
    } else if (options.skip_mirror_pods && pod.IsMirrorPod()) {
      why = "mirror pod";
    }
    if (why.empty()) {
      plan.evict.push_back(pod);
    } else {
      plan.skipped.push_back({PodKey(pod), PodDrainOutcome::kSkipped, 0, why});
    }
  }
  auto by_key = [](const Pod& a, const Pod& b) { return PodKey(a) < PodKey(b); };
  std::sort(plan.evict.begin(), plan.evict.end(), by_key);
  std::sort(plan.skipped.begin(), plan.skipped.end(),
            [](const PodDrainResult& a, const PodDrainResult& b) { return a.pod < b.pod; });
  return plan;
}

namespace {

// Asks the gate, reading the cluster when the caller gave no picture of it. Returns false
// (with the report filled in) when the drain must not start.
bool PassesGate(ClusterApi& api, std::string_view node, const DrainOptions& options,
                DrainReport& report) {
  if (options.gate == nullptr) return true;
  Snapshot read;
  const Snapshot* cluster = options.cluster;
  if (cluster == nullptr) {
    Result<Snapshot> listed = ReadClusterForGate(api, options.cluster_name);
    if (!listed) {
      report.reason = "reading the cluster for the gate: " + listed.error().ToString();
      return false;
    }
    read = std::move(*listed);
    cluster = &read;
  }
  ActionRequest request = options.request;
  if (request.action.target.empty()) {
    request.action = Action{ActionType::kDrainNode, "node/" + std::string(node), {}};
  }
  GateDecision decision = options.gate->MayRun(*cluster, request);
  if (decision.allowed || decision.blocked_by == Guard::kDisruptionBudget) return true;
  report.refused = true;
  report.refused_by = decision.blocked_by;
  report.reason = decision.reason;
  return false;
}

// The eviction rounds: every pending pod once per round, in parallel; refused and transiently
// failed pods wait a growing backoff for the next round; the last round runs at the deadline.
void EvictWithRetries(ClusterApi& api, const std::vector<Pod>& pods, const DrainOptions& options,
                      Clock& clock, TimePoint start, std::vector<PodDrainResult>& results,
                      DrainReport& report) {
  const TimePoint deadline = start + options.deadline;
  // A pod already being deleted (evicted by an earlier pass of a drain that was halted or
  // crashed) is only waited for: evicting it again would repeat an action that is done.
  std::vector<size_t> pending;
  for (size_t i = 0; i < pods.size(); ++i) {
    if (pods[i].meta.deletion_timestamp) {
      results[i].detail = "already terminating";
    } else {
      pending.push_back(i);
    }
  }
  Duration backoff = options.pdb_retry_backoff;
  bool first_round = true;
  while (!pending.empty()) {
    std::vector<const Pod*> batch;
    for (size_t i : pending) batch.push_back(&pods[i]);
    EvictionRound round = EvictConcurrently(api, batch, options);
    if (first_round) report.evictions_issued_after = clock.Now() - start;
    first_round = false;
    std::vector<size_t> again;
    for (size_t k = 0; k < pending.size(); ++k) {
      PodDrainResult& result = results[pending[k]];
      if (!round.issued[k]) {
        if (result.attempts == 0) {
          result.outcome = PodDrainOutcome::kFailed;
          result.detail = "not evicted: the drain was halted";
        }
        continue;
      }
      ++result.attempts;
      const Result<EvictionOutcome>& outcome = round.outcomes[k];
      if (!outcome) {
        result.outcome = PodDrainOutcome::kFailed;
        result.detail = outcome.error().ToString();
        if (Transient(outcome.error())) again.push_back(pending[k]);
        continue;
      }
      switch (*outcome) {
        case EvictionOutcome::kEvicted:
          result.outcome = PodDrainOutcome::kEvicted;
          result.detail.clear();
          break;
        case EvictionOutcome::kPodNotFound:
          result.outcome = PodDrainOutcome::kGone;
          result.detail.clear();
          break;
        case EvictionOutcome::kBlockedByDisruptionBudget:
          result.outcome = PodDrainOutcome::kBlockedByDisruptionBudget;
          result.detail = "a PodDisruptionBudget refused the eviction";
          again.push_back(pending[k]);
          break;
      }
    }
    pending = std::move(again);
    if (round.halted) {
      report.halted = true;
      report.reason = "halted: " + *round.halted;
      return;
    }
    const TimePoint now = clock.Now();
    if (pending.empty() || now >= deadline) break;
    clock.SleepFor(std::min<Duration>(backoff, deadline - now));
    backoff = std::min<Duration>(backoff * 2, options.max_pdb_retry_backoff);
  }
}

// Polls the evicted pods until each is gone from the node or the deadline passes. A pod of a
// StatefulSet comes back under the same name: another uid or another node means ours is gone.
void WaitUntilGone(ClusterApi& api, std::string_view node, const std::vector<Pod>& pods,
                   const DrainOptions& options, Clock& clock, TimePoint start,
                   std::vector<PodDrainResult>& results) {
  const TimePoint deadline = start + options.deadline;
  while (true) {
    bool waiting = false;
    for (size_t i = 0; i < pods.size(); ++i) {
      if (results[i].outcome != PodDrainOutcome::kEvicted) continue;
      Result<Pod> now = api.GetPod(pods[i].meta.namespace_name, pods[i].meta.name);
      if (!now && IsNotFound(now.error())) {
        results[i].outcome = PodDrainOutcome::kGone;
      } else if (now && (now->meta.uid != pods[i].meta.uid || now->node_name != node)) {
        results[i].outcome = PodDrainOutcome::kGone;
      } else {
        waiting = true;
      }
    }
    const TimePoint now = clock.Now();
    if (!waiting || now >= deadline) return;
    clock.SleepFor(std::min<Duration>(options.poll_interval, deadline - now));
  }
}

}  // namespace

DrainReport DrainNode(ClusterApi& api, std::string_view node, const DrainOptions& options,
                      Clock& clock) {
  const TimePoint start = clock.Now();
  DrainReport report;
  report.node = std::string(node);
  auto finish = [&]() -> DrainReport {
    report.elapsed = clock.Now() - start;
    return report;
  };
  Result<Node> current = api.GetNode(node);
  if (!current) {
    report.reason = IsNotFound(current.error()) ? "node " + report.node + " not found"
                                                : current.error().ToString();
    return finish();
  }
  if (!PassesGate(api, node, options, report)) return finish();
  if (options.cordon && !current->unschedulable) {
    Status cordoned = api.SetUnschedulable(node, true, options.act);
    if (!cordoned) {
      report.reason = "cordon: " + cordoned.error().ToString();
      return finish();
    }
  }
  report.cordoned = options.cordon || current->unschedulable;
  Result<std::vector<Pod>> pods = PodsOnNode(api, node);
  if (!pods) {
    report.reason = "listing the node's pods: " + pods.error().ToString();
    return finish();
  }
  DrainPlan plan = PlanDrain(*pods, options);
  std::vector<PodDrainResult> results;
  for (const Pod& pod : plan.evict) results.push_back({PodKey(pod), PodDrainOutcome::kEvicted});
  EvictWithRetries(api, plan.evict, options, clock, start, results, report);
  if (options.wait_for_pods_gone && !options.act.dry_run && !report.halted) {
    WaitUntilGone(api, node, plan.evict, options, clock, start, results);
  }
  report.pods = std::move(results);
  report.pods.insert(report.pods.end(), plan.skipped.begin(), plan.skipped.end());
  return finish();
}

}  // namespace cloudoptim
