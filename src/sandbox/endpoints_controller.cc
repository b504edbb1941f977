// The endpoints and EndpointSlice controllers (WorkloadControllers::ReconcileEndpoints): for
// every Service with a selector, the pods it selects that have an IP become the addresses of an
// Endpoints object of the same name (ready ones in `addresses`, others in
// `notReadyAddresses`) and of one EndpointSlice `<service>-sandbox` labelled
// kubernetes.io/service-name, with each endpoint's node and zone, which is what topology-aware
// routing and cross-zone traffic analysis read. Written only when they change.
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "sandbox/controller_support.h"
#include "sandbox/object_filter.h"
#include "sandbox/workload_controllers.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

json LabelMapJson(const std::map<std::string, std::string, std::less<>>& labels) {
  json out = json::object();
  for (const auto& [k, v] : labels) out[k] = v;
  return out;
}

json Ports(const json& service, bool for_slice) {
  json ports = json::array();
  for (const json& p : service["spec"].value("ports", json::array())) {
    json port = {{"port", p.value("targetPort", p.value("port", json(0)))},
                 {"protocol", p.value("protocol", "TCP")}};
    if (!port["port"].is_number()) port["port"] = p.value("port", 0);  // named target ports
    if (p.contains("name")) port["name"] = p["name"];
    if (for_slice && !port.contains("name")) port["name"] = "";
    ports.push_back(port);
  }
  return ports;
}

// Creates `object` or replaces the stored one's `field` when it differs.
void Upsert(ObjectStore& store, const std::string& resource, const json& object,
            const std::string& field) {
  Result<json> current = store.Get(resource, Ns(object), Name(object));
  if (!current) {
    (void)store.Create(resource, object);
    return;
  }
  if ((*current).value(field, json()) == object[field]) return;
  (void)store.Mutate(resource, Ns(object), Name(object), [&](json& o) -> Status {
    o[field] = object[field];
    return Ok();
  });
}

}  // namespace

void WorkloadControllers::ReconcileEndpoints() {
  std::vector<json> services = store_->ParsedAll("services");
  if (services.empty() && store_->Count("endpoints") == 0 &&
      store_->Count("endpointslices.discovery.k8s.io") == 0) {
    return;
  }
  std::map<std::string, std::string> zone_of_node;
  for (const json& node : store_->ParsedAll("nodes")) {
    const json labels = node["metadata"].value("labels", json::object());
    zone_of_node[Name(node)] = labels.value("topology.kubernetes.io/zone", "");
  }
  // Only pods of namespaces with selecting Services are copied out of the index (a generated
  // cluster has 150,000 pods and may have no Service at all).
  std::map<std::string, std::vector<PodRecord>> by_namespace;
  std::set<std::string> service_keys;
  for (const json& service : services) {
    service_keys.insert(Ns(service) + "/" + Name(service));
    if (!service["spec"].value("selector", json::object()).empty()) by_namespace[Ns(service)];
  }
  index_->ForEach([&](const PodRecord& p) {
    if (p.pod_ip.empty() || p.IsTerminal()) return;
    auto it = by_namespace.find(p.namespace_name);
    if (it != by_namespace.end()) it->second.push_back(p);
  });
  // Endpoints and slices of Services that are gone go with them.
  for (const json& ep : store_->ParsedAll("endpoints")) {
    if (!service_keys.contains(Ns(ep) + "/" + Name(ep))) {
      (void)store_->Delete("endpoints", Ns(ep), Name(ep));
    }
  }
  for (const json& slice : store_->ParsedAll("endpointslices.discovery.k8s.io")) {
    const json labels = slice["metadata"].value("labels", json::object());
    std::string service = labels.value("kubernetes.io/service-name", "");
    if (!service.empty() && !service_keys.contains(Ns(slice) + "/" + service)) {
      (void)store_->Delete("endpointslices.discovery.k8s.io", Ns(slice), Name(slice));
    }
  }
  for (const json& service : services) {
    const json selector = service["spec"].value("selector", json::object());
    if (selector.empty()) continue;  // endpoints of selector-less Services are managed by hand
    json ready = json::array(), not_ready = json::array(), slice_endpoints = json::array();
    for (const PodRecord& pod : by_namespace[Ns(service)]) {
      const PodRecord* p = &pod;
      if (!SelectorMatches({{"matchLabels", selector}}, LabelMapJson(p->labels))) continue;
      bool is_ready = p->ready && !p->deleting;
      json target = {
          {"kind", "Pod"}, {"namespace", p->namespace_name}, {"name", p->name}, {"uid", p->uid}};
      json address = {{"ip", p->pod_ip}, {"nodeName", p->node_name}, {"targetRef", target}};
      (is_ready ? ready : not_ready).push_back(address);
      slice_endpoints.push_back(
          {{"addresses", {p->pod_ip}},
           {"conditions",
            {{"ready", is_ready}, {"serving", is_ready}, {"terminating", p->deleting}}},
           {"nodeName", p->node_name},
           {"zone", zone_of_node[p->node_name]},
           {"targetRef", target}});
    }
    json subset = {{"ports", Ports(service, false)}};
    if (!ready.empty()) subset["addresses"] = ready;
    if (!not_ready.empty()) subset["notReadyAddresses"] = not_ready;
    json subsets = ready.empty() && not_ready.empty() ? json::array() : json::array({subset});
    json labels = service["metadata"].value("labels", json::object());
    Upsert(*store_, "endpoints",
           {{"apiVersion", "v1"},
            {"kind", "Endpoints"},
            {"metadata", {{"name", Name(service)}, {"namespace", Ns(service)}, {"labels", labels}}},
            {"subsets", subsets}},
           "subsets");
    labels["kubernetes.io/service-name"] = Name(service);
    labels["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io";
    json slice = {{"apiVersion", "discovery.k8s.io/v1"},
                  {"kind", "EndpointSlice"},
                  {"metadata",
                   {{"name", Name(service) + "-sandbox"},
                    {"namespace", Ns(service)},
                    {"labels", labels},
                    {"ownerReferences", json::array({OwnerRef(service)})}}},
                  {"addressType", "IPv4"},
                  {"ports", Ports(service, true)},
                  {"endpoints", slice_endpoints}};
    Upsert(*store_, "endpointslices.discovery.k8s.io", slice, "endpoints");
  }
}

}  // namespace cloudoptim::sandbox
