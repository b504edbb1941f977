// The `cloudoptim analyze` report as data: what a cluster's nodes cost (by instance type, zone
// and capacity type), how much of their capacity pods request and use, what the unrequested
// capacity costs, and which workloads request far more than they use. A pure function of a
// Snapshot and the catalogue; rendering is in report_rendering.h.
//
//   Result<Catalog> catalog = Catalog::Load(DefaultDataDirectory());
//   ClusterReport report = BuildClusterReport(snapshot, *catalog, {.region = "us-east-1"});
//   report.monthly;                 // Money: the whole fleet per 730-hour month
//   report.over_provisioned[0];     // the workload wasting most
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/money.h"
#include "model/snapshot.h"

namespace cloudoptim {

struct ReportOptions {
  std::string region;  // empty: from the nodes' region label or zones
  size_t top_workloads = 10;
};

// Nodes sharing instance type, zone and capacity type.
struct NodeGroupLine {
  std::string instance_type;  // "" when the node has no instance-type label
  std::string zone;
  CapacityType capacity = CapacityType::kOnDemand;
  int32_t nodes = 0;
  std::optional<Money> price_per_node_hour;  // nullopt: not in the catalogue
  Money hourly;
  Money monthly;
};

struct CapacityTotals {
  int64_t cpu_allocatable_millis = 0;
  int64_t cpu_requested_millis = 0;
  int64_t memory_allocatable_bytes = 0;
  int64_t memory_requested_bytes = 0;
  bool usage_known = false;  // metrics.k8s.io answered
  int64_t cpu_used_millis = 0;
  int64_t memory_used_bytes = 0;
};

// A workload's pods together: what they request against what they use.
struct WorkloadUsage {
  std::string namespace_name;
  std::string kind;  // "Deployment", "StatefulSet", ..., "Pod" for bare pods
  std::string name;
  int32_t pods = 0;
  int64_t cpu_requested_millis = 0;
  int64_t cpu_used_millis = 0;
  int64_t memory_requested_bytes = 0;
  int64_t memory_used_bytes = 0;
  Money monthly_waste;  // the cost of requested-but-unused CPU and memory
};

struct ClusterReport {
  std::string region;
  int32_t node_count = 0;
  int32_t pod_count = 0;                   // scheduled, not finished
  std::vector<NodeGroupLine> node_groups;  // most expensive first
  Money hourly;
  Money monthly;
  CapacityTotals capacity;
  Money idle_hourly;
  Money idle_monthly;
  std::vector<WorkloadUsage> over_provisioned;  // most waste first; empty without metrics
  std::vector<std::string> notes;               // missing prices, absent metrics, ...
};

ClusterReport BuildClusterReport(const Snapshot& snapshot, const Catalog& catalog,
                                 const ReportOptions& options);

}  // namespace cloudoptim
