#include "safety/disruption_guards.h"

#include <algorithm>
#include <cmath>

namespace cloudoptim {

int32_t MaxConcurrentDisruptions(int64_t node_count, double fraction) {
  double share =
      std::floor(fraction * static_cast<double>(std::max<int64_t>(node_count, 0)) + 1e-9);
  return std::max<int32_t>(1, static_cast<int32_t>(share));
}

Status CheckDisruptionCap(int32_t in_flight, int64_t node_count, double fraction) {
  int32_t cap = MaxConcurrentDisruptions(node_count, fraction);
  if (in_flight + 1 <= cap) return Ok();
  return ResourceExhausted(std::to_string(in_flight) + " of at most " + std::to_string(cap) +
                           " concurrent disruptions already run in a cluster of " +
                           std::to_string(node_count) + " nodes");
}

Status CheckNodeDrained(const Node& node, const std::vector<const Pod*>& pods_on_node) {
  if (!node.IsReady()) return Ok();
  std::string remaining;
  int32_t count = 0;
  for (const Pod* pod : pods_on_node) {
    if (pod->IsTerminal() || pod->IsDaemonSetPod() || pod->IsMirrorPod()) continue;
    if (++count <= 3) remaining += (remaining.empty() ? "" : ", ") + pod->meta.Key();
  }
  if (count == 0) return Ok();
  if (count > 3) remaining += ", ...";
  return FailedPrecondition("node " + node.meta.name + " is Ready and still runs " +
                            std::to_string(count) + " pods (" + remaining +
                            "); drain it before terminating");
}

Status CheckVolumeDeletable(const EbsVolume& volume, const std::vector<EbsSnapshot>& snapshots,
                            std::optional<TimePoint> last_attached_at) {
  if (volume.state == VolumeState::kInUse || !volume.attachments.empty()) {
    return FailedPrecondition("volume " + volume.volume_id + " is attached");
  }
  bool completed_but_old = false;
  for (const EbsSnapshot& snapshot : snapshots) {
    if (snapshot.volume_id != volume.volume_id || snapshot.state != "completed") continue;
    if (last_attached_at && snapshot.start_time <= *last_attached_at) {
      completed_but_old = true;
      continue;
    }
    return Ok();
  }
  if (completed_but_old) {
    return FailedPrecondition("volume " + volume.volume_id +
                              " has no completed snapshot taken after its last attachment at " +
                              FormatRfc3339(*last_attached_at));
  }
  return FailedPrecondition("volume " + volume.volume_id + " has no completed snapshot");
}

}  // namespace cloudoptim
