// Draining a node as `kubectl drain` does, through the policy/v1 Eviction subresource only:
// cordon, evict every evictable pod concurrently, retry evictions a PodDisruptionBudget
// refuses until a deadline, and optionally wait until the evicted pods are gone. Used by the
// executor (replace/drain/terminate steps) and by the spot-interruption handler.
//
//   SystemClock clock;
//   DrainOptions options;
//   options.deadline = std::chrono::seconds(90);
//   options.gate = &gate;                              // kill switch, mode, do-not-disrupt, cap
//   options.request.origin = ActionOrigin::kInterruption;
//   DrainReport report = DrainNode(api, "ip-10-0-1-2.ec2.internal", options, clock);
//   if (!report.Complete()) log(report.Summary());
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "kube/cluster_api.h"
#include "safety/execution_gate.h"

namespace cloudoptim {

struct DrainOptions {
  // Everything (gate, cordon, evictions with their retries, waiting) ends by start + deadline.
  Duration deadline = std::chrono::minutes(5);
  // A refused eviction is retried after this, doubling up to the maximum (and never past the
  // deadline): the disruption controller needs a moment to see the evicted pods replaced.
  Duration pdb_retry_backoff = std::chrono::seconds(5);
  Duration max_pdb_retry_backoff = std::chrono::seconds(30);
  // Evictions in flight at once. 8 issued a 30-pod node's evictions in ~0.25 s on loopback;
  // 32 was slower on a 2-core machine (each thread's first call opens its own TLS session).
  int32_t parallelism = 8;
  // DaemonSet pods would be recreated on the node at once (kubectl drain --ignore-daemonsets);
  // mirror pods belong to the kubelet and cannot be evicted. Terminal pods are always skipped.
  bool skip_daemonset_pods = true;
  bool skip_mirror_pods = true;
  bool cordon = true;
  // After the evictions: poll until every evicted pod is gone from the node (deleted, or its
  // name reused by a pod with another uid or on another node), up to the deadline.
  bool wait_for_pods_gone = true;
  Duration poll_interval = std::chrono::seconds(1);

  // When set, the drain asks the gate before touching the node: kill switches, execution mode,
  // do-not-disrupt and the concurrency cap (the last two are skipped by the gate itself for
  // ActionOrigin::kInterruption: the node goes away anyway). The gate's own PDB arithmetic is
  // not a refusal here: the API server enforces budgets eviction by eviction and the drain
  // retries, which is finer than refusing the whole node up front.
  const ExecutionGate* gate = nullptr;
  // Origin, recommendation id, approval and disruptions in flight for the gate; `action` is
  // filled in by the drain (drain-node on node/<name>) when its target is empty.
  ActionRequest request;
  // The cluster picture the gate judges (its cluster_name names the cluster). When null the
  // drain reads the nodes, pods, PDBs and controllers from `api` and names it `cluster_name`.
  const Snapshot* cluster = nullptr;
  std::string cluster_name;
  ActOptions act;  // dry_run passes through to cordon and evictions
  // When set, asked before every eviction call (one call at a time): a reason stops the drain
  // there, with no further eviction issued and no waiting; the report says `halted`. The
  // executor passes its kill switches, re-read from the store, so that a switch engaged
  // mid-drain stops it between two evictions rather than at the deadline. With parallelism
  // above 1, evictions already past the check when the switch is engaged still complete.
  std::function<std::optional<std::string>()> halt;
};

enum class PodDrainOutcome {
  kEvicted,                    // the eviction was accepted (the pod may still be terminating)
  kGone,                       // the pod is no longer on the node
  kBlockedByDisruptionBudget,  // a PDB still refused the eviction at the deadline
  kFailed,                     // the API kept failing until the deadline (detail says how)
  kSkipped,                    // DaemonSet, mirror or finished pod: not evicted on purpose
};
std::string_view PodDrainOutcomeName(PodDrainOutcome outcome);  // "evicted", "gone", ...

struct PodDrainResult {
  std::string pod;  // "namespace/name"
  PodDrainOutcome outcome = PodDrainOutcome::kEvicted;
  int32_t attempts = 0;  // eviction calls made
  std::string detail;    // why skipped / blocked / failed
};

struct DrainReport {
  std::string node;
  bool refused = false;  // the gate said no: nothing was done
  bool halted = false;   // options.halt stopped it: pods not reported evicted/gone were left
  Guard refused_by = Guard::kNone;
  std::string reason;     // the gate's reason, or why the drain could not start
  bool cordoned = false;  // the node is (now) unschedulable
  std::vector<PodDrainResult> pods;
  // From the start of DrainNode until the first eviction of every pod was issued, and until
  // the drain ended.
  Duration evictions_issued_after{};
  Duration elapsed{};

  // Not refused, and every pod evicted, gone or skipped.
  bool Complete() const;
  int32_t Count(PodDrainOutcome outcome) const;
  // "node n1: 12 evicted, 3 gone, 1 blocked by a PDB, 2 skipped" (+ the refusal reason).
  std::string Summary() const;
};

// Cordons `node`, evicts its pods and waits, as described above. A pod already terminating
// (deletionTimestamp set: evicted by an earlier pass) is waited for, not evicted again. Never
// deletes a pod: a pod a PDB protects is only ever reported. Errors reading the node or its pods at
// the start (and a failed cordon) end the drain with `reason` set and Complete() false; a node that
// does not exist is reported with reason "node <name> not found". Thread-safe as far as `api` is
// (evictions run on up to options.parallelism threads).
DrainReport DrainNode(ClusterApi& api, std::string_view node, const DrainOptions& options,
                      Clock& clock);

// The node's pods that the drain evicts, and those it skips with why (DaemonSet, mirror,
// finished), in pod-key order.
struct DrainPlan {
  std::vector<Pod> evict;
  std::vector<PodDrainResult> skipped;
};
DrainPlan PlanDrain(const std::vector<Pod>& pods_on_node, const DrainOptions& options);

}  // namespace cloudoptim
