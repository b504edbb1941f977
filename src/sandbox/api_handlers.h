// The verbs of the Kubernetes API on the object store: get, list (selectors, pagination,
// tables), create (generateName, defaults, validation), update (optimistic concurrency),
// patch (merge, strategic, JSON patch), delete (grace periods), and the subresources
// status, scale, eviction (PDB-checked) and binding. Transport-free: the HTTP server turns
// ApiRequest into ApiReply, so each verb is unit-tested without sockets.
//
//   ApiHandlers handlers(&store, &clock, &metrics);
//   Result<ApiReply> reply = handlers.Handle({.method = "GET", .path = *path, ...});
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "sandbox/api_path.h"
#include "sandbox/object_store.h"

namespace cloudoptim::sandbox {

// What only the simulated cluster can answer: metrics.k8s.io usage.
class MetricsSource {
 public:
  virtual ~MetricsSource() = default;
  // NodeMetricsList / PodMetricsList (or one item when `name` is set). NotFound for unknown
  // names.
  virtual Result<nlohmann::json> NodeMetrics(const std::string& name) = 0;
  virtual Result<nlohmann::json> PodMetrics(const std::string& namespace_name,
                                            const std::string& name) = 0;
};

struct ApiQuery {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;
  std::string continue_token;
  bool dry_run = false;
  std::string resource_version;
  bool table = false;  // Accept asked for as=Table
};

struct ApiRequest {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  ApiPath path;
  ApiQuery query;
  std::string body;
  std::string content_type;
};

struct ApiReply {
  int http_code = 200;
  std::string body;
};

// The Kubernetes verb of a request ("get", "list", "watch", "create", "update", "patch",
// "delete", "deletecollection").
std::string VerbOf(const std::string& method, const ApiPath& path, bool watch);

class ApiHandlers {
 public:
  ApiHandlers(ObjectStore* store, const Clock* clock, MetricsSource* metrics)
      : store_(store), clock_(clock), metrics_(metrics) {}

  Result<ApiReply> Handle(const ApiRequest& request);

  // Validates and defaults a new object of `info` (also used by scenario loading).
  Status PrepareForCreate(const ResourceInfo& info, const std::string& namespace_name,
                          nlohmann::json& object) const;

 private:
  Result<ApiReply> Get(const ApiRequest& r);
  Result<ApiReply> List(const ApiRequest& r);
  Result<ApiReply> Create(const ApiRequest& r);
  Result<ApiReply> Update(const ApiRequest& r);
  Result<ApiReply> Patch(const ApiRequest& r);
  Result<ApiReply> Delete(const ApiRequest& r);
  Result<ApiReply> DeleteCollection(const ApiRequest& r);
  Result<ApiReply> Scale(const ApiRequest& r);
  Result<ApiReply> Evict(const ApiRequest& r);
  Result<ApiReply> Bind(const ApiRequest& r);
  Result<ApiReply> Metrics(const ApiRequest& r);
  Result<nlohmann::json> DecodeBody(const ApiRequest& r) const;

  ObjectStore* store_;
  const Clock* clock_;
  MetricsSource* metrics_;
  // Evictions check the budgets and delete the pod as one step, as the API server's optimistic
  // update of the PDB status makes them: two concurrent evictions must not both spend the
  // last allowed disruption.
  std::mutex eviction_mutex_;
};

// Scale (autoscaling/v1) view of a Deployment, ReplicaSet or StatefulSet.
nlohmann::json ScaleOf(const nlohmann::json& object);

}  // namespace cloudoptim::sandbox
