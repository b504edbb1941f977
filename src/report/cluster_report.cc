#include "report/cluster_report.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace cloudoptim {
namespace {

std::string RegionOf(const Snapshot& snapshot, const ReportOptions& options) {
  if (!options.region.empty()) return options.region;
  if (!snapshot.region.empty()) return snapshot.region;
  for (const Node& node : snapshot.nodes) {
    if (const std::string* region = node.meta.Label(labels::kRegion)) return *region;
    std::string zone = node.Zone();
    // "us-east-1a" -> "us-east-1"; local zones ("us-east-1-bos-1a") are rare for EKS nodes.
    if (zone.size() > 1 && std::isalpha(static_cast<unsigned char>(zone.back()))) {
      return zone.substr(0, zone.size() - 1);
    }
  }
  return "";
}

std::optional<Money> NodePrice(const Catalog& catalog, const std::string& region,
                               const Node& node) {
  const std::string type = node.InstanceType();
  if (type.empty()) return std::nullopt;
  Result<Money> price = node.Capacity() == CapacityType::kSpot
                            ? catalog.SpotPriceEstimate(region, type)
                            : catalog.OnDemandPrice(region, type);
  if (!price) return std::nullopt;
  return *price;
}

bool Counts(const Pod& pod) { return !pod.node_name.empty() && !pod.IsTerminal(); }

// Which workload a pod belongs to: its controller, with a ReplicaSet owned by a Deployment
// reported as that Deployment (and a Job owned by a CronJob as the CronJob).
std::tuple<std::string, std::string> OwnerOf(
    const Pod& pod, const std::unordered_map<std::string, const Workload*>& workloads) {
  const OwnerReference* owner = pod.meta.ControllerRef();
  if (owner == nullptr) return {"Pod", pod.meta.name};
  auto it = workloads.find(owner->kind + "/" + pod.meta.namespace_name + "/" + owner->name);
  if (it != workloads.end()) {
    if (const OwnerReference* parent = it->second->meta.ControllerRef()) {
      return {parent->kind, parent->name};
    }
  }
  return {owner->kind, owner->name};
}

// Why idle cost splits each node's price half to CPU and half to memory: the report must be
// reproducible without per-type CPU/memory price decomposition, and EC2's general-purpose
// families price a vCPU and 4 GiB roughly alike. A node's idle cost is its price times the
// unrequested share of each half.
Money IdleCost(Money hourly, const Resources& allocatable, const Resources& requested) {
  auto unrequested = [](int64_t capacity, int64_t used) {
    if (capacity <= 0) return 0.0;
    return std::clamp(1.0 - static_cast<double>(used) / static_cast<double>(capacity), 0.0, 1.0);
  };
  double share = 0.5 * unrequested(allocatable.cpu_millis, requested.cpu_millis) +
                 0.5 * unrequested(allocatable.memory_bytes, requested.memory_bytes);
  return hourly.Scaled(share);
}

void AddNodeGroups(const Snapshot& snapshot, const Catalog& catalog, ClusterReport* report,
                   std::unordered_map<std::string, Resources>* requested_by_node,
                   std::map<std::string, Money>* price_by_node) {
  std::map<std::tuple<std::string, std::string, CapacityType>, NodeGroupLine> groups;
  std::set<std::string> unpriced;
  for (const Node& node : snapshot.nodes) {
    std::optional<Money> price = NodePrice(catalog, report->region, node);
    NodeGroupLine& line = groups[{node.InstanceType(), node.Zone(), node.Capacity()}];
    line.instance_type = node.InstanceType();
    line.zone = node.Zone();
    line.capacity = node.Capacity();
    line.price_per_node_hour = price;
    ++line.nodes;
    if (price) {
      line.hourly += *price;
      report->hourly += *price;
      (*price_by_node)[node.meta.name] = *price;
      const Resources& requested = (*requested_by_node)[node.meta.name];
      report->idle_hourly += IdleCost(*price, node.allocatable, requested);
    } else {
      unpriced.insert(node.InstanceType().empty() ? "(no instance-type label)"
                                                  : node.InstanceType());
    }
    report->capacity.cpu_allocatable_millis += node.allocatable.cpu_millis;
    report->capacity.memory_allocatable_bytes += node.allocatable.memory_bytes;
  }
  for (auto& [key, line] : groups) {
    line.monthly = line.hourly.PerHourToMonthly();
    report->node_groups.push_back(std::move(line));
  }
  std::stable_sort(
      report->node_groups.begin(), report->node_groups.end(),
      [](const NodeGroupLine& a, const NodeGroupLine& b) { return a.hourly > b.hourly; });
  for (const std::string& type : unpriced) {
    report->notes.push_back("no price for " + type + " in " + report->region +
                            "; its nodes are not in the cost totals");
  }
}

void AddOverProvisioned(const Snapshot& snapshot, const ClusterReport& report,
                        std::vector<WorkloadUsage>* out, size_t top) {
  std::unordered_map<std::string, const Workload*> workloads;
  for (const Workload& w : snapshot.workloads) {
    workloads[std::string(WorkloadKindName(w.kind)) + "/" + w.meta.Key()] = &w;
  }
  std::unordered_map<std::string, const PodUsage*> usage;
  for (const PodUsage& u : snapshot.pod_usage) usage[u.namespace_name + "/" + u.pod_name] = &u;
  std::map<std::tuple<std::string, std::string, std::string>, WorkloadUsage> by_workload;
  for (const Pod& pod : snapshot.pods) {
    if (!Counts(pod)) continue;
    auto [kind, name] = OwnerOf(pod, workloads);
    WorkloadUsage& w = by_workload[{pod.meta.namespace_name, kind, name}];
    w.namespace_name = pod.meta.namespace_name;
    w.kind = kind;
    w.name = name;
    ++w.pods;
    Resources requested = pod.Requests();
    w.cpu_requested_millis += requested.cpu_millis;
    w.memory_requested_bytes += requested.memory_bytes;
    if (auto it = usage.find(pod.meta.Key()); it != usage.end()) {
      for (const ContainerUsage& c : it->second->containers) {
        w.cpu_used_millis += c.cpu_millis;
        w.memory_used_bytes += c.memory_bytes;
      }
    }
  }
  // Unused capacity is priced at the fleet's average cost per allocatable core and GiB (half
  // of the fleet's price each, as for idle cost).
  const CapacityTotals& c = report.capacity;
  const Money half_monthly = report.monthly.Scaled(0.5);
  for (auto& [key, w] : by_workload) {
    int64_t cpu_waste = std::max<int64_t>(0, w.cpu_requested_millis - w.cpu_used_millis);
    int64_t memory_waste = std::max<int64_t>(0, w.memory_requested_bytes - w.memory_used_bytes);
    double cpu_share =
        c.cpu_allocatable_millis > 0
            ? static_cast<double>(cpu_waste) / static_cast<double>(c.cpu_allocatable_millis)
            : 0.0;
    double memory_share =
        c.memory_allocatable_bytes > 0
            ? static_cast<double>(memory_waste) / static_cast<double>(c.memory_allocatable_bytes)
            : 0.0;
    w.monthly_waste = half_monthly.Scaled(cpu_share) + half_monthly.Scaled(memory_share);
    if (!w.monthly_waste.IsZero()) out->push_back(std::move(w));
  }
  std::stable_sort(out->begin(), out->end(), [](const WorkloadUsage& a, const WorkloadUsage& b) {
    return a.monthly_waste > b.monthly_waste;
  });
  if (out->size() > top) out->resize(top);
}

}  // namespace

ClusterReport BuildClusterReport(const Snapshot& snapshot, const Catalog& catalog,
                                 const ReportOptions& options) {
  ClusterReport report;
  report.region = RegionOf(snapshot, options);
  report.node_count = static_cast<int32_t>(snapshot.nodes.size());
  std::unordered_map<std::string, Resources> requested_by_node;
  for (const Pod& pod : snapshot.pods) {
    if (!Counts(pod)) continue;
    ++report.pod_count;
    Resources requested = pod.Requests();
    requested_by_node[pod.node_name] += requested;
    report.capacity.cpu_requested_millis += requested.cpu_millis;
    report.capacity.memory_requested_bytes += requested.memory_bytes;
  }
  std::map<std::string, Money> price_by_node;
  AddNodeGroups(snapshot, catalog, &report, &requested_by_node, &price_by_node);
  report.monthly = report.hourly.PerHourToMonthly();
  report.idle_monthly = report.idle_hourly.PerHourToMonthly();
  report.capacity.usage_known = !snapshot.node_usage.empty();
  for (const NodeUsage& u : snapshot.node_usage) {
    report.capacity.cpu_used_millis += u.cpu_millis;
    report.capacity.memory_used_bytes += u.memory_bytes;
  }
  if (snapshot.pod_usage.empty()) {
    report.notes.push_back(
        "the metrics API (metrics.k8s.io) gave no pod usage: over-provisioned workloads need it");
  } else {
    AddOverProvisioned(snapshot, report, &report.over_provisioned, options.top_workloads);
  }
  return report;
}

}  // namespace cloudoptim
