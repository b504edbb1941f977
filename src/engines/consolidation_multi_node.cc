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
    // Pure deletions first; a merge that needs a new node must beat them and must save more
    // than deleting any one of its nodes could (otherwise single-node consolidation does the
    // same with fewer disruptions). Ties go to the deletion.
    Choice deletion = Search(context, order, false);
    Choice merge = Search(context, order, true);
    Choice& best = merge.savings > deletion.savings ? merge : deletion;
    if (best.count < 2) return;
    std::vector<size_t> chosen(order.begin(), order.begin() + best.count);
    bool replace = &best == &merge;
    RemovalSimulation sim = context.SimulateRemoval(
        chosen, replace,
        [&](const RemovalSimulation& s) { return Acceptable(context, chosen, s, replace); });
    if (!sim.feasible) return;
    context.MarkDisrupted(chosen);
    out->push_back(Describe(candidates, chosen, sim));
  }

 private:
  struct Choice {
    size_t count = 0;
    Money savings;
  };

  static bool Acceptable(ConsolidationContext& context, const std::vector<size_t>& nodes,
                         const RemovalSimulation& s, bool replace) {
    if (!context.WorthIt(s.HourlySavings(), s.removed_hourly)) return false;
    if (!replace || !s.replacement) return true;
    Money priciest;
    for (size_t n : nodes) priciest = std::max(priciest, context.candidates()[n].hourly);
    return s.HourlySavings() > priciest;
  }

  // Largest k in [2, n] whose prefix can go together. Feasibility is not monotone in k, so
  // this binary search is a heuristic, as in Karpenter.
  static Choice Search(ConsolidationContext& context, const std::vector<size_t>& order,
                       bool replace) {
    Choice best;
    size_t low = 2, high = order.size();
    while (low <= high) {
      size_t mid = (low + high) / 2;
      std::vector<size_t> prefix(order.begin(), order.begin() + mid);
      Money savings;
      bool ok = false;
      if (!context.WhyNot(prefix)) {
        context.SimulateRemoval(prefix, replace, [&](const RemovalSimulation& s) {
          ok = Acceptable(context, prefix, s, replace);
          savings = s.HourlySavings();
          return false;  // only looking
        });
      }
      if (ok) {
        best = {mid, savings};
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return best;
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
    return MakeBinPackRecommendation("nodes/" + JoinNames(names), std::move(actions), monthly, 0.75,
                                     "Consolidate " + std::to_string(chosen.size()) + " nodes (" +
                                         std::to_string(pods) + " pods) into " + into +
                                         ", saving " + monthly.ToString() + " a month.");
  }
};

}  // namespace

std::unique_ptr<ConsolidationMethod> MakeMultiNodeConsolidation() {
  return std::make_unique<MultiNodeConsolidation>();
}

}  // namespace cloudoptim
