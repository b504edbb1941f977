// Guards on single disruptive actions: how many nodes of a cluster may be disrupted at once,
// never terminating a Ready node that still runs workload pods, never deleting a volume that
// has no completed snapshot.
//
//   CO_RETURN_IF_ERROR(CheckDisruptionCap(in_flight, snapshot.nodes.size()));
//   CO_RETURN_IF_ERROR(CheckNodeDrained(node, snapshot.PodsOnNode(node.meta.name)));
//   CO_RETURN_IF_ERROR(CheckVolumeDeletable(volume, snapshot.ebs_snapshots, std::nullopt));
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "model/cloud.h"
#include "model/node.h"
#include "model/pod.h"

namespace cloudoptim {

inline constexpr double kDefaultMaxDisruptionFraction = 0.10;

// floor(fraction x nodes), at least 1: with 25 nodes and 10%, 2 at once.
int32_t MaxConcurrentDisruptions(int64_t node_count,
                                 double fraction = kDefaultMaxDisruptionFraction);
// ResourceExhausted when one more disruption would exceed the cap.
Status CheckDisruptionCap(int32_t in_flight, int64_t node_count,
                          double fraction = kDefaultMaxDisruptionFraction);

// FailedPrecondition naming the pods when `node` is Ready and still has pods bound that are
// neither DaemonSet nor mirror pods nor finished. A node that is not Ready may be terminated:
// its pods are already lost to it.
Status CheckNodeDrained(const Node& node, const std::vector<const Pod*>& pods_on_node);

// FailedPrecondition unless the volume is detached and a snapshot of it is "completed" and,
// when the last attachment time is known, started after it (older snapshots miss what was
// written since).
Status CheckVolumeDeletable(const EbsVolume& volume, const std::vector<EbsSnapshot>& snapshots,
                            std::optional<TimePoint> last_attached_at);

}  // namespace cloudoptim
