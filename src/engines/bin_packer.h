// Packs pods onto existing nodes and then onto as few, as cheap new nodes as possible, with
// every scheduling constraint enforced by the scheduling simulator. The provisioner plans
// launches with it; consolidation prices replacements with it; benchmarks compare it with
// first-fit-decreasing.
//
//   ClusterState state = ClusterState::FromSnapshot(snapshot);
//   PackingPlan plan = PackPods(state, launch, pending, PackingStrategy::kPortfolio);
//   for (const NewNode& n : plan.new_nodes) { ... n.type->type->name, n.zone, n.hourly ... }
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/money.h"
#include "engines/launch_catalog.h"
#include "model/pod.h"
#include "scheduling/cluster_state.h"

namespace cloudoptim {

enum class PackingStrategy {
  // The baseline most autoscalers use: pods by size, each into the first open node it fits.
  kFirstFitDecreasing,
  // Cost-aware best fit decreasing with a norm-based bin choice and an emptying pass.
  kCostAwareBestFit,
  // The shape LP (Clp) assigns every pod a type; pods are packed type by type, then as above.
  kLpGuided,
  // The configuration LP (column generation, config_lp_guide.h) plans whole nodes; its
  // floored configurations are opened as planned and the residue is packed as above.
  kConfigLpGuided,
  // All of the above; keeps the cheapest plan (so it is never worse than the baseline).
  kPortfolio,
};

struct NewNode {
  const LaunchType* type = nullptr;  // the cheapest type that holds the node's pods
  std::string zone;
  CapacityType capacity = CapacityType::kOnDemand;
  Money hourly;
  // For spot: similar types (same architecture, all able to hold the pods, safe pools in the
  // zone), cheapest first, for a price-capacity-optimized launch.
  std::vector<std::string> flexible_types;
  std::vector<size_t> pods;  // indices into the packed pod list
  NodeId node_id = -1;       // the hypothetical node in the cluster state
};

struct PackingPlan {
  std::vector<NewNode> new_nodes;
  std::vector<std::pair<size_t, NodeId>> on_existing;  // pods an existing node can take
  std::vector<std::pair<size_t, FitFailure>> unschedulable;
  Money hourly_cost;           // of the new nodes
  int32_t spot_fallbacks = 0;  // spot nodes turned on-demand for lack of diversified pools
};

inline constexpr int64_t kDefaultSearchStepsPerPod = 50;
inline constexpr int64_t kThoroughSearchStepsPerPod = 4000;

struct PackingOptions {
  PackingStrategy strategy = PackingStrategy::kPortfolio;
  bool use_existing_nodes = true;
  int32_t min_flexible_types = 15;
  // Names of hypothetical nodes are <prefix><n>; callers packing more than once into the
  // same state give each call its own prefix so hostnames stay unique.
  std::string node_name_prefix = "planned-";
  // Hostname spread counts an empty node as a domain, since the plan can always add one
  // (as Karpenter does). Off for consolidation, which only uses existing nodes.
  bool new_hostname_domain = true;
  // kPortfolio only: after packing, a local search repacks groups of one to three nodes
  // more cheaply (RepackPass in bin_packer.cc) for at most this many search steps per pod;
  // 0 turns it off. The default costs a few milliseconds per 1,000 pods; plans made off the
  // provisioning path can afford kThoroughSearchStepsPerPod (bench/RESULTS.md has both).
  int64_t search_steps_per_pod = kDefaultSearchStepsPerPod;
  // The search's large-neighbourhood move (ruin_recreate.h): it gets the budget the local
  // moves leave, and from 1,000 steps per pod (thorough) half the budget. Off only to measure.
  bool ruin_and_recreate = true;
  // From 1,000 steps per pod (thorough) and up to 4,000 pods only: after ruin and recreate,
  // the cheapest set of the nodes it accepted and the plans' own that covers every pod, by the
  // set-cover LP rounded (column_cover.h), then the local moves again. Off: it makes thorough
  // plans 0.1-0.2% cheaper for 2-6x the search's CPU, where 3-5x the search budget alone
  // makes them 0.5-1% cheaper (bench/RESULTS.md, session 7).
  bool column_cover = false;
};

// Leaves `state` with the plan applied: new nodes added and every placed pod bound.
PackingPlan PackPods(ClusterState& state, const LaunchCatalog& launch,
                     const std::vector<const Pod*>& pods, const PackingOptions& options = {});

}  // namespace cloudoptim
