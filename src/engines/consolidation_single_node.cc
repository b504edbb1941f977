// Single-node consolidation: for each node, least utilised first, can its pods move to the
// rest of the cluster (delete it) or to one cheaper new node (replace it)? Each accepted
// action is applied to the simulated cluster before the next node is considered.
#include <algorithm>

#include "engines/consolidation_method.h"
#include "engines/recommendation_builder.h"

namespace cloudoptim {

namespace {

class SingleNodeConsolidation : public ConsolidationMethod {
 public:
  std::string_view Name() const override { return "single-node"; }

  void Run(ConsolidationContext& context, std::vector<Recommendation>* out) override {
    std::vector<Candidate>& candidates = context.candidates();
    std::vector<size_t> order;
    for (size_t n = 0; n < candidates.size(); ++n) {
      if (!candidates[n].pods.empty()) order.push_back(n);
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return candidates[a].utilization < candidates[b].utilization;
    });
    for (size_t n : order) {
      if (context.WhyNot({n})) continue;
      const Candidate& c = candidates[n];
      RemovalSimulation sim = context.SimulateRemoval({n}, true, [&](const RemovalSimulation& s) {
        return context.WorthIt(s.HourlySavings(), s.removed_hourly);
      });
      if (!sim.feasible) continue;
      context.MarkDisrupted({n});
      out->push_back(Describe(c, sim));
    }
  }

 private:
  static Recommendation Describe(const Candidate& c, const RemovalSimulation& sim) {
    const std::string& name = c.node->meta.name;
    Money monthly = sim.HourlySavings().PerHourToMonthly();
    std::string pods = std::to_string(c.pods.size()) + " pod(s)";
    if (!sim.replacement) {
      return MakeBinPackRecommendation(NodeTarget(name), RemoveNodeActions(name), monthly, 0.9,
                                       "Delete node " + name + " (" + c.node->InstanceType() +
                                           "): its " + pods + " fit on the other nodes, saving " +
                                           monthly.ToString() + " a month.");
    }
    std::vector<Action> actions{LaunchAction(*sim.replacement)};
    for (Action& a : RemoveNodeActions(name)) actions.push_back(std::move(a));
    return MakeBinPackRecommendation(
        NodeTarget(name), std::move(actions), monthly, 0.8,
        "Replace node " + name + " (" + c.node->InstanceType() + ", " +
            c.hourly.PerHourToMonthly().ToString() + "/month) with a " +
            sim.replacement->type->type->name + " " +
            std::string(CapacityTypeName(sim.replacement->capacity)) + " node for those of its " +
            pods + " the other nodes cannot take, saving " + monthly.ToString() + " a month.");
  }
};

}  // namespace

std::unique_ptr<ConsolidationMethod> MakeSingleNodeConsolidation() {
  return std::make_unique<SingleNodeConsolidation>();
}

}  // namespace cloudoptim
