// What the cluster's running workload would cost packed from scratch onto the cheapest
// on-demand nodes that hold it, next to what its nodes cost on demand today and a proven
// lower bound: how much better packing could save at most, and how close that plan is to the
// floor. A what-if for `cloudoptim analyze`, not a recommendation: nothing acts on it.
//
//   RepackEstimate estimate = EstimateRepack(input);
//   estimate.current_hourly - estimate.repacked_hourly;  // what repacking could save per hour
//   estimate.repacked_hourly / estimate.lower_bound_hourly;  // ≥ 1: distance to the floor
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/money.h"
#include "engines/engine.h"

namespace cloudoptim {

struct RepackEstimate {
  int32_t pods = 0;           // workload pods repacked onto new nodes
  int32_t current_nodes = 0;  // nodes priced today (known type and on-demand price)
  Money current_hourly;       // those nodes, every one priced on demand
  int32_t repacked_nodes = 0;
  Money repacked_hourly;  // new nodes plus the kept ones, on demand
  // Proven: no packing of the repacked pods onto new nodes costs less (the shape LP with its
  // duals charged to every pod, and the per-resource bound; constraints relaxed), plus the
  // kept nodes.
  Money lower_bound_hourly;
  std::vector<std::pair<std::string, int32_t>> repacked_types;  // type → nodes, most first
  // Pods no launchable type can hold (e.g. pinned to a label only today's nodes carry): they
  // stay where they are, and their nodes are kept at their on-demand price.
  std::vector<std::string> pinned_pods;  // namespace/name
  int32_t kept_nodes = 0;
  int64_t search_steps_per_pod = 0;  // the packer's local-search effort used
};

// Batches up to this many pods get the packer's thorough search; larger ones its default
// effort (the thorough search costs ~0.15 ms per pod: bench/RESULTS.md).
inline constexpr size_t kThoroughRepackMaxPods = 20000;

// Pure: reads the snapshot, the policy (families, architectures, DaemonSets) and the
// catalogue. Workload pods are the non-terminal, bound pods that are not DaemonSet or mirror
// pods. Capacity-type pins are dropped: the estimate compares packing on on-demand prices,
// spot savings are spot-optimize's to report.
RepackEstimate EstimateRepack(const EngineInput& input);

}  // namespace cloudoptim
