// Consolidation: ways to run the same pods on fewer or cheaper nodes, each its own file
// behind one interface (as Karpenter's disruption methods are), sharing one context that
// holds the simulated cluster, the candidates and the disruption budgets of the pass.
//
//   ConsolidationContext context = ConsolidationContext::Build(input, launch);
//   for (auto& method : ConsolidationMethods()) method->Run(context, &recommendations);
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engines/bin_packer.h"
#include "engines/disruption_rules.h"
#include "engines/engine.h"
#include "engines/launch_catalog.h"
#include "scheduling/cluster_state.h"

namespace cloudoptim {

struct Candidate {
  NodeId id = -1;
  const Node* node = nullptr;
  Money hourly;                        // what the node costs now
  std::vector<const Pod*> pods;        // pods that need a new home if it goes
  std::optional<std::string> blocked;  // why it may not be disrupted
  bool disrupted = false;              // an earlier action of this pass removes it
  bool receives_pods = false;          // an earlier action moves pods onto it
  double utilization = 0;              // max of CPU and memory requested share
};

// The result of simulating the removal of some nodes.
struct RemovalSimulation {
  bool feasible = false;  // every pod found a place (with at most one new node)
  std::optional<NewNode> replacement;
  Money removed_hourly;
  Money replacement_hourly;
  Money HourlySavings() const { return removed_hourly - replacement_hourly; }
};

class ConsolidationContext {
 public:
  ConsolidationContext(const EngineInput& input, const LaunchCatalog& launch);

  const EngineInput& input() const { return input_; }
  std::vector<Candidate>& candidates() { return candidates_; }
  DisruptionBudgets& budgets() { return budgets_; }

  // Simulates draining `nodes` (candidate indices): their pods go to the other live nodes,
  // and, when `allow_replacement`, the leftovers to at most one new node. The simulated
  // cluster keeps the result when it is feasible and `keep` accepts it; otherwise it is undone.
  RemovalSimulation SimulateRemoval(const std::vector<size_t>& nodes, bool allow_replacement,
                                    const std::function<bool(const RemovalSimulation&)>& keep);
  // The churn guard: whether saving `hourly_savings` on nodes costing `removed_hourly` is
  // worth a disruption under the policy.
  bool WorthIt(Money hourly_savings, Money removed_hourly) const;
  // Why these candidates together may not be disrupted (blocked, already disrupted, PDBs).
  std::optional<std::string> WhyNot(const std::vector<size_t>& nodes) const;
  void MarkDisrupted(const std::vector<size_t>& nodes);

 private:
  std::optional<NodeId> FirstFit(const PreparedPod& pod) const;

  const EngineInput& input_;
  const LaunchCatalog& launch_;
  ClusterState state_;
  std::vector<Candidate> candidates_;
  DisruptionBudgets budgets_;
  int64_t replacement_names_ = 0;
};

class ConsolidationMethod {
 public:
  virtual ~ConsolidationMethod() = default;
  virtual std::string_view Name() const = 0;
  // Appends the method's recommendations and commits them into the context, so later
  // methods see the cluster as it would be.
  virtual void Run(ConsolidationContext& context, std::vector<Recommendation>* out) = 0;
};

std::unique_ptr<ConsolidationMethod> MakeEmptinessConsolidation();
std::unique_ptr<ConsolidationMethod> MakeMultiNodeConsolidation();
std::unique_ptr<ConsolidationMethod> MakeSingleNodeConsolidation();

// The methods in the order they run (see consolidation.cc).
std::vector<std::unique_ptr<ConsolidationMethod>> ConsolidationMethods();

// The hourly price of a node from its instance type, capacity type and the catalogue.
std::optional<Money> NodeHourlyPrice(const Catalog& catalog, const std::string& region,
                                     const Node& node);

}  // namespace cloudoptim
