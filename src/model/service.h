// Services and the zones of their endpoints (EndpointSlices), for cross-AZ traffic analysis.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/object_meta.h"

namespace cloudoptim {

struct Service {
  ObjectMeta meta;
  std::string type;  // "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName"
  Labels selector;
  // spec.trafficDistribution ("PreferClose") or the topology-mode annotation ("Auto").
  std::string traffic_distribution;
};

struct Endpoint {
  std::string address;
  std::string node_name;
  std::string zone;
  bool ready = false;
};

struct EndpointSlice {
  ObjectMeta meta;
  std::string service_name;  // label kubernetes.io/service-name
  std::vector<Endpoint> endpoints;
};

}  // namespace cloudoptim
