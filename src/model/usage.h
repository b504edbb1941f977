// Observed resource usage (metrics.k8s.io or a usage history), per container and per node.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"

namespace cloudoptim {

struct ContainerUsage {
  std::string container_name;
  int64_t cpu_millis = 0;
  int64_t memory_bytes = 0;
};

struct PodUsage {
  std::string namespace_name;
  std::string pod_name;
  TimePoint timestamp{};
  std::vector<ContainerUsage> containers;
};

struct NodeUsage {
  std::string node_name;
  TimePoint timestamp{};
  int64_t cpu_millis = 0;
  int64_t memory_bytes = 0;
};

// A Kubernetes Event we care about (OOMKilling, Evicted, FailedScheduling, ...).
struct ClusterEvent {
  std::string namespace_name;
  std::string involved_kind;  // "Pod", "Node"
  std::string involved_name;
  std::string reason;
  std::string message;
  std::string type;  // "Normal" | "Warning"
  int32_t count = 1;
  TimePoint last_timestamp{};
};

}  // namespace cloudoptim
