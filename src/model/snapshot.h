// A consistent picture of one cluster at one moment: its Kubernetes objects, its AWS
// resources and observed usage. Engines are pure functions of a Snapshot (and a Policy);
// "now" is a field here and never read from a clock inside an engine.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "model/cloud.h"
#include "model/node.h"
#include "model/object_meta.h"
#include "model/pod.h"
#include "model/service.h"
#include "model/storage.h"
#include "model/usage.h"
#include "model/workload.h"

namespace cloudoptim {

struct Snapshot {
  std::string cluster_name;
  std::string region;  // "us-east-1"
  TimePoint now{};

  std::vector<Namespace> namespaces;
  std::vector<Node> nodes;
  std::vector<Pod> pods;
  std::vector<Workload> workloads;
  std::vector<PodDisruptionBudget> disruption_budgets;
  std::vector<PersistentVolume> persistent_volumes;
  std::vector<PersistentVolumeClaim> persistent_volume_claims;
  std::vector<Service> services;
  std::vector<EndpointSlice> endpoint_slices;
  std::vector<ClusterEvent> events;

  std::vector<NodeUsage> node_usage;  // empty when the metrics API is absent
  std::vector<PodUsage> pod_usage;

  std::vector<Ec2Instance> instances;
  std::vector<EbsVolume> volumes;
  std::vector<EbsSnapshot> ebs_snapshots;

  const Node* FindNode(std::string_view name) const;
  const Namespace* FindNamespace(std::string_view name) const;
  // Pods bound to the node (not terminal).
  std::vector<const Pod*> PodsOnNode(std::string_view node_name) const;
};

}  // namespace cloudoptim
