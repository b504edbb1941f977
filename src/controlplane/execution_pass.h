// One execution pass over one cluster, run by the control plane's execution worker: finish
// what is unfinished, then turn the recommendations the cluster's mode lets act into plans and
// run them. The gate is rebuilt from the stored settings on every pass, so a mode change or a
// kill switch takes effect at the next pass.
//
//   ExecutorOptions options{.tenant_id = c.tenant_id, .cluster_id = c.id, .cluster_name = c.name};
//   CO_ASSIGN_OR_RETURN(ExecutionPassResult r, RunExecutionPass(store, c, kube, cloud, clock,
//                                                               options));
//
// Modes. recommend-only (the default) does nothing unless a plan is unfinished (one created
// while the cluster was in another mode, or before a crash): that plan is resumed, and the gate
// holds its forward steps (rollbacks still run). approve: recommendations a person approved
// through the API become plans. autopilot: the gate needs no approval in autopilot
// (safety/execution_gate.h), so, consistently, pending recommendations become plans too; the
// gate's other guards (kill switch, do-not-disrupt, concurrency cap, PDBs, never terminating
// an undrained node) still apply to every step.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "execute/cloud_actions.h"
#include "execute/executor.h"
#include "kube/cluster_api.h"
#include "store/store.h"

namespace cloudoptim::controlplane {

struct ExecutionPassResult {
  bool skipped = false;  // recommend-only with nothing unfinished: nothing was read or run
  std::string mode;      // the cluster's mode during this pass
  int submitted = 0;     // plans created by this pass
  std::vector<PlanRunReport> reports;  // every plan run (resumed or new)
};

// `options` carries tenant, cluster id/name, actor and timeouts. The store's error when the
// settings or plans cannot be read; a plan that fails is reported, not returned as an error.
Result<ExecutionPassResult> RunExecutionPass(store::Store& store, const store::Cluster& cluster,
                                             ClusterApi& kube, CloudActions& cloud, Clock& clock,
                                             const ExecutorOptions& options);

}  // namespace cloudoptim::controlplane
