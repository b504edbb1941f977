// ApplyScenario and GenerateCluster: turning a parsed Scenario into objects in the cluster.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "sandbox/node_factory.h"
#include "sandbox/quantity_text.h"
#include "sandbox/resource_registry.h"
#include "sandbox/sandbox_kubelet.h"
#include "sandbox/scenario.h"
#include "sandbox/workload_controllers.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

std::string InstanceId(uint64_t seed, uint64_t n) {
  char buffer[32];
  uint64_t x = (seed * 0x9E3779B97F4A7C15ULL) ^ (n * 0xBF58476D1CE4E5B9ULL);
  std::snprintf(buffer, sizeof(buffer), "i-0%016llx", static_cast<unsigned long long>(x));
  return buffer;
}

std::string PrivateIp(size_t zone_index, uint64_t n) {
  return "10.0." + std::to_string(zone_index * 64 + (n / 250) % 64) + "." +
         std::to_string(n % 250 + 4);
}

Ec2Instance MakeInstance(uint64_t seed, uint64_t n, const std::string& type,
                         const std::string& zone, size_t zone_index, CapacityType capacity,
                         TimePoint launched) {
  Ec2Instance i;
  i.instance_id = InstanceId(seed, n);
  i.instance_type = type;
  i.availability_zone = zone;
  i.subnet_id = "subnet-0sandbox" + std::to_string(zone_index);
  i.private_ip = PrivateIp(zone_index, n);
  i.private_dns_name = NodeNameForIp(i.private_ip);
  i.capacity = capacity;
  i.state = InstanceState::kRunning;
  i.launch_time = launched;
  return i;
}

json Namespace(const std::string& name, const json& labels) {
  json l = labels;
  l["kubernetes.io/metadata.name"] = name;
  return {{"apiVersion", "v1"},
          {"kind", "Namespace"},
          {"metadata", {{"name", name}, {"labels", l}}},
          {"status", {{"phase", "Active"}}}};
}

json WorkloadObject(const WorkloadSpec& w) {
  json pod_meta = {{"labels", w.labels}};
  if (!w.usage.empty()) pod_meta["annotations"] = {{std::string(kUsageAnnotation), w.usage}};
  if (w.run_seconds > 0) {
    pod_meta["annotations"][std::string(kRunSecondsAnnotation)] = std::to_string(w.run_seconds);
  }
  json pod_spec = w.pod_spec_extra;
  pod_spec["containers"] = w.containers;
  json spec = {{"selector", {{"matchLabels", w.labels}}},
               {"template", {{"metadata", pod_meta}, {"spec", pod_spec}}}};
  bool batch = w.kind == "Job" || w.kind == "CronJob";
  std::string api_version = batch ? "batch/v1" : "apps/v1";
  if (w.kind == "Deployment" || w.kind == "StatefulSet") spec["replicas"] = w.replicas;
  if (batch) {
    spec.erase("selector");
    spec["completions"] = w.replicas;
    spec["parallelism"] = w.replicas;
    spec["template"]["spec"]["restartPolicy"] = "Never";
  }
  if (w.kind == "StatefulSet") {
    spec["serviceName"] = w.name;
    json claims = json::array();
    for (const json& c : w.volume_claims) {
      claims.push_back({{"metadata", {{"name", c.value("name", "data")}}},
                        {"spec",
                         {{"accessModes", {"ReadWriteOnce"}},
                          {"storageClassName", c.value("storageClass", "gp3")},
                          {"resources", {{"requests", {{"storage", c.value("size", "10Gi")}}}}}}}});
    }
    if (!claims.empty()) spec["volumeClaimTemplates"] = claims;
  }
  if (w.kind == "CronJob") {
    spec = {{"schedule", w.schedule}, {"jobTemplate", {{"spec", spec}}}};
    if (!w.time_zone.empty()) spec["timeZone"] = w.time_zone;
  }
  return {{"apiVersion", api_version},
          {"kind", w.kind},
          {"metadata", {{"name", w.name}, {"namespace", w.namespace_name}, {"labels", w.labels}}},
          {"spec", spec}};
}

std::string Plural(const std::string& kind) {
  for (const ResourceInfo& r : AllResources()) {
    if (r.kind == kind && r.stored) return r.StorageKey();
  }
  return "";
}

void AddService(const WorkloadSpec& w, SandboxCluster* cluster, size_t n) {
  json svc = {
      {"apiVersion", "v1"},
      {"kind", "Service"},
      {"metadata", {{"name", w.name}, {"namespace", w.namespace_name}, {"labels", w.labels}}},
      {"spec",
       {{"type", "ClusterIP"},
        {"clusterIP", "172.20." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 1)},
        {"selector", w.labels},
        {"ports",
         {{{"port", w.service_port}, {"targetPort", w.service_port}, {"protocol", "TCP"}}}}}}};
  (void)cluster->store().Create("services", std::move(svc));
}

void AddTraffic(const TrafficSpec& t, SandboxCluster* cluster) {
  (void)cluster->store().Mutate("services", t.namespace_name, t.to, [&](json& svc) -> Status {
    json& annotations = svc["metadata"]["annotations"];
    std::string key = "sandbox.cloudoptim.io/traffic";
    json flows = annotations.contains(key)
                     ? json::parse(annotations[key].get<std::string>(), nullptr, false)
                     : json::array();
    if (!flows.is_array()) flows = json::array();
    flows.push_back({{"from", t.from},
                     {"requestsPerSecond", t.requests_per_second},
                     {"bytesPerRequest", t.bytes_per_request}});
    annotations[key] = flows.dump();
    return Ok();
  });
}

// Unattached volumes appear as Released PersistentVolumes backed by an EBS volume id, so the
// volume-cleanup engine finds them through the Kubernetes API as well.
// With a cloud attached the volume is created there (available, so `aws ec2 describe-volumes`
// lists it) and the PV names the cloud's volume id.
Status AddVolume(const VolumeSpec& v, uint64_t seed, uint64_t n, SandboxCluster* cluster) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "vol-0%016llx",
                static_cast<unsigned long long>((seed + 17) * 0x9E3779B97F4A7C15ULL ^ n));
  std::string id = buffer;
  if (SimulatedCloud* cloud = cluster->cloud(); cloud != nullptr) {
    CO_ASSIGN_OR_RETURN(EbsVolume volume, cloud->CreateVolume(v.zone, v.size_gib, v.volume_type,
                                                              {{"sandbox:unattached", "true"}},
                                                              cluster->clock().Now()));
    id = volume.volume_id;
  }
  json pv = {
      {"apiVersion", "v1"},
      {"kind", "PersistentVolume"},
      {"metadata",
       {{"name", "pv-" + id.substr(4)}, {"labels", {{"topology.kubernetes.io/zone", v.zone}}}}},
      {"spec",
       {{"capacity", {{"storage", std::to_string(v.size_gib) + "Gi"}}},
        {"accessModes", {"ReadWriteOnce"}},
        {"persistentVolumeReclaimPolicy", "Retain"},
        {"storageClassName", v.volume_type},
        {"csi", {{"driver", "ebs.csi.aws.com"}, {"volumeHandle", id}, {"fsType", "ext4"}}}}},
      {"status", {{"phase", "Released"}}}};
  (void)cluster->store().Create("persistentvolumes", std::move(pv));
  return Ok();
}

}  // namespace

Status ApplyScenario(const Scenario& s, SandboxCluster* cluster) {
  TimePoint now = cluster->clock().Now();
  ObjectStore& store = cluster->store();
  for (const auto& [name, labels] : s.namespaces) {
    auto created = store.Create("namespaces", Namespace(name, labels));
    if (!created && !IsAlreadyExists(created.error())) return std::unexpected(created.error());
  }
  // Instances are launched back-dated (as if running for days) and become Nodes when the
  // cloud, if any, is advanced to now; labels and taints go on once the Nodes exist.
  uint64_t n = 0;
  std::vector<std::pair<std::string, const NodeGroupSpec*>> labelled;  // node name, group
  // Every type is checked before anything launches, so a typo leaves no half-built fleet.
  for (size_t g = 0; g < s.node_groups.size(); ++g) {
    for (const std::string& type : s.node_groups[g].instance_types) {
      if (auto known = FindNodeType(cluster->catalog(), type); !known) {
        return InvalidArgument("nodeGroups[" + std::to_string(g) +
                               "].instanceTypes: " + known.error().message);
      }
    }
  }
  for (const NodeGroupSpec& g : s.node_groups) {
    for (int32_t i = 0; i < g.count; ++i, ++n) {
      size_t zone_index = static_cast<size_t>(i) % g.zones.size();
      const std::string& type = g.instance_types[static_cast<size_t>(i) % g.instance_types.size()];
      Ec2Instance instance = MakeInstance(7919, n, type, g.zones[zone_index], zone_index,
                                          g.capacity, now - std::chrono::hours(24 * 3 + n));
      CO_ASSIGN_OR_RETURN(Ec2Instance launched, cluster->LaunchInstance(instance, g.name, true));
      if (!g.labels.empty() || !g.taints.empty())
        labelled.emplace_back(NodeNameForIp(launched.private_ip), &g);
    }
  }
  for (const OrphanSpec& o : s.orphans) {
    for (int32_t i = 0; i < o.count; ++i, ++n) {
      Ec2Instance instance = MakeInstance(7919, n, o.instance_type, o.zone, 3, o.capacity,
                                          now - std::chrono::hours(24 * 9));
      instance.tags["sandbox:orphan"] = "true";
      CO_RETURN_IF_ERROR(cluster->LaunchInstance(instance, "", false));
    }
  }
  cluster->SyncCloud();
  for (const auto& [name, g] : labelled) {
    (void)store.Mutate("nodes", "", name, [&](json& node) -> Status {
      for (const auto& [k, v] : g->labels.items()) node["metadata"]["labels"][k] = v;
      if (!g->taints.empty()) node["spec"]["taints"] = g->taints;
      return Ok();
    });
  }
  size_t service_index = 10;
  for (const WorkloadSpec& w : s.workloads) {
    std::string resource = Plural(w.kind);
    auto created = store.Create(resource, WorkloadObject(w));
    if (!created) return std::unexpected(Annotate(created.error(), "workload " + w.name));
    if (w.pdb.is_object() && !w.pdb.empty()) {
      json spec = w.pdb;
      spec["selector"] = {{"matchLabels", w.labels}};
      (void)store.Create("poddisruptionbudgets.policy",
                         {{"apiVersion", "policy/v1"},
                          {"kind", "PodDisruptionBudget"},
                          {"metadata", {{"name", w.name}, {"namespace", w.namespace_name}}},
                          {"spec", spec}});
    }
    if (w.service_port > 0) AddService(w, cluster, service_index++);
  }
  for (const TrafficSpec& t : s.traffic) AddTraffic(t, cluster);
  uint64_t v = 0;
  for (const VolumeSpec& spec : s.volumes) {
    for (int32_t i = 0; i < spec.count; ++i)
      CO_RETURN_IF_ERROR(AddVolume(spec, 7919, v++, cluster));
  }
  for (const json& manifest : s.manifests) {
    std::string resource = Plural(manifest.value("kind", ""));
    if (resource.empty()) {
      return InvalidArgument("manifest kind \"" + manifest.value("kind", "") +
                             "\" is not served by the sandbox");
    }
    (void)store.Create(resource, manifest);
  }
  if (s.generate.nodes > 0 || s.generate.pods > 0) {
    CO_RETURN_IF_ERROR(GenerateCluster(s.generate, 7919, cluster));
  }
  // Enough passes for Deployment → ReplicaSet → Pod → bound → Running, and StatefulSets
  // that start one ordinal per pass.
  for (int pass = 0; pass < 12; ++pass) cluster->Tick();
  return Ok();
}

// Generated clusters skip the control loop for speed: Deployments, their ReplicaSets and
// Running pods bound round-robin to nodes are written directly, consistent with what the
// controllers would have produced, so the first reconcile finds nothing to do.
Status GenerateCluster(const GenerateSpec& spec, uint64_t seed, SandboxCluster* cluster) {
  static const char* kTypes[] = {"m5.4xlarge", "m5.2xlarge", "c5.4xlarge", "r5.2xlarge"};
  static const char* kZones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
  static const char* kNamespaces[] = {"gen-prod", "gen-staging", "gen-dev"};
  static const char* kEnvironments[] = {"production", "staging", "dev"};
  TimePoint now = cluster->clock().Now();
  ObjectStore& store = cluster->store();
  for (int i = 0; i < 3; ++i) {
    (void)store.Create("namespaces",
                       Namespace(kNamespaces[i], {{"environment", kEnvironments[i]}}));
  }
  std::vector<std::string> node_names;
  std::vector<int64_t> node_free_pods;
  for (int32_t i = 0; i < spec.nodes; ++i) {
    size_t zone = static_cast<size_t>(i) % 3;
    const char* type = kTypes[(i / 3) % 4];
    CapacityType capacity = i % 5 < 2 ? CapacityType::kSpot : CapacityType::kOnDemand;
    Ec2Instance instance = MakeInstance(seed + 1, static_cast<uint64_t>(100000 + i), type,
                                        kZones[zone], zone, capacity, now - std::chrono::hours(48));
    instance.private_ip = "10." + std::to_string(16 + zone) + "." + std::to_string(i / 250) + "." +
                          std::to_string(i % 250 + 4);
    CO_ASSIGN_OR_RETURN(Ec2Instance launched,
                        cluster->LaunchInstance(instance, std::string("gen-") + type, true));
    node_names.push_back(NodeNameForIp(launched.private_ip));
    CO_ASSIGN_OR_RETURN(const InstanceType* shape, FindNodeType(cluster->catalog(), type));
    node_free_pods.push_back(shape->allocatable.pods);
  }
  cluster->SyncCloud();
  if (node_names.empty() && spec.pods > 0) return InvalidArgument("generate.pods needs nodes");
  constexpr int32_t kReplicas = 30;
  size_t next_node = 0;
  uint64_t ip = 0;
  for (int32_t created = 0, d = 0; created < spec.pods; ++d) {
    std::string ns = kNamespaces[d % 3];
    std::string name = "svc-" + std::to_string(d);
    int32_t replicas = std::min(kReplicas, spec.pods - created);
    json labels = {{"app", name}, {"tier", d % 2 == 0 ? "web" : "backend"}};
    json container = {{"name", "app"},
                      {"image", "registry.example/app:1." + std::to_string(d % 7)},
                      {"resources",
                       {{"requests",
                         {{"cpu", std::to_string(100 + (d % 4) * 50) + "m"},
                          {"memory", std::to_string(128 + (d % 3) * 64) + "Mi"}}},
                        {"limits", {{"memory", std::to_string(256 + (d % 3) * 128) + "Mi"}}}}}};
    json tmpl = {{"metadata", {{"labels", labels}}}, {"spec", {{"containers", {container}}}}};
    json deployment = {
        {"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
        {"spec",
         {{"replicas", replicas}, {"selector", {{"matchLabels", labels}}}, {"template", tmpl}}},
        {"status",
         {{"replicas", replicas},
          {"readyReplicas", replicas},
          {"availableReplicas", replicas},
          {"updatedReplicas", replicas}}}};
    CO_ASSIGN_OR_RETURN(json dep, store.Create("deployments.apps", deployment));
    std::string hash = PodTemplateHash(tmpl);
    json rs_tmpl = tmpl;
    rs_tmpl["metadata"]["labels"]["pod-template-hash"] = hash;
    json rs_selector = {{"matchLabels", rs_tmpl["metadata"]["labels"]}};
    json rs = {{"apiVersion", "apps/v1"},
               {"kind", "ReplicaSet"},
               {"metadata",
                {{"name", name + "-" + hash},
                 {"namespace", ns},
                 {"labels", rs_tmpl["metadata"]["labels"]},
                 {"ownerReferences",
                  {{{"apiVersion", "apps/v1"},
                    {"kind", "Deployment"},
                    {"name", name},
                    {"uid", dep["metadata"]["uid"]},
                    {"controller", true},
                    {"blockOwnerDeletion", true}}}}}},
               {"spec", {{"replicas", replicas}, {"selector", rs_selector}, {"template", rs_tmpl}}},
               {"status",
                {{"replicas", replicas},
                 {"fullyLabeledReplicas", replicas},
                 {"readyReplicas", replicas},
                 {"availableReplicas", replicas},
                 {"observedGeneration", 1}}}};
    CO_ASSIGN_OR_RETURN(json rs_created, store.Create("replicasets.apps", rs));
    for (int32_t r = 0; r < replicas; ++r, ++created) {
      json pod =
          PodFromTemplate(rs_tmpl, rs_created, name + "-" + hash + "-" + std::to_string(r), "");
      size_t tries = 0;
      while (node_free_pods[next_node] <= 0 && tries++ < node_names.size()) {
        next_node = (next_node + 1) % node_names.size();
      }
      if (node_free_pods[next_node] <= 0) return FailedPrecondition("generated nodes are full");
      --node_free_pods[next_node];
      pod["spec"]["nodeName"] = node_names[next_node];
      next_node = (next_node + 1) % node_names.size();
      ++ip;
      SandboxKubelet::MarkRunning(pod, now,
                                  "100." + std::to_string(64 + ip / 65000) + "." +
                                      std::to_string((ip / 250) % 260 % 250) + "." +
                                      std::to_string(ip % 250 + 2));
      CO_RETURN_IF_ERROR(store.Create("pods", std::move(pod)));
    }
  }
  return Ok();
}

}  // namespace cloudoptim::sandbox
