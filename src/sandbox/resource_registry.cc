#include "sandbox/resource_registry.h"

#include <set>

#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

const std::vector<std::string> kAllVerbs = {"create", "delete", "deletecollection", "get",
                                            "list",   "patch",  "update",           "watch"};
const std::vector<std::string> kGetList = {"get", "list"};

SubresourceInfo StatusSubresource(const std::string& group, const std::string& kind) {
  return {"status", group, "v1", kind, {"get", "patch", "update"}};
}
SubresourceInfo Scale() {
  return {"scale", "autoscaling", "v1", "Scale", {"get", "patch", "update"}};
}

std::vector<ResourceInfo> BuildTable() {
  std::vector<ResourceInfo> t;
  t.push_back({"",
               "v1",
               "Namespace",
               "namespaces",
               "namespace",
               false,
               {"ns"},
               {},
               {"create", "delete", "get", "list", "patch", "update", "watch"},
               {StatusSubresource("", "Namespace")}});
  t.push_back({"",
               "v1",
               "Node",
               "nodes",
               "node",
               false,
               {"no"},
               {},
               kAllVerbs,
               {StatusSubresource("", "Node")}});
  t.push_back({"",
               "v1",
               "Pod",
               "pods",
               "pod",
               true,
               {"po"},
               {"all"},
               kAllVerbs,
               {StatusSubresource("", "Pod"),
                {"eviction", "policy", "v1", "Eviction", {"create"}},
                {"binding", "", "v1", "Binding", {"create"}}}});
  t.push_back({"",
               "v1",
               "Service",
               "services",
               "service",
               true,
               {"svc"},
               {"all"},
               {"create", "delete", "get", "list", "patch", "update", "watch"},
               {StatusSubresource("", "Service")}});
  t.push_back({"", "v1", "Endpoints", "endpoints", "endpoints", true, {"ep"}, {}, kAllVerbs, {}});
  t.push_back({"",
               "v1",
               "PersistentVolume",
               "persistentvolumes",
               "persistentvolume",
               false,
               {"pv"},
               {},
               kAllVerbs,
               {StatusSubresource("", "PersistentVolume")}});
  t.push_back({"",
               "v1",
               "PersistentVolumeClaim",
               "persistentvolumeclaims",
               "persistentvolumeclaim",
               true,
               {"pvc"},
               {},
               kAllVerbs,
               {StatusSubresource("", "PersistentVolumeClaim")}});
  t.push_back({"", "v1", "Event", "events", "event", true, {"ev"}, {}, kAllVerbs, {}});
  t.push_back({"", "v1", "ConfigMap", "configmaps", "configmap", true, {"cm"}, {}, kAllVerbs, {}});
  t.push_back({"",
               "v1",
               "ServiceAccount",
               "serviceaccounts",
               "serviceaccount",
               true,
               {"sa"},
               {},
               kAllVerbs,
               {}});
  t.push_back({"apps",
               "v1",
               "Deployment",
               "deployments",
               "deployment",
               true,
               {"deploy"},
               {"all"},
               kAllVerbs,
               {StatusSubresource("apps", "Deployment"), Scale()}});
  t.push_back({"apps",
               "v1",
               "ReplicaSet",
               "replicasets",
               "replicaset",
               true,
               {"rs"},
               {"all"},
               kAllVerbs,
               {StatusSubresource("apps", "ReplicaSet"), Scale()}});
  t.push_back({"apps",
               "v1",
               "StatefulSet",
               "statefulsets",
               "statefulset",
               true,
               {"sts"},
               {"all"},
               kAllVerbs,
               {StatusSubresource("apps", "StatefulSet"), Scale()}});
  t.push_back({"apps",
               "v1",
               "DaemonSet",
               "daemonsets",
               "daemonset",
               true,
               {"ds"},
               {"all"},
               kAllVerbs,
               {StatusSubresource("apps", "DaemonSet")}});
  t.push_back({"batch",
               "v1",
               "Job",
               "jobs",
               "job",
               true,
               {},
               {"all"},
               kAllVerbs,
               {StatusSubresource("batch", "Job")}});
  t.push_back({"batch",
               "v1",
               "CronJob",
               "cronjobs",
               "cronjob",
               true,
               {"cj"},
               {"all"},
               kAllVerbs,
               {StatusSubresource("batch", "CronJob")}});
  t.push_back({"policy",
               "v1",
               "PodDisruptionBudget",
               "poddisruptionbudgets",
               "poddisruptionbudget",
               true,
               {"pdb"},
               {},
               kAllVerbs,
               {StatusSubresource("policy", "PodDisruptionBudget")}});
  t.push_back(
      {"coordination.k8s.io", "v1", "Lease", "leases", "lease", true, {}, {}, kAllVerbs, {}});
  t.push_back({"discovery.k8s.io",
               "v1",
               "EndpointSlice",
               "endpointslices",
               "endpointslice",
               true,
               {},
               {},
               kAllVerbs,
               {}});
  t.push_back({"metrics.k8s.io",
               "v1beta1",
               "NodeMetrics",
               "nodes",
               "",
               false,
               {},
               {},
               kGetList,
               {},
               false});
  t.push_back(
      {"metrics.k8s.io", "v1beta1", "PodMetrics", "pods", "", true, {}, {}, kGetList, {}, false});
  return t;
}

json ResourceEntry(const ResourceInfo& r) {
  json entry = {{"name", r.plural},
                {"singularName", r.singular},
                {"namespaced", r.namespaced},
                {"kind", r.kind},
                {"verbs", r.verbs}};
  if (!r.short_names.empty()) entry["shortNames"] = r.short_names;
  if (!r.categories.empty()) entry["categories"] = r.categories;
  if (r.stored) entry["storageVersionHash"] = r.kind.substr(0, 4) + "Hash1=";
  return entry;
}

}  // namespace

std::string ResourceInfo::StorageKey() const {
  return group.empty() ? plural : plural + "." + group;
}

std::string ResourceInfo::ApiVersion() const {
  return group.empty() ? version : group + "/" + version;
}

const SubresourceInfo* ResourceInfo::FindSubresource(std::string_view name) const {
  for (const SubresourceInfo& sub : subresources) {
    if (sub.name == name) return &sub;
  }
  return nullptr;
}

const std::vector<ResourceInfo>& AllResources() {
  static const std::vector<ResourceInfo> table = BuildTable();
  return table;
}

const ResourceInfo* FindResource(std::string_view group, std::string_view version,
                                 std::string_view plural) {
  for (const ResourceInfo& r : AllResources()) {
    if (r.group == group && r.version == version && r.plural == plural) return &r;
  }
  return nullptr;
}

const ResourceInfo* FindResourceByKind(std::string_view api_version, std::string_view kind) {
  for (const ResourceInfo& r : AllResources()) {
    if (r.stored && r.kind == kind && r.ApiVersion() == api_version) return &r;
  }
  return nullptr;
}

json VersionDocument() {
  return {{"major", "1"},
          {"minor", "32"},
          {"gitVersion", "v1.32.0-eks-sandbox"},
          {"gitCommit", "cloudoptim-sandbox"},
          {"gitTreeState", "clean"},
          {"buildDate", "2026-01-01T00:00:00Z"},
          {"goVersion", "go1.23"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

json CoreVersionsDocument(std::string_view server_address) {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs",
           {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", std::string(server_address)}}}}};
}

json GroupDocument(std::string_view group) {
  for (const ResourceInfo& r : AllResources()) {
    if (r.group != group || group.empty()) continue;
    json version = {{"groupVersion", r.ApiVersion()}, {"version", r.version}};
    return {{"kind", "APIGroup"},
            {"apiVersion", "v1"},
            {"name", r.group},
            {"versions", {version}},
            {"preferredVersion", version}};
  }
  return nullptr;
}

json GroupListDocument() {
  json groups = json::array();
  std::set<std::string> seen;
  for (const ResourceInfo& r : AllResources()) {
    if (r.group.empty() || !seen.insert(r.group).second) continue;
    json group = GroupDocument(r.group);
    group.erase("kind");
    group.erase("apiVersion");
    groups.push_back(group);
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

json ResourceListDocument(std::string_view group, std::string_view version) {
  json resources = json::array();
  std::string group_version;
  for (const ResourceInfo& r : AllResources()) {
    if (r.group != group || r.version != version) continue;
    group_version = r.ApiVersion();
    resources.push_back(ResourceEntry(r));
    for (const SubresourceInfo& sub : r.subresources) {
      json entry = {{"name", r.plural + "/" + sub.name},
                    {"singularName", ""},
                    {"namespaced", r.namespaced},
                    {"kind", sub.kind},
                    {"verbs", sub.verbs}};
      if (sub.group != r.group || sub.version != r.version) {
        entry["group"] = sub.group;
        entry["version"] = sub.version;
      }
      resources.push_back(entry);
    }
  }
  if (group_version.empty()) return nullptr;
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group_version},
          {"resources", resources}};
}

json OpenApiV3Discovery() {
  json paths = json::object();
  std::set<std::string> seen;
  for (const ResourceInfo& r : AllResources()) {
    std::string gv = r.group.empty() ? "api/" + r.version : "apis/" + r.ApiVersion();
    if (!seen.insert(gv).second) continue;
    paths[gv] = {{"serverRelativeURL", "/openapi/v3/" + gv + "?hash=sandbox1"}};
  }
  return {{"paths", paths}};
}

json OpenApiV3Document(std::string_view gv_path) {
  json paths = json::object();
  for (const ResourceInfo& r : AllResources()) {
    std::string gv = r.group.empty() ? "api/" + r.version : "apis/" + r.ApiVersion();
    if (gv != gv_path || !r.stored) continue;
    std::string path =
        "/" + gv + (r.namespaced ? "/namespaces/{namespace}/" : "/") + r.plural + "/{name}";
    json gvk = {{"group", r.group}, {"version", r.version}, {"kind", r.kind}};
    json parameters = json::array();
    for (const char* name : {"dryRun", "fieldManager", "fieldValidation", "force"}) {
      parameters.push_back({{"name", name}, {"in", "query"}, {"schema", {{"type", "string"}}}});
    }
    paths[path] = {{"patch",
                    {{"operationId", "patch" + r.kind},
                     {"parameters", parameters},
                     {"responses", {{"200", {{"description", "OK"}}}}},
                     {"x-kubernetes-action", "patch"},
                     {"x-kubernetes-group-version-kind", gvk}}}};
  }
  if (paths.empty()) return nullptr;
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
          {"paths", paths},
          {"components", {{"schemas", json::object()}}}};
}

}  // namespace cloudoptim::sandbox
