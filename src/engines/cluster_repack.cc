#include "engines/cluster_repack.h"

#include <algorithm>
#include <map>

#include "engines/bin_packer.h"
#include "engines/cost_lower_bound.h"
#include "engines/disruption_rules.h"
#include "engines/launch_catalog.h"

namespace cloudoptim {
namespace {

// Why a from-scratch repack, and why this way.
//
// Consolidation moves pods off one or a few nodes at a time, so a cluster that grew by many
// small decisions can stay far from its best shape. The repack answers "what would the same
// pods cost on the best nodes we can find?" — the ceiling for every packing engine — and the
// lower bound says how much of the remaining gap could still be packing. It runs once per
// report, off the provisioning path, so it can afford the packer's thorough search (plans are
// a few percent cheaper than at the provisioning default; bench/RESULTS.md).
//
// Both sides are priced on demand: the question is packing, and spot prices would mix in a
// second question (spot-optimize's). Pods whose placement only today's nodes can satisfy
// (a node selector on a label no launch carries) cannot be repacked; keeping their nodes as
// they are is the honest, conservative answer.

// What a repack moves: the pods a node's removal would reschedule, bound and not on their way
// out.
bool IsWorkloadPod(const Pod& pod) {
  return !pod.node_name.empty() && NeedsRescheduling(pod) && !pod.meta.deletion_timestamp;
}

// The pod as the repack sees it: on-demand only, whatever capacity type it asked for.
Pod OnDemandCopy(const Pod& pod) {
  Pod copy = pod;
  copy.node_selector.erase(std::string(labels::kEksCapacityType));
  copy.node_selector.insert_or_assign(std::string(labels::kKarpenterCapacityType),
                                      std::string(CapacityTypeName(CapacityType::kOnDemand)));
  return copy;
}

std::vector<std::pair<std::string, int32_t>> CountTypes(const PackingPlan& plan) {
  std::map<std::string, int32_t> counts;
  for (const NewNode& n : plan.new_nodes) ++counts[n.type->type->name];
  std::vector<std::pair<std::string, int32_t>> types(counts.begin(), counts.end());
  std::stable_sort(types.begin(), types.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return types;
}

}  // namespace

RepackEstimate EstimateRepack(const EngineInput& input) {
  RepackEstimate estimate;
  std::map<std::string, Money> node_price;  // node name → on-demand price, when known
  for (const Node& node : input.snapshot.nodes) {
    Result<Money> price = input.catalog.OnDemandPrice(input.snapshot.region, node.InstanceType());
    if (!price) continue;
    node_price.emplace(node.meta.name, *price);
    estimate.current_hourly += *price;
    ++estimate.current_nodes;
  }

  std::vector<Pod> pods;
  for (const Pod& pod : input.snapshot.pods) {
    if (IsWorkloadPod(pod)) pods.push_back(OnDemandCopy(pod));
  }
  std::vector<const Pod*> pointers;
  pointers.reserve(pods.size());
  for (const Pod& pod : pods) pointers.push_back(&pod);

  const LaunchCatalog launch = LaunchCatalog::Build(input);
  ClusterState state;
  PackingOptions options;
  options.use_existing_nodes = false;
  options.search_steps_per_pod = pods.size() <= kThoroughRepackMaxPods ? kThoroughSearchStepsPerPod
                                                                       : kDefaultSearchStepsPerPod;
  estimate.search_steps_per_pod = options.search_steps_per_pod;
  PackingPlan plan = PackPods(state, launch, pointers, options);

  std::map<std::string, Money> kept;
  for (const auto& [i, reason] : plan.unschedulable) {
    estimate.pinned_pods.push_back(pods[i].meta.Key());
    auto price = node_price.find(pods[i].node_name);
    if (price != node_price.end()) kept.insert(*price);
  }
  Money kept_hourly;
  for (const auto& [name, price] : kept) kept_hourly += price;

  std::vector<Resources> placed;
  for (const NewNode& n : plan.new_nodes) {
    for (size_t i : n.pods) placed.push_back(pods[i].Requests());
  }
  Resources total;
  for (const Resources& r : placed) total += r;
  const std::vector<PriceOption> prices = OnDemandOptions(launch);
  Money bound = PerResourceBound(total, prices);
  if (!placed.empty()) {
    Result<Money> lp = ShapeLpDualBound(placed, prices);
    if (lp && *lp > bound) bound = *lp;
  }

  estimate.pods = static_cast<int32_t>(placed.size());
  estimate.kept_nodes = static_cast<int32_t>(kept.size());
  estimate.repacked_nodes = static_cast<int32_t>(plan.new_nodes.size() + kept.size());
  estimate.repacked_hourly = plan.hourly_cost + kept_hourly;
  estimate.lower_bound_hourly = bound + kept_hourly;
  estimate.repacked_types = CountTypes(plan);
  return estimate;
}

}  // namespace cloudoptim
