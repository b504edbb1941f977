#include "sandbox/table_printer.h"

#include <functional>

#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

struct Column {
  std::string name;
  std::string type;  // "string" | "integer"
  int priority = 0;
  std::function<json(const json&, TimePoint)> cell;
};

std::string Str(const json& object, std::initializer_list<const char*> path) {
  const json* node = &object;
  for (const char* part : path) {
    if (!node->is_object() || !node->contains(part)) return "";
    node = &(*node)[part];
  }
  return node->is_string() ? node->get<std::string>() : "";
}

int64_t Int(const json& object, std::initializer_list<const char*> path) {
  const json* node = &object;
  for (const char* part : path) {
    if (!node->is_object() || !node->contains(part)) return 0;
    node = &(*node)[part];
  }
  return node->is_number_integer() ? node->get<int64_t>() : 0;
}

json Age(const json& object, TimePoint now) {
  TimePoint created;
  if (!ParseRfc3339(Str(object, {"metadata", "creationTimestamp"}), &created)) return "<unknown>";
  return HumanDuration(now - created);
}

Column NameColumn() {
  return {"Name", "string", 0, [](const json& o, TimePoint) { return Str(o, {"metadata", "name"}); }};
}
Column AgeColumn() { return {"Age", "string", 0, Age}; }

std::string NodeStatus(const json& node) {
  std::string status = "Unknown";
  if (node.contains("status") && node["status"].contains("conditions")) {
    for (const json& c : node["status"]["conditions"]) {
      if (c.value("type", "") == "Ready") status = c.value("status", "") == "True" ? "Ready" : "NotReady";
    }
  }
  if (node.contains("spec") && node["spec"].value("unschedulable", false)) {
    status += ",SchedulingDisabled";
  }
  return status;
}

std::string NodeRoles(const json& node) {
  std::string roles;
  const json& labels = node["metadata"].contains("labels") ? node["metadata"]["labels"] : json::object();
  for (const auto& [key, value] : labels.items()) {
    static constexpr std::string_view kPrefix = "node-role.kubernetes.io/";
    if (key.starts_with(kPrefix)) roles += (roles.empty() ? "" : ",") + key.substr(kPrefix.size());
  }
  return roles.empty() ? "<none>" : roles;
}

std::string NodeAddress(const json& node, std::string_view type) {
  if (node.contains("status") && node["status"].contains("addresses")) {
    for (const json& a : node["status"]["addresses"]) {
      if (a.value("type", "") == type) return a.value("address", "");
    }
  }
  return "<none>";
}

std::vector<Column> NodeColumns() {
  return {NameColumn(),
          {"Status", "string", 0, [](const json& o, TimePoint) { return NodeStatus(o); }},
          {"Roles", "string", 0, [](const json& o, TimePoint) { return NodeRoles(o); }},
          AgeColumn(),
          {"Version", "string", 0, [](const json& o, TimePoint) { return Str(o, {"status", "nodeInfo", "kubeletVersion"}); }},
          {"Internal-IP", "string", 1, [](const json& o, TimePoint) { return NodeAddress(o, "InternalIP"); }},
          {"External-IP", "string", 1, [](const json& o, TimePoint) { return NodeAddress(o, "ExternalIP"); }},
          {"OS-Image", "string", 1, [](const json& o, TimePoint) { return Str(o, {"status", "nodeInfo", "osImage"}); }},
          {"Kernel-Version", "string", 1, [](const json& o, TimePoint) { return Str(o, {"status", "nodeInfo", "kernelVersion"}); }},
          {"Container-Runtime", "string", 1, [](const json& o, TimePoint) { return Str(o, {"status", "nodeInfo", "containerRuntimeVersion"}); }}};
}

// READY, STATUS and RESTARTS as kubectl's pod printer derives them from container statuses.
struct PodSummary {
  int ready = 0;
  int total = 0;
  int restarts = 0;
  std::string reason;
  std::string last_finished;
};

PodSummary SummarizePod(const json& pod) {
  PodSummary s;
  s.reason = Str(pod, {"status", "phase"});
  if (pod.contains("spec") && pod["spec"].contains("containers")) s.total = static_cast<int>(pod["spec"]["containers"].size());
  if (pod.contains("status") && pod["status"].contains("containerStatuses")) {
    for (const json& c : pod["status"]["containerStatuses"]) {
      if (c.value("ready", false)) ++s.ready;
      s.restarts += c.value("restartCount", 0);
      std::string waiting = Str(c, {"state", "waiting", "reason"});
      if (!waiting.empty()) s.reason = waiting;
      std::string finished = Str(c, {"lastState", "terminated", "finishedAt"});
      if (finished > s.last_finished) s.last_finished = finished;
    }
  }
  if (pod["metadata"].contains("deletionTimestamp")) s.reason = "Terminating";
  return s;
}

std::vector<Column> PodColumns() {
  return {NameColumn(),
          {"Ready", "string", 0, [](const json& o, TimePoint) { PodSummary s = SummarizePod(o); return std::to_string(s.ready) + "/" + std::to_string(s.total); }},
          {"Status", "string", 0, [](const json& o, TimePoint) { return SummarizePod(o).reason; }},
          {"Restarts", "string", 0, [](const json& o, TimePoint now) {
             PodSummary s = SummarizePod(o);
             std::string text = std::to_string(s.restarts);
             TimePoint finished;
             if (s.restarts > 0 && ParseRfc3339(s.last_finished, &finished)) text += " (" + HumanDuration(now - finished) + " ago)";
             return text;
           }},
          AgeColumn(),
          {"IP", "string", 1, [](const json& o, TimePoint) { std::string ip = Str(o, {"status", "podIP"}); return ip.empty() ? "<none>" : ip; }},
          {"Node", "string", 1, [](const json& o, TimePoint) { std::string n = Str(o, {"spec", "nodeName"}); return n.empty() ? "<none>" : n; }},
          {"Nominated Node", "string", 1, [](const json&, TimePoint) { return "<none>"; }},
          {"Readiness Gates", "string", 1, [](const json&, TimePoint) { return "<none>"; }}};
}

std::string ContainerField(const json& o, const char* field) {
  std::string out;
  const json& spec = o.contains("spec") ? o["spec"] : json::object();
  if (spec.contains("template") && spec["template"].contains("spec") && spec["template"]["spec"].contains("containers")) {
    for (const json& c : spec["template"]["spec"]["containers"]) out += (out.empty() ? "" : ",") + c.value(field, "");
  }
  return out;
}

std::string SelectorText(const json& o) {
  std::string out;
  if (o.contains("spec") && o["spec"].contains("selector") && o["spec"]["selector"].contains("matchLabels")) {
    for (const auto& [k, v] : o["spec"]["selector"]["matchLabels"].items()) out += (out.empty() ? "" : ",") + k + "=" + v.get<std::string>();
  }
  return out;
}

std::vector<Column> DeploymentColumns() {
  return {NameColumn(),
          {"Ready", "string", 0, [](const json& o, TimePoint) { return std::to_string(Int(o, {"status", "readyReplicas"})) + "/" + std::to_string(Int(o, {"spec", "replicas"})); }},
          {"Up-to-date", "integer", 0, [](const json& o, TimePoint) { return json(Int(o, {"status", "updatedReplicas"})); }},
          {"Available", "integer", 0, [](const json& o, TimePoint) { return json(Int(o, {"status", "availableReplicas"})); }},
          AgeColumn(),
          {"Containers", "string", 1, [](const json& o, TimePoint) { return ContainerField(o, "name"); }},
          {"Images", "string", 1, [](const json& o, TimePoint) { return ContainerField(o, "image"); }},
          {"Selector", "string", 1, [](const json& o, TimePoint) { return SelectorText(o); }}};
}

std::vector<Column> ReplicaSetColumns() {
  return {NameColumn(),
          {"Desired", "integer", 0, [](const json& o, TimePoint) { return json(Int(o, {"spec", "replicas"})); }},
          {"Current", "integer", 0, [](const json& o, TimePoint) { return json(Int(o, {"status", "replicas"})); }},
          {"Ready", "integer", 0, [](const json& o, TimePoint) { return json(Int(o, {"status", "readyReplicas"})); }},
          AgeColumn()};
}

std::string IntOrString(const json& o, const char* field) {
  if (!o.contains("spec") || !o["spec"].contains(field)) return "N/A";
  const json& v = o["spec"][field];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::vector<Column> PdbColumns() {
  return {NameColumn(),
          {"Min Available", "string", 0, [](const json& o, TimePoint) { return IntOrString(o, "minAvailable"); }},
          {"Max Unavailable", "string", 0, [](const json& o, TimePoint) { return IntOrString(o, "maxUnavailable"); }},
          {"Allowed Disruptions", "integer", 0, [](const json& o, TimePoint) { return json(Int(o, {"status", "disruptionsAllowed"})); }},
          AgeColumn()};
}

std::vector<Column> NamespaceColumns() {
  return {NameColumn(),
          {"Status", "string", 0, [](const json& o, TimePoint) { std::string p = Str(o, {"status", "phase"}); return p.empty() ? "Active" : p; }},
          AgeColumn()};
}

std::vector<Column> ColumnsFor(std::string_view resource) {
  if (resource == "nodes") return NodeColumns();
  if (resource == "pods") return PodColumns();
  if (resource == "deployments") return DeploymentColumns();
  if (resource == "replicasets") return ReplicaSetColumns();
  if (resource == "poddisruptionbudgets") return PdbColumns();
  if (resource == "namespaces") return NamespaceColumns();
  return {NameColumn(), AgeColumn()};
}

}  // namespace

std::string HumanDuration(Duration d) {
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return std::to_string(seconds) + "s";
  int64_t minutes = seconds / 60;
  if (minutes < 10) {
    return seconds % 60 == 0 ? std::to_string(minutes) + "m"
                             : std::to_string(minutes) + "m" + std::to_string(seconds % 60) + "s";
  }
  if (minutes < 180) return std::to_string(minutes) + "m";
  int64_t hours = minutes / 60;
  if (hours < 8) {
    return minutes % 60 == 0 ? std::to_string(hours) + "h"
                             : std::to_string(hours) + "h" + std::to_string(minutes % 60) + "m";
  }
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) {
    return hours % 24 == 0 ? std::to_string(hours / 24) + "d"
                           : std::to_string(hours / 24) + "d" + std::to_string(hours % 24) + "h";
  }
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  int64_t days = hours / 24;
  if (hours < 24 * 365 * 8) {
    return days % 365 == 0 ? std::to_string(days / 365) + "y"
                           : std::to_string(days / 365) + "y" + std::to_string(days % 365) + "d";
  }
  return std::to_string(days / 365) + "y";
}

json RenderTable(std::string_view resource, const std::vector<json>& objects, TimePoint now) {
  std::vector<Column> columns = ColumnsFor(resource);
  json definitions = json::array();
  for (const Column& c : columns) {
    json def = {{"name", c.name}, {"type", c.type}, {"format", ""}, {"description", ""},
                {"priority", c.priority}};
    if (c.name == "Name") def["format"] = "name";
    definitions.push_back(def);
  }
  json rows = json::array();
  for (const json& object : objects) {
    json cells = json::array();
    for (const Column& c : columns) cells.push_back(c.cell(object, now));
    json partial = {{"kind", "PartialObjectMetadata"},
                    {"apiVersion", "meta.k8s.io/v1"},
                    {"metadata", object.contains("metadata") ? object["metadata"] : json::object()}};
    rows.push_back({{"cells", cells}, {"object", partial}});
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", json::object()},
          {"columnDefinitions", definitions},
          {"rows", rows}};
}

}  // namespace cloudoptim::sandbox
