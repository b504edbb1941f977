#include "engines/disruption_rules.h"

namespace cloudoptim {
namespace {

bool AnnotationIs(const ObjectMeta& meta, std::string_view key, std::string_view value) {
  const std::string* v = meta.Annotation(key);
  return v != nullptr && *v == value;
}

bool Selects(const PodDisruptionBudget& pdb, const Pod& pod) {
  return pdb.meta.namespace_name == pod.meta.namespace_name &&
         pdb.selector.Matches(pod.meta.labels);
}

}  // namespace

bool NeedsRescheduling(const Pod& pod) {
  return !pod.IsTerminal() && !pod.IsDaemonSetPod() && !pod.IsMirrorPod();
}

std::optional<std::string> PodBlocksDisruption(const Pod& pod) {
  const std::string name = "pod " + pod.meta.Key();
  if (AnnotationIs(pod.meta, labels::kKarpenterDoNotDisrupt, "true")) {
    return name + " has karpenter.sh/do-not-disrupt";
  }
  if (AnnotationIs(pod.meta, labels::kCloudOptimDoNotDisrupt, "true")) {
    return name + " has cloudoptim.io/do-not-disrupt";
  }
  if (AnnotationIs(pod.meta, labels::kSafeToEvict, "false")) {
    return name + " is marked safe-to-evict=false";
  }
  if (pod.meta.ControllerRef() == nullptr) return name + " has no controller to recreate it";
  if (pod.HasLocalStorage() && !AnnotationIs(pod.meta, labels::kSafeToEvict, "true")) {
    return name + " has local storage";
  }
  return std::nullopt;
}

std::optional<std::string> NodeBlocksDisruption(const Node& node) {
  if (AnnotationIs(node.meta, labels::kKarpenterDoNotDisrupt, "true")) {
    return "node " + node.meta.name + " has karpenter.sh/do-not-disrupt";
  }
  if (AnnotationIs(node.meta, labels::kCloudOptimDoNotDisrupt, "true")) {
    return "node " + node.meta.name + " has cloudoptim.io/do-not-disrupt";
  }
  return std::nullopt;
}

DisruptionBudgets::DisruptionBudgets(const Snapshot& snapshot) {
  for (const PodDisruptionBudget& pdb : snapshot.disruption_budgets) {
    budgets_.push_back({&pdb, pdb.disruptions_allowed});
  }
}

std::optional<std::string> DisruptionBudgets::Check(const std::vector<const Pod*>& pods) const {
  for (const Budget& b : budgets_) {
    int32_t evicted = 0;
    for (const Pod* pod : pods) evicted += Selects(*b.pdb, *pod) ? 1 : 0;
    if (evicted > b.remaining) {
      return "PodDisruptionBudget " + b.pdb->meta.Key() + " allows " + std::to_string(b.remaining) +
             " more disruption(s), " + std::to_string(evicted) + " needed";
    }
  }
  return std::nullopt;
}

void DisruptionBudgets::Commit(const std::vector<const Pod*>& pods) {
  for (Budget& b : budgets_) {
    for (const Pod* pod : pods) b.remaining -= Selects(*b.pdb, *pod) ? 1 : 0;
  }
}

}  // namespace cloudoptim
