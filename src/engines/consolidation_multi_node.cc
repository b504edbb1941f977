// Multi-node consolidation: remove several lightly used nodes at once, their pods going to
// the rest of the cluster and at most one new node. As Karpenter does, it binary-searches the
// longest prefix of candidates (least utilised first) that can go together, since checking
// every subset is exponential and removing nodes one by one misses merges such as three
// half-empty nodes into one.
#include <algorithm>

#include "engines/consolidation_method.h"
#include "engines/recommendation_builder.h"

namespace cloudoptim {

namespace {

constexpr size_t kMaxCandidates = 100;

class MultiNodeConsolidation : public ConsolidationMethod {
 public:
  std::string_view Name() const override { return "multi-node"; }

  void Run(ConsolidationContext& context, std::vector<Recommendation>* out) override {
    std::vector<Candidate>& candidates = context.candidates();
    std::vector<size_t> order;
    for (size_t n = 0; n < candidates.size(); ++n) {
      if (!candidates[n].pods.empty() && !context.WhyNot({n})) order.push_back(n);
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return candidates[a].utilization < candidates[b].utilization;
    });
    if (order.size() > kMaxCandidates) order.resize(kMaxCandidates);
    // Largest k in [2, n] whose prefix can go together; feasibility is not monotone in k, so
    // this is a heuristic search, as in Karpenter.
    size_t low = 2, high = order.size(), best = 0;
    while (low <= high) {
      size_t mid = (low + high) / 2;
      std::vector<size_t> prefix(order.begin(), order.begin() + mid);
      bool ok = !context.WhyNot(prefix) && Feasible(context, prefix);
      if (ok) {
        best = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    if (best < 2) return;
    std::vector<size_t> chosen(order.begin(), order.begin() + best);
    RemovalSimulation sim = context.SimulateRemoval(chosen, true, [&](const RemovalSimulation& s) {
      return context.WorthIt(s.HourlySavings(), s.removed_hourly);
    });
    if (!sim.feasible) return;
    context.MarkDisrupted(chosen);
    out->push_back(Describe(candidates, chosen, sim));
  }

 private:
  static bool Feasible(ConsolidationContext& context, const std::vector<size_t>& nodes) {
    bool worth = false;
    context.SimulateRemoval(nodes, true, [&](const RemovalSimulation& s) {
      worth = context.WorthIt(s.HourlySavings(), s.removed_hourly);
      return false;  // only looking
    });
    return worth;
  }

  static Recommendation Describe(const std::vector<Candidate>& candidates,
                                 const std::vector<size_t>& chosen, const RemovalSimulation& sim) {
    std::vector<Action> actions;
    if (sim.replacement) actions.push_back(LaunchAction(*sim.replacement));
    std::vector<std::string> names;
    size_t pods = 0;
    for (size_t n : chosen) {
      names.push_back(candidates[n].node->meta.name);
      pods += candidates[n].pods.size();
      for (Action& a : RemoveNodeActions(names.back())) actions.push_back(std::move(a));
    }
    Money monthly = sim.HourlySavings().PerHourToMonthly();
    std::string into = sim.replacement ? "the other nodes and one new " +
                                             sim.replacement->type->type->name + " node"
                                       : "the other nodes";
    return MakeBinPackRecommendation(
        "nodes/" + JoinNames(names), std::move(actions), monthly, 0.75,
        "Consolidate " + std::to_string(chosen.size()) + " nodes (" + std::to_string(pods) +
            " pods) into " + into + ", saving " + monthly.ToString() + " a month.");
  }
};

}  // namespace

std::unique_ptr<ConsolidationMethod> MakeMultiNodeConsolidation() {
  return std::make_unique<MultiNodeConsolidation>();
}

}  // namespace cloudoptim
