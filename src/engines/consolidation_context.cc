#include <algorithm>
#include <unordered_map>

#include "engines/consolidation_method.h"

namespace cloudoptim {
namespace {

// Orders pods for re-placement, largest first (1 vCPU weighs as much as 4 GiB).
double PodSize(const Resources& r) {
  return static_cast<double>(r.cpu_millis) + static_cast<double>(r.memory_bytes) / 4294967.296;
}

}  // namespace

std::optional<Money> NodeHourlyPrice(const Catalog& catalog, const std::string& region,
                                     const Node& node) {
  std::string type = node.InstanceType();
  if (type.empty()) return std::nullopt;
  Result<Money> price = node.Capacity() == CapacityType::kSpot
                            ? catalog.SpotPriceEstimate(region, type)
                            : catalog.OnDemandPrice(region, type);
  if (!price) return std::nullopt;
  return *price;
}

ConsolidationContext::ConsolidationContext(const EngineInput& input, const LaunchCatalog& launch)
    : input_(input),
      launch_(launch),
      state_(ClusterState::FromSnapshot(input.snapshot)),
      budgets_(input.snapshot) {
  std::unordered_map<std::string, std::vector<const Pod*>> pods_by_node;
  for (const Pod& pod : input.snapshot.pods) {
    if (!pod.node_name.empty() && NeedsRescheduling(pod))
      pods_by_node[pod.node_name].push_back(&pod);
  }
  const std::vector<Node>& nodes = input.snapshot.nodes;
  for (size_t i = 0; i < nodes.size(); ++i) {
    Candidate c;
    c.id = static_cast<NodeId>(i);
    c.node = &nodes[i];
    c.pods = std::move(pods_by_node[nodes[i].meta.name]);
    std::optional<Money> price = NodeHourlyPrice(input.catalog, input.snapshot.region, nodes[i]);
    if (price) c.hourly = *price;
    c.blocked = NodeBlocksDisruption(nodes[i]);
    if (!price && !c.blocked) c.blocked = "node " + nodes[i].meta.name + " has no known price";
    for (const Pod* pod : c.pods) {
      if (c.blocked) break;
      c.blocked = PodBlocksDisruption(*pod);
    }
    Resources used = state_.Requested(c.id);
    Resources alloc = state_.Allocatable(c.id);
    c.utilization = std::max(
        alloc.cpu_millis > 0 ? double(used.cpu_millis) / double(alloc.cpu_millis) : 1.0,
        alloc.memory_bytes > 0 ? double(used.memory_bytes) / double(alloc.memory_bytes) : 1.0);
    candidates_.push_back(std::move(c));
  }
}

std::optional<NodeId> ConsolidationContext::FirstFit(const PreparedPod& pod) const {
  NodeId count = static_cast<NodeId>(state_.NodeCount());
  for (NodeId id = 0; id < count; ++id) {
    if (state_.IsNodeRemoved(id) || !pod.requests.FitsIn(state_.Free(id))) continue;
    if (state_.Fits(pod, id) == FitFailure::kNone) return id;
  }
  return std::nullopt;
}

RemovalSimulation ConsolidationContext::SimulateRemoval(
    const std::vector<size_t>& nodes, bool allow_replacement,
    const std::function<bool(const RemovalSimulation&)>& keep) {
  RemovalSimulation sim;
  struct Moved {
    const Pod* pod;
    NodeId from;
    NodeId to = -1;
  };
  std::vector<Moved> moved;
  for (size_t n : nodes) {
    const Candidate& c = candidates_[n];
    for (const Pod* pod : c.pods) {
      state_.Unbind(state_.Prepare(*pod), c.id);
      moved.push_back({pod, c.id});
    }
    state_.SetNodeRemoved(c.id, true);
    sim.removed_hourly += c.hourly;
  }
  std::vector<PreparedPod> prepared;
  for (const Moved& m : moved) prepared.push_back(state_.Prepare(*m.pod));
  std::vector<size_t> order(moved.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return PodSize(prepared[a].requests) > PodSize(prepared[b].requests);
  });
  std::vector<const Pod*> leftovers;
  for (size_t i : order) {
    std::optional<NodeId> to = FirstFit(prepared[i]);
    if (!to) {
      leftovers.push_back(moved[i].pod);
      if (!allow_replacement) break;
      continue;
    }
    state_.Bind(prepared[i], *to);
    moved[i].to = *to;
  }
  PackingPlan plan;
  sim.feasible = leftovers.empty();
  if (!leftovers.empty() && allow_replacement) {
    PackingOptions options;
    options.strategy = PackingStrategy::kCostAwareBestFit;
    options.use_existing_nodes = false;
    options.new_hostname_domain = false;
    options.min_flexible_types = input_.policy.min_flexible_instance_types;
    options.node_name_prefix = "replacement-" + std::to_string(replacement_names_++) + "-";
    plan = PackPods(state_, launch_, leftovers, options);
    sim.feasible = plan.unschedulable.empty() && plan.new_nodes.size() == 1;
    if (sim.feasible) {
      sim.replacement = plan.new_nodes.front();
      sim.replacement_hourly = plan.hourly_cost;
    }
  }
  if (sim.feasible && keep(sim)) {
    for (const Moved& m : moved) {
      if (m.to >= 0 && static_cast<size_t>(m.to) < candidates_.size()) {
        candidates_[m.to].receives_pods = true;
      }
    }
    return sim;
  }
  // Undo: replacement nodes go, moved pods go back where they were.
  for (const NewNode& n : plan.new_nodes) {
    for (size_t i : n.pods) state_.Unbind(state_.Prepare(*leftovers[i]), n.node_id);
    state_.SetNodeRemoved(n.node_id, true);
  }
  for (size_t i = 0; i < moved.size(); ++i) {
    if (moved[i].to >= 0) state_.Unbind(prepared[i], moved[i].to);
  }
  for (size_t n : nodes) state_.SetNodeRemoved(candidates_[n].id, false);
  for (size_t i = 0; i < moved.size(); ++i) state_.Bind(prepared[i], moved[i].from);
  sim.feasible = false;
  return sim;
}

bool ConsolidationContext::WorthIt(Money hourly_savings, Money removed_hourly) const {
  const Policy& policy = input_.policy;
  Money monthly = hourly_savings.PerHourToMonthly();
  if (monthly.micros() <= 0 || monthly < policy.min_monthly_savings) return false;
  double share = removed_hourly.micros() > 0
                     ? 100.0 * double(hourly_savings.micros()) / double(removed_hourly.micros())
                     : 0;
  return share >= policy.min_savings_percent_of_node_cost;
}

std::optional<std::string> ConsolidationContext::WhyNot(const std::vector<size_t>& nodes) const {
  std::vector<const Pod*> pods;
  for (size_t n : nodes) {
    const Candidate& c = candidates_[n];
    if (c.blocked) return c.blocked;
    if (c.disrupted) return "node " + c.node->meta.name + " is already being disrupted";
    if (c.receives_pods) return "node " + c.node->meta.name + " receives pods of another action";
    pods.insert(pods.end(), c.pods.begin(), c.pods.end());
  }
  return budgets_.Check(pods);
}

void ConsolidationContext::MarkDisrupted(const std::vector<size_t>& nodes) {
  for (size_t n : nodes) {
    candidates_[n].disrupted = true;
    budgets_.Commit(candidates_[n].pods);
  }
}

}  // namespace cloudoptim
