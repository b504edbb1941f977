#include "engines/config_lp_guide.h"

#include <algorithm>
#include <cmath>

#include "engines/lp_type_assignment.h"
#include "engines/shape_lp.h"

namespace cloudoptim {

// Why floor and repair. The configuration LP's optimum is a mix of whole-node configurations
// bought in fractional numbers; flooring each count keeps only nodes the LP is sure of, which
// on large batches is almost all of them (the fractional part is at most one node per
// configuration, and the LP uses few configurations). Those nodes are packed exactly as the
// LP planned, so they are as full as its configurations; the few pods left over are packed by
// the caller's greedy rules, which is where rounding costs anything.
std::vector<GuidedNode> GuideByConfigLp(const std::vector<Resources>& pods,
                                        const std::vector<PriceOption>& options, size_t max_shapes,
                                        const ConfigLpLimits& limits) {
  std::vector<int32_t> shape_of;
  std::vector<PodShape> shapes = GroupShapes(pods, max_shapes, &shape_of, ShapeRounding::kMean);
  std::vector<size_t> kept = CandidateOptionIndices(shapes, options);
  std::vector<PriceOption> lp_options;
  for (size_t k : kept) lp_options.push_back(options[k]);
  Result<ConfigLpSolution> lp = SolveConfigLp(shapes, lp_options, limits);
  if (!lp) return {};
  // Unassigned pods per shape, largest first (a large pod that does not fit is left over;
  // a later, smaller one may still fit).
  std::vector<std::vector<size_t>> pool(shapes.size());
  for (size_t i = 0; i < pods.size(); ++i) pool[shape_of[i]].push_back(i);
  for (std::vector<size_t>& members : pool) {
    std::stable_sort(members.begin(), members.end(), [&](size_t a, size_t b) {
      return pods[a].cpu_millis + pods[a].memory_bytes / (4 << 20) >
             pods[b].cpu_millis + pods[b].memory_bytes / (4 << 20);
    });
    std::reverse(members.begin(), members.end());  // take from the back: largest first
  }
  std::vector<NodeConfig> configs = lp->configs;
  std::stable_sort(configs.begin(), configs.end(),
                   [](const NodeConfig& a, const NodeConfig& b) { return a.nodes > b.nodes; });
  std::vector<GuidedNode> nodes;
  for (const NodeConfig& config : configs) {
    const Resources& capacity = lp_options[config.option].allocatable;
    for (int64_t n = static_cast<int64_t>(std::floor(config.nodes + 1e-6)); n > 0; --n) {
      GuidedNode node{static_cast<int32_t>(kept[config.option]), {}};
      Resources free = capacity;
      for (const auto& [shape, count] : config.pods) {
        std::vector<size_t>& members = pool[shape];
        std::vector<size_t> skipped;
        for (int32_t c = 0; c < count && !members.empty();) {
          size_t i = members.back();
          members.pop_back();
          Resources need = pods[i];
          need.pods = std::max<int64_t>(need.pods, 1);
          if (need.FitsIn(free)) {
            free -= need;
            node.pods.push_back(i);
            ++c;
          } else {
            skipped.push_back(i);
          }
          if (skipped.size() > 4) break;  // the shape's pods are too big here; stop trying
        }
        members.insert(members.end(), skipped.rbegin(), skipped.rend());
      }
      if (node.pods.empty()) break;
      nodes.push_back(std::move(node));
    }
  }
  return nodes;
}

}  // namespace cloudoptim
