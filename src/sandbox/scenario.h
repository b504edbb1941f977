// Scenarios: what a sandbox cluster starts with, written in YAML — node groups (instance
// types, zones, capacity type, counts), namespaces with environment labels, workloads with
// requests/limits and usage profiles, PDBs, PVCs, services and the traffic between them,
// unattached volumes, orphan instances, raw manifests, and a `generate:` block for large
// synthetic clusters. See scenarios/default.yaml for the full format.
//
//   Result<Scenario> s = LoadScenarioFile("scenarios/default.yaml");
//   Status applied = ApplyScenario(*s, &cluster);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "model/cloud.h"
#include "sandbox/sandbox_cluster.h"

namespace cloudoptim::sandbox {

struct NodeGroupSpec {
  std::string name;
  std::vector<std::string> instance_types;
  std::vector<std::string> zones;
  CapacityType capacity = CapacityType::kOnDemand;
  int32_t count = 0;
  nlohmann::json labels = nlohmann::json::object();
  nlohmann::json taints = nlohmann::json::array();
};

struct WorkloadSpec {
  std::string name;
  std::string namespace_name = "default";
  std::string kind = "Deployment";  // Deployment | StatefulSet | DaemonSet | Job | CronJob
  int32_t replicas = 1;
  nlohmann::json labels = nlohmann::json::object();
  nlohmann::json containers = nlohmann::json::array();       // Kubernetes container objects
  nlohmann::json pod_spec_extra = nlohmann::json::object();  // nodeSelector, tolerations...
  std::string usage;   // usage profile text (see usage_model.h)
  nlohmann::json pdb;  // {"minAvailable": 1} or {"maxUnavailable": "25%"}
  nlohmann::json volume_claims = nlohmann::json::array();  // StatefulSet claims
  int32_t service_port = 0;  // > 0: a ClusterIP Service in front of it
  std::string schedule;      // CronJob: spec.schedule (5-field cron)
  std::string time_zone;     // CronJob: spec.timeZone (IANA name; empty = UTC)
  int64_t run_seconds = 0;   // Job/CronJob pods: simulated run time (kRunSecondsAnnotation)
};

struct VolumeSpec {
  std::string zone;
  int64_t size_gib = 100;
  std::string volume_type = "gp3";
  int32_t count = 1;
};

struct OrphanSpec {
  std::string instance_type;
  std::string zone;
  int32_t count = 1;
  CapacityType capacity = CapacityType::kOnDemand;
};

struct TrafficSpec {
  std::string namespace_name;
  std::string from;
  std::string to;
  double requests_per_second = 0;
  int64_t bytes_per_request = 0;
};

struct GenerateSpec {
  int32_t nodes = 0;
  int32_t pods = 0;
};

struct Scenario {
  std::string name = "sandbox";
  std::string region = "us-east-1";
  std::optional<TimePoint> start;
  std::vector<std::pair<std::string, nlohmann::json>> namespaces;  // name, labels
  std::vector<NodeGroupSpec> node_groups;
  std::vector<WorkloadSpec> workloads;
  std::vector<VolumeSpec> volumes;
  std::vector<OrphanSpec> orphans;
  std::vector<TrafficSpec> traffic;
  std::vector<nlohmann::json> manifests;  // raw objects
  GenerateSpec generate;
};

// InvalidArgument naming the field for anything malformed ("workloads[3].replicas: ...").
Result<Scenario> ParseScenario(std::string_view yaml_text, const std::string& base_dir = ".");
Result<Scenario> LoadScenarioFile(const std::string& path);

// Creates the scenario's nodes, namespaces, workloads and the rest in `cluster`, then runs
// control-loop passes until the workloads' pods are placed.
Status ApplyScenario(const Scenario& scenario, SandboxCluster* cluster);

// A large synthetic cluster for scale tests: `nodes` nodes over three zones and `pods` pods in
// Deployments of 30, bound and Running at once (no scheduling pass), as fast as the store
// takes them.
Status GenerateCluster(const GenerateSpec& spec, uint64_t seed, SandboxCluster* cluster);

}  // namespace cloudoptim::sandbox
