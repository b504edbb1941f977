// Emptiness: a node whose only pods are DaemonSet or mirror pods (or none) serves nothing;
// deleting it saves its whole price and moves no workload, so it runs first.
#include "engines/consolidation_method.h"
#include "engines/recommendation_builder.h"

namespace cloudoptim {
namespace {

class EmptinessConsolidation : public ConsolidationMethod {
 public:
  std::string_view Name() const override { return "emptiness"; }

  void Run(ConsolidationContext& context, std::vector<Recommendation>* out) override {
    std::vector<Candidate>& candidates = context.candidates();
    for (size_t n = 0; n < candidates.size(); ++n) {
      const Candidate& c = candidates[n];
      if (!c.pods.empty() || context.WhyNot({n})) continue;
      if (!context.WorthIt(c.hourly, c.hourly)) continue;
      RemovalSimulation sim =
          context.SimulateRemoval({n}, false, [](const RemovalSimulation&) { return true; });
      if (!sim.feasible) continue;
      context.MarkDisrupted({n});
      const std::string& name = c.node->meta.name;
      out->push_back(MakeBinPackRecommendation(
          NodeTarget(name), RemoveNodeActions(name), c.hourly.PerHourToMonthly(), 0.95,
          "Delete empty node " + name + " (" + c.node->InstanceType() +
              "): it runs only DaemonSet pods and costs " + c.hourly.PerHourToMonthly().ToString() +
              " a month."));
    }
  }
};

}  // namespace

std::unique_ptr<ConsolidationMethod> MakeEmptinessConsolidation() {
  return std::make_unique<EmptinessConsolidation>();
}

}  // namespace cloudoptim
