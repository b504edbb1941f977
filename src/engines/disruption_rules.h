// What may be disrupted: the annotations, pod kinds and PodDisruptionBudgets that keep a
// node from being drained. Consolidation asks these before simulating anything.
//
//   if (auto why = PodBlocksDisruption(pod)) skip(*why);   // "pod shop/db has local storage"
//   DisruptionBudgets budgets(snapshot);
//   if (auto why = budgets.Check(pods)) skip(*why);  else budgets.Commit(pods);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/pod.h"
#include "model/snapshot.h"

namespace cloudoptim {

// Pods that must find a new home when their node goes: not DaemonSet or mirror pods (they
// belong to the node) and not finished.
bool NeedsRescheduling(const Pod& pod);

// Why the pod blocks draining its node, or nullopt: karpenter.sh/do-not-disrupt=true,
// cloudoptim.io/do-not-disrupt=true, cluster-autoscaler.kubernetes.io/safe-to-evict=false,
// no controller (nothing would recreate it), local storage (emptyDir/hostPath) unless
// safe-to-evict=true.
std::optional<std::string> PodBlocksDisruption(const Pod& pod);

// karpenter.sh/do-not-disrupt or cloudoptim.io/do-not-disrupt on the node.
std::optional<std::string> NodeBlocksDisruption(const Node& node);

// PodDisruptionBudgets as a budget consumed across one consolidation pass: evictions planned
// by earlier actions count against later ones.
class DisruptionBudgets {
 public:
  explicit DisruptionBudgets(const Snapshot& snapshot);
  // Why evicting all of these pods now would exceed a budget, or nullopt.
  std::optional<std::string> Check(const std::vector<const Pod*>& pods) const;
  void Commit(const std::vector<const Pod*>& pods);

 private:
  struct Budget {
    const PodDisruptionBudget* pdb;
    int32_t remaining;
  };
  std::vector<Budget> budgets_;
};

}  // namespace cloudoptim
