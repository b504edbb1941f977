// Test-only: reads the data-driven engine cases of testdata/engines/spot and
// testdata/engines/rightsize (a small snapshot, a policy, pool scores and expectations in
// YAML) so that adding a case means adding a file. Included only by *_test.cc files.
//
//   Result<EngineCase> c = LoadEngineCase(path);
//   EngineInput input{.snapshot = c->snapshot, .policy = c->policy, ...};
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "catalog/catalog.h"
#include "common/error.h"
#include "engines/policy.h"
#include "model/quantity.h"
#include "model/snapshot.h"
#include "risk/pool_score.h"
#include "risk/region_scoring.h"

namespace cloudoptim::engine_cases {

struct EngineCase {
  std::string name;
  std::string description;
  Snapshot snapshot;
  Policy policy;
  // Pool scores: "day-zero" scores every pool with the risk model; otherwise `default_score`
  // for every pool of the catalogue, with per-pool overrides; "none" gives no table.
  std::string scores_mode = "fixed";
  double default_score = 0.9;
  std::vector<PoolScore> score_overrides;
  YAML::Node expect;  // the case's expectations, read by the test
};

inline int64_t CpuMillis(const YAML::Node& n) {
  if (!n) return 0;
  Result<Quantity> q = Quantity::Parse(n.as<std::string>());
  return q ? q->MilliValue() : -1;
}
inline int64_t Bytes(const YAML::Node& n) {
  if (!n) return 0;
  Result<Quantity> q = Quantity::Parse(n.as<std::string>());
  return q ? q->Value() : -1;
}
inline Labels LabelsOf(const YAML::Node& n) {
  Labels out;
  if (n) {
    for (const auto& kv : n) out[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  return out;
}

// nodes: [{name, type, zone, capacity: spot|on-demand, group, count, labels}]
inline void ReadNodes(const YAML::Node& list, const Catalog& catalog, Snapshot* snapshot) {
  for (const YAML::Node& n : list) {
    const int count = n["count"] ? n["count"].as<int>() : 1;
    for (int i = 0; i < count; ++i) {
      Node node;
      node.meta.name = n["name"].as<std::string>() + (count > 1 ? "-" + std::to_string(i) : "");
      node.meta.labels = LabelsOf(n["labels"]);
      const std::string type = n["type"].as<std::string>();
      node.meta.labels[std::string(labels::kInstanceType)] = type;
      node.meta.labels[std::string(labels::kZone)] = n["zone"].as<std::string>();
      if (n["group"])
        node.meta.labels["eks.amazonaws.com/nodegroup"] = n["group"].as<std::string>();
      if (n["capacity"] && n["capacity"].as<std::string>() == "spot") {
        node.meta.labels[std::string(labels::kKarpenterCapacityType)] = "spot";
      }
      if (const InstanceType* t = catalog.FindType(type)) node.allocatable = t->allocatable;
      node.conditions.push_back({"Ready", "True", ""});
      snapshot->nodes.push_back(std::move(node));
    }
  }
}

// pods: [{name, namespace, node, cpu, memory, gpus, count, labels, annotations, node_selector,
//         daemonset}]; `node` names one node, or a node prefix the pods round-robin over.
inline void ReadPods(const YAML::Node& list, Snapshot* snapshot) {
  int placed = 0;
  for (const YAML::Node& p : list) {
    const int count = p["count"] ? p["count"].as<int>() : 1;
    const std::string node_prefix = p["node"].as<std::string>();
    std::vector<std::string> nodes;
    for (const Node& node : snapshot->nodes) {
      if (node.meta.name == node_prefix || node.meta.name.starts_with(node_prefix + "-")) {
        nodes.push_back(node.meta.name);
      }
    }
    for (int i = 0; i < count; ++i) {
      Pod pod;
      pod.meta.name = p["name"].as<std::string>() + (count > 1 ? "-" + std::to_string(i) : "");
      pod.meta.namespace_name = p["namespace"] ? p["namespace"].as<std::string>() : "default";
      pod.meta.labels = LabelsOf(p["labels"]);
      pod.meta.annotations = LabelsOf(p["annotations"]);
      pod.node_selector = LabelsOf(p["node_selector"]);
      pod.node_name = nodes.empty() ? node_prefix : nodes[(placed + i) % nodes.size()];
      pod.phase = PodPhase::kRunning;
      const bool daemon = p["daemonset"] && p["daemonset"].as<bool>();
      pod.meta.owner_references.push_back(
          {"apps/v1", daemon ? "DaemonSet" : "ReplicaSet", p["name"].as<std::string>(), "", true});
      Container c;
      c.name = "main";
      c.resources.requests.cpu_millis = CpuMillis(p["cpu"]);
      c.resources.requests.memory_bytes = Bytes(p["memory"]);
      c.resources.requests.gpus = p["gpus"] ? p["gpus"].as<int64_t>() : 0;
      pod.containers.push_back(c);
      snapshot->pods.push_back(std::move(pod));
    }
    placed += count;
  }
}

// usage: [{pod, namespace, cpu, memory}] (pod names as generated: "web-3").
inline void ReadUsage(const YAML::Node& list, Snapshot* snapshot) {
  for (const YAML::Node& u : list) {
    PodUsage usage;
    usage.pod_name = u["pod"].as<std::string>();
    usage.namespace_name = u["namespace"] ? u["namespace"].as<std::string>() : "default";
    usage.containers.push_back({"main", CpuMillis(u["cpu"]), Bytes(u["memory"])});
    snapshot->pod_usage.push_back(usage);
  }
}

inline void ReadPolicy(const YAML::Node& p, Policy* policy) {
  if (!p) return;
  SafetyThresholds& s = policy->safety;
  if (p["min_pool_safety_score"]) s.min_pool_safety_score = p["min_pool_safety_score"].as<double>();
  if (p["min_availability_zones"]) s.min_availability_zones = p["min_availability_zones"].as<int>();
  if (p["max_pool_capacity_share"]) {
    s.max_pool_capacity_share = p["max_pool_capacity_share"].as<double>();
  }
  if (p["min_on_demand_share"]) s.min_on_demand_share = p["min_on_demand_share"].as<double>();
  if (p["spot_enabled"]) policy->spot_enabled = p["spot_enabled"].as<bool>();
  if (p["spot_excluded_namespaces"]) {
    policy->spot_excluded_namespaces = p["spot_excluded_namespaces"].as<std::vector<std::string>>();
  }
  if (p["min_monthly_savings_usd"]) {
    policy->min_monthly_savings = Money::FromUsd(p["min_monthly_savings_usd"].as<double>());
  }
  if (p["rightsize_buffer"]) policy->rightsize_buffer = p["rightsize_buffer"].as<double>();
  if (p["allowed_families"]) {
    policy->allowed_families = p["allowed_families"].as<std::vector<std::string>>();
  }
  if (p["burstable_instances"]) {
    policy->burstable_instances =
        BurstableInstancesNamed(p["burstable_instances"].as<std::string>()).value();
  }
}

inline Result<EngineCase> LoadEngineCase(const std::filesystem::path& path,
                                         const Catalog& catalog) {
  YAML::Node root;
  try {  // yaml-cpp reports errors by exception; this is test input, turned into a Result here.
    root = YAML::LoadFile(path.string());
    EngineCase c;
    c.name = path.stem().string();
    c.description = root["description"] ? root["description"].as<std::string>() : "";
    c.snapshot.cluster_name = c.name;
    c.snapshot.region = root["region"] ? root["region"].as<std::string>() : "us-east-1";
    ReadPolicy(root["policy"], &c.policy);
    ReadNodes(root["nodes"], catalog, &c.snapshot);
    if (root["pods"]) ReadPods(root["pods"], &c.snapshot);
    if (root["usage"]) ReadUsage(root["usage"], &c.snapshot);
    if (const YAML::Node scores = root["pool_scores"]) {
      if (scores["mode"]) c.scores_mode = scores["mode"].as<std::string>();
      if (scores["default"]) c.default_score = scores["default"].as<double>();
      for (const YAML::Node& o : scores["overrides"]) {
        PoolScore s;
        s.instance_type = o["type"].as<std::string>();
        s.safety_score = o["score"].as<double>();
        for (const std::string& zone : o["zones"].as<std::vector<std::string>>()) {
          s.availability_zone = zone;
          c.score_overrides.push_back(s);
        }
      }
    }
    c.expect = root["expect"];
    return c;
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path.string() + ": " + e.what());
  }
}

// The case's pool score table (see EngineCase::scores_mode).
inline PoolScoreTable CaseScores(const EngineCase& c, const Catalog& catalog) {
  if (c.scores_mode == "day-zero") return ScoreRegion(catalog, c.snapshot.region, {});
  PoolScoreTable table;
  if (c.scores_mode == "none") return table;
  for (const InstanceType& type : catalog.Types()) {
    for (const std::string& zone : catalog.ZonesOffering(c.snapshot.region, type.name)) {
      table.Set(PoolScore{type.name, zone, c.default_score, {}});
    }
  }
  // An override for type "*" applies to every type in its zones.
  for (const PoolScore& s : c.score_overrides) {
    if (s.instance_type != "*") {
      table.Set(s);
      continue;
    }
    for (const InstanceType& type : catalog.Types()) {
      PoolScore copy = s;
      copy.instance_type = type.name;
      table.Set(copy);
    }
  }
  return table;
}

inline std::vector<std::filesystem::path> CaseFiles(const std::string& directory) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".yaml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The small catalogue under testdata/engines/catalog, loaded once per test binary.
inline const Catalog& TestCatalog() {
  static const Catalog* catalog = [] {
    Result<Catalog> loaded =
        Catalog::Load(std::string(CO_SOURCE_DIR) + "/testdata/engines/catalog");
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
    return new Catalog(loaded ? std::move(*loaded) : Catalog());
  }();
  return *catalog;
}

}  // namespace cloudoptim::engine_cases
