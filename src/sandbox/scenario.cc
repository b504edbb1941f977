#include "sandbox/scenario.h"

#include <fstream>
#include <sstream>

#include "common/time_zone.h"
#include "sandbox/cron_schedule.h"
#include "sandbox/node_factory.h"
#include "sandbox/resource_registry.h"
#include "sandbox/usage_model.h"
#include "sandbox/yaml_json.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) return NotFound("cannot read scenario file " + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

Result<CapacityType> ParseCapacity(const json& value, const std::string& field) {
  std::string text = value.is_string() ? value.get<std::string>() : "on-demand";
  if (text == "spot" || text == "SPOT") return CapacityType::kSpot;
  if (text == "on-demand" || text == "ON_DEMAND" || text == "ondemand") {
    return CapacityType::kOnDemand;
  }
  return InvalidArgument(field + ": capacity type must be spot or on-demand, got \"" + text + "\"");
}

std::vector<std::string> Strings(const json& value) {
  std::vector<std::string> out;
  if (value.is_string()) out.push_back(value.get<std::string>());
  if (value.is_array()) {
    for (const json& v : value) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

Result<NodeGroupSpec> ParseNodeGroup(const json& g, const std::string& field) {
  NodeGroupSpec spec;
  spec.name = g.value("name", "");
  spec.instance_types = Strings(g.value("instanceTypes", json()));
  spec.zones = Strings(g.value("zones", json()));
  spec.count = g.value("count", 0);
  if (spec.name.empty()) return InvalidArgument(field + ".name: required");
  if (spec.instance_types.empty()) return InvalidArgument(field + ".instanceTypes: required");
  if (spec.zones.empty()) return InvalidArgument(field + ".zones: required");
  CO_ASSIGN_OR_RETURN(spec.capacity, ParseCapacity(g.value("capacityType", json()), field));
  if (g.contains("labels")) spec.labels = g["labels"];
  if (g.contains("taints")) spec.taints = g["taints"];
  return spec;
}

Result<WorkloadSpec> ParseWorkload(const json& w, const std::string& field) {
  WorkloadSpec spec;
  spec.name = w.value("name", "");
  spec.namespace_name = w.value("namespace", "default");
  spec.kind = w.value("kind", "Deployment");
  spec.replicas = w.value("replicas", 1);
  if (spec.name.empty()) return InvalidArgument(field + ".name: required");
  if (spec.kind != "Deployment" && spec.kind != "StatefulSet" && spec.kind != "DaemonSet" &&
      spec.kind != "Job" && spec.kind != "CronJob") {
    return InvalidArgument(
        field + ".kind: must be Deployment, StatefulSet, DaemonSet, Job or CronJob, got \"" +
        spec.kind + "\"");
  }
  if (spec.replicas < 0) return InvalidArgument(field + ".replicas: must be >= 0");
  spec.labels = w.value("labels", json::object());
  if (spec.labels.empty()) spec.labels = {{"app", spec.name}};
  if (!w.contains("containers") || !w["containers"].is_array() || w["containers"].empty()) {
    return InvalidArgument(field + ".containers: at least one container is required");
  }
  for (const json& c : w["containers"]) {
    json container = {{"name", c.value("name", spec.name)},
                      {"image", c.value("image", "nginx:1.27")}};
    json resources = json::object();
    if (c.contains("requests")) resources["requests"] = c["requests"];
    if (c.contains("limits")) resources["limits"] = c["limits"];
    container["resources"] = resources;
    if (c.contains("ports")) container["ports"] = c["ports"];
    spec.containers.push_back(container);
  }
  for (const char* extra : {"nodeSelector", "tolerations", "affinity", "topologySpreadConstraints",
                            "priorityClassName", "terminationGracePeriodSeconds"}) {
    if (w.contains(extra)) spec.pod_spec_extra[extra] = w[extra];
  }
  if (w.contains("usage") && w["usage"].is_object()) {
    UsageProfile p;
    const json& u = w["usage"];
    p.cpu_ratio = u.value("cpu", p.cpu_ratio);
    p.memory_ratio = u.value("memory", p.memory_ratio);
    p.spike_probability = u.value("spikes", p.spike_probability);
    p.oom_prone = u.value("oom", false);
    spec.usage = FormatUsageProfile(p);
  }
  if (w.contains("pdb")) spec.pdb = w["pdb"];
  if (w.contains("volumeClaims")) spec.volume_claims = w["volumeClaims"];
  spec.service_port = w.value("servicePort", 0);
  spec.schedule = w.value("schedule", "");
  spec.time_zone = w.value("timeZone", "");
  spec.run_seconds = w.value("runSeconds", 0);
  if (spec.kind == "CronJob") {
    if (Result<CronSchedule> parsed = CronSchedule::Parse(spec.schedule); !parsed) {
      return InvalidArgument(field + "." + parsed.error().message);
    }
    if (Result<TimeZone> zone = TimeZone::Find(spec.time_zone); !zone) {
      return InvalidArgument(field + ".timeZone: " + zone.error().message);
    }
  }
  return spec;
}

}  // namespace

Result<Scenario> ParseScenario(std::string_view yaml_text, const std::string& base_dir) {
  CO_ASSIGN_OR_RETURN(json doc, YamlToJson(yaml_text));
  if (!doc.is_object()) return InvalidArgument("scenario: the document must be a mapping");
  Scenario s;
  if (doc.contains("cluster")) {
    s.name = doc["cluster"].value("name", s.name);
    s.region = doc["cluster"].value("region", s.region);
    if (doc["cluster"].contains("start")) {
      TimePoint start;
      std::string text =
          doc["cluster"]["start"].is_string() ? doc["cluster"]["start"].get<std::string>() : "";
      if (!ParseRfc3339(text, &start)) {
        return InvalidArgument("cluster.start: not an RFC 3339 time: \"" + text + "\"");
      }
      s.start = start;
    }
  }
  for (const json& n : doc.value("namespaces", json::array())) {
    if (!n.is_object() || n.value("name", "").empty()) {
      return InvalidArgument("namespaces: every entry needs a name");
    }
    s.namespaces.emplace_back(n.value("name", ""), n.value("labels", json::object()));
  }
  const json groups = doc.value("nodeGroups", json::array());
  for (size_t i = 0; i < groups.size(); ++i) {
    CO_ASSIGN_OR_RETURN(NodeGroupSpec g,
                        ParseNodeGroup(groups[i], "nodeGroups[" + std::to_string(i) + "]"));
    s.node_groups.push_back(std::move(g));
  }
  const json workloads = doc.value("workloads", json::array());
  for (size_t i = 0; i < workloads.size(); ++i) {
    CO_ASSIGN_OR_RETURN(WorkloadSpec w,
                        ParseWorkload(workloads[i], "workloads[" + std::to_string(i) + "]"));
    s.workloads.push_back(std::move(w));
  }
  for (const json& v : doc.value("volumes", json::array())) {
    s.volumes.push_back({v.value("zone", "us-east-1a"), v.value("sizeGiB", 100),
                         v.value("type", "gp3"), v.value("count", 1)});
  }
  for (const json& o : doc.value("orphanInstances", json::array())) {
    OrphanSpec orphan{o.value("instanceType", "m5.large"), o.value("zone", "us-east-1a"),
                      o.value("count", 1), CapacityType::kOnDemand};
    CO_ASSIGN_OR_RETURN(orphan.capacity,
                        ParseCapacity(o.value("capacityType", json()), "orphanInstances"));
    s.orphans.push_back(orphan);
  }
  for (const json& t : doc.value("traffic", json::array())) {
    s.traffic.push_back({t.value("namespace", "default"), t.value("from", ""), t.value("to", ""),
                         t.value("requestsPerSecond", 0.0), t.value("bytesPerRequest", 0)});
  }
  for (const std::string& path : Strings(doc.value("manifests", json()))) {
    std::string full = path.starts_with('/') ? path : base_dir + "/" + path;
    CO_ASSIGN_OR_RETURN(std::string text, ReadFile(full));
    CO_ASSIGN_OR_RETURN(std::vector<json> objects, YamlDocumentsToJson(text));
    for (json& o : objects) s.manifests.push_back(std::move(o));
  }
  if (doc.contains("generate")) {
    s.generate.nodes = doc["generate"].value("nodes", 0);
    s.generate.pods = doc["generate"].value("pods", 0);
  }
  return s;
}

Result<Scenario> LoadScenarioFile(const std::string& path) {
  CO_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  size_t slash = path.rfind('/');
  Result<Scenario> s =
      ParseScenario(text, slash == std::string::npos ? "." : path.substr(0, slash));
  if (!s) return std::unexpected(Annotate(s.error(), path));
  return s;
}

}  // namespace cloudoptim::sandbox
