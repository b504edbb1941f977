// The exact cheapest packing of a small set of pods (requests only, no placement
// constraints), proven by dynamic programming over sub-multisets of pods: the cost of a
// group of pods is the cheapest type that holds them all, and the optimum partitions the
// pods into groups. Identical pods are one shape with a count, so batches of a few dozen pods
// of a few shapes are as cheap as ~16 distinct pods. A proven optimum is also the tightest
// valid lower bound there is.
//
//   Result<PartitionOptimum> best = ExactPartitionOptimum(pod_requests, options);
//   if (best) Money floor = best->hourly;   // == the cost of the cheapest packing
//   else if (best.error().code() == ErrorCode::kResourceExhausted) { /* too many shapes */ }
#pragma once

#include <cstdint>
#include <vector>

#include "common/error.h"
#include "common/money.h"
#include "engines/cost_lower_bound.h"
#include "model/resources.h"

namespace cloudoptim {

struct PartitionLimits {
  // States of the DP (Π over shapes of count + 1); each holds 56 bytes.
  int64_t max_states = int64_t{1} << 21;
  // Groups tried (pairs of a state and a group of its pods that fits a type): the work.
  // Checked after each state, so it may be exceeded by one state's groups.
  int64_t max_transitions = int64_t{1} << 29;
};

struct PartitionOptimum {
  Money hourly;  // the cheapest packing's cost
  struct Node {
    int32_t option = 0;         // index into the options
    std::vector<int32_t> pods;  // indices into the pods
  };
  std::vector<Node> nodes;
  int64_t states = 0;       // the DP's size, for reports
  int64_t transitions = 0;  // the work it took (groups tried)
};

// ResourceExhausted when the instance exceeds `limits` (states are checked before, work
// during the computation);
// InvalidArgument when there are no options or a pod fits none of them. Only CPU, memory and
// pod slots count (a pod takes one slot even when its requests say 0).
Result<PartitionOptimum> ExactPartitionOptimum(const std::vector<Resources>& pods,
                                               const std::vector<PriceOption>& options,
                                               const PartitionLimits& limits = {});

}  // namespace cloudoptim
