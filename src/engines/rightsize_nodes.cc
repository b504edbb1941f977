#include "engines/rightsize_nodes.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "engines/instance_candidates.h"
#include "engines/node_group.h"

namespace cloudoptim {
namespace {

// How node rightsizing chooses, and why.
//
// A node group's cost is its node count times its type's price; its pods need a set of
// request vectors to fit somewhere. For each candidate type (instance_candidates.h: what the
// pods can run on, under the policy) we pack the pods first-fit decreasing into nodes of that
// type's allocatable minus the DaemonSet overhead, and price the result; the cheapest candidate
// wins if it beats today's cost by the policy's minimum. FFD is within ~11/9 of optimal and is
// what the group's own autoscaler will roughly achieve, so the estimate is one the cluster can
// reach. Nodes never drop below the number of zones the group spans, to keep its zone spread.
// A group whose pods pin an instance type keeps candidates to those types; a GPU group stays
// on the same GPU. This engine treats a group as one type; mixing types and consolidating
// nodes is bin-pack's job.

struct UsageIndex {
  std::map<std::pair<std::string_view, std::string_view>, const PodUsage*> latest;

  explicit UsageIndex(const Snapshot& snapshot) {
    for (const PodUsage& usage : snapshot.pod_usage) {
      const PodUsage*& slot = latest[{usage.namespace_name, usage.pod_name}];
      if (slot == nullptr || slot->timestamp < usage.timestamp) slot = &usage;
    }
  }
  const PodUsage* Find(const Pod& pod) const {
    auto it = latest.find({pod.meta.namespace_name, pod.meta.name});
    return it == latest.end() ? nullptr : it->second;
  }
};

struct Choice {
  const InstanceType* type = nullptr;
  int32_t node_count = 0;
  Money usd_per_hour;
};

Result<Money> PriceOf(const EngineInput& input, const std::string& type, CapacityType capacity) {
  if (capacity == CapacityType::kSpot) {
    return input.catalog.SpotPriceEstimate(input.snapshot.region, type);
  }
  return input.catalog.OnDemandPrice(input.snapshot.region, type);
}

// Spot only when every node of the group is spot today; a mixed group is priced on-demand.
CapacityType GroupCapacity(const NodeGroup& group) {
  for (const Node* node : group.nodes) {
    if (node->Capacity() != CapacityType::kSpot) return CapacityType::kOnDemand;
  }
  return CapacityType::kSpot;
}

std::string TypesOf(const NodeGroup& group) {
  std::set<std::string> types;
  for (const Node* node : group.nodes) types.insert(node->InstanceType());
  std::string out;
  for (const std::string& t : types) out += (out.empty() ? "" : ",") + t;
  return out;
}

}  // namespace

int32_t NodesNeeded(std::vector<Resources> pods, const Resources& per_node) {
  auto size = [&](const Resources& r) {
    const double cpu =
        per_node.cpu_millis > 0 ? static_cast<double>(r.cpu_millis) / per_node.cpu_millis : 0.0;
    const double memory = per_node.memory_bytes > 0
                              ? static_cast<double>(r.memory_bytes) / per_node.memory_bytes
                              : 0.0;
    return std::max(cpu, memory);
  };
  std::stable_sort(pods.begin(), pods.end(),
                   [&](const Resources& a, const Resources& b) { return size(a) > size(b); });
  std::vector<Resources> free;
  for (Resources pod : pods) {
    pod.pods = 1;
    if (!pod.FitsIn(per_node)) return -1;
    auto fits = std::find_if(free.begin(), free.end(),
                             [&](const Resources& room) { return pod.FitsIn(room); });
    if (fits == free.end()) {
      free.push_back(per_node - pod);
    } else {
      *fits -= pod;
    }
  }
  return static_cast<int32_t>(free.size());
}

namespace {

// A lower bound on the nodes of `room` that `total` needs: no packing beats the busiest
// dimension divided evenly.
int64_t NodesLowerBound(const Resources& total, const Resources& room) {
  auto ratio = [](int64_t need, int64_t have) -> int64_t {
    if (need <= 0) return 0;
    if (have <= 0) return INT32_MAX;
    return (need + have - 1) / have;
  };
  return std::max({ratio(total.cpu_millis, room.cpu_millis),
                   ratio(total.memory_bytes, room.memory_bytes), ratio(total.pods, room.pods),
                   ratio(total.gpus, room.gpus)});
}

// The cheapest single-type configuration that holds `demands`, or type == nullptr. Candidates
// are tried in order of their lower-bound cost and the search stops once that bound reaches the
// best packing found: FFD runs for a handful of types instead of hundreds.
Choice CheapestFit(const EngineInput& input, const NodeGroup& group,
                   const std::vector<Resources>& demands, CapacityType capacity) {
  const GroupShape shape = DescribeGroup(group, input.catalog);
  const int64_t min_nodes = std::max<int64_t>(1, static_cast<int64_t>(group.Zones().size()));
  Resources total;
  for (Resources demand : demands) {
    demand.pods = 1;
    total += demand;
  }
  struct Bound {
    const InstanceType* type;
    Money price;
    Resources room;
    Money lower_bound;
  };
  std::vector<Bound> bounds;
  for (const InstanceType* type :
       CandidateTypes(input.catalog, input.snapshot.region, shape, input.policy)) {
    Result<Money> price = PriceOf(input, type->name, capacity);
    if (!price) continue;
    const Resources room = (type->allocatable - shape.daemon_overhead).ClampedAtZero();
    const int64_t nodes = std::max(min_nodes, NodesLowerBound(total, room));
    if (nodes >= INT32_MAX) continue;
    bounds.push_back({type, *price, room, *price * nodes});
  }
  std::sort(bounds.begin(), bounds.end(), [](const Bound& a, const Bound& b) {
    return a.lower_bound != b.lower_bound ? a.lower_bound < b.lower_bound
                                          : a.type->name < b.type->name;
  });
  Choice best;
  for (const Bound& bound : bounds) {
    if (best.type != nullptr && bound.lower_bound >= best.usd_per_hour) break;
    const int32_t needed = NodesNeeded(demands, bound.room);
    if (needed < 0) continue;
    const int32_t count = std::max(needed, static_cast<int32_t>(min_nodes));
    const Money cost = bound.price * count;
    if (best.type == nullptr || cost < best.usd_per_hour) best = {bound.type, count, cost};
  }
  return best;
}

Recommendation MakeRecommendation(const NodeGroup& group, const Choice& best, CapacityType capacity,
                                  bool used_usage, Money savings) {
  Action action{ActionType::kChangeNodeGroupMix, group.Target(), {}};
  action.parameters["instance_types"] = best.type->name;
  action.parameters["node_count"] = std::to_string(best.node_count);
  action.parameters["capacity_type"] = std::string(CapacityTypeName(capacity));
  action.parameters["from_instance_types"] = TypesOf(group);
  action.parameters["from_node_count"] = std::to_string(group.nodes.size());
  action.parameters["basis"] = used_usage ? "requests+usage" : "requests";
  Recommendation rec;
  rec.engine = EngineName::kRightsize;
  rec.target = group.Target();
  rec.monthly_savings = savings;
  // Requests are exact; usage is a sample that may miss a peak.
  rec.confidence = used_usage ? 0.7 : 0.8;
  rec.explanation = fmt::format(
      "Run node group {} on {} {} instead of {} {} nodes: the pods' {} fit, saving {} a month.",
      group.name, best.node_count, best.type->name, group.nodes.size(), TypesOf(group),
      used_usage ? "requests and observed usage" : "requests", savings.ToString());
  std::string content;
  for (const auto& [key, value] : action.parameters) content += key + "=" + value + ";";
  rec.id = MakeRecommendationId(EngineName::kRightsize, rec.target, content);
  rec.actions.push_back(std::move(action));
  return rec;
}

}  // namespace

Recommendations RunRightsizeNodes(const EngineInput& input) {
  Recommendations out;
  const UsageIndex usage(input.snapshot);
  for (const NodeGroup& group : GroupNodes(input.snapshot)) {
    if (group.workload_pods.empty()) continue;
    const CapacityType capacity = GroupCapacity(group);
    Money current;
    bool priced = true;
    for (const Node* node : group.nodes) {
      Result<Money> price = PriceOf(input, node->InstanceType(), capacity);
      priced = priced && price.has_value();
      if (price) current += *price;
    }
    if (!priced) continue;

    std::vector<Resources> demands;
    bool used_usage = false;
    for (const Pod* pod : group.workload_pods) {
      const PodUsage* observed = usage.Find(*pod);
      used_usage = used_usage || observed != nullptr;
      demands.push_back(EffectiveRequest(*pod, observed, input.policy.rightsize_buffer));
    }
    const Choice best = CheapestFit(input, group, demands, capacity);
    if (best.type == nullptr) continue;
    const Money savings = (current - best.usd_per_hour).PerHourToMonthly();
    const Money percent_floor =
        current.PerHourToMonthly().Scaled(input.policy.min_savings_percent_of_node_cost / 100);
    if (savings < input.policy.min_monthly_savings || savings < percent_floor) continue;
    out.items.push_back(MakeRecommendation(group, best, capacity, used_usage, savings));
  }
  return out;
}

}  // namespace cloudoptim
