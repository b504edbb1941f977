#include "sandbox/api_handlers.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/time_zone.h"
#include "sandbox/api_status.h"
#include "sandbox/cron_schedule.h"
#include "sandbox/disruption_budget.h"
#include "sandbox/object_filter.h"
#include "sandbox/object_patch.h"
#include "sandbox/table_printer.h"
#include "sandbox/yaml_json.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

// The API server's RFC 1123 subdomain rule, [a-z0-9]([-a-z0-9.]*[a-z0-9])? in at most 253
// characters, checked by hand: std::regex cost this file 3 s of compile time per build.
bool IsDnsSubdomain(const std::string& name) {
  auto alphanumeric = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (name.empty() || name.size() > 253) return false;
  if (!alphanumeric(name.front()) || !alphanumeric(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alphanumeric(c) || c == '-' || c == '.'; });
}

auto Invalid(const std::string& kind, const std::string& name, const std::string& what) {
  return FailedPrecondition(kind + " \"" + name + "\" is invalid: " + what);
}

bool HasStatusSubresource(const ResourceInfo& info) {
  return info.FindSubresource("status") != nullptr;
}

std::string ListHeader(const ResourceInfo& info, uint64_t version, const std::string& token,
                       int64_t remaining) {
  json meta = {{"resourceVersion", std::to_string(version)}};
  if (!token.empty()) {
    meta["continue"] = token;
    if (remaining > 0) meta["remainingItemCount"] = remaining;
  }
  return R"({"kind":")" + info.kind + R"(List","apiVersion":")" + info.ApiVersion() +
         R"(","metadata":)" + meta.dump() + R"(,"items":[)";
}

json LabelsOf(const json& object) {
  if (object.contains("metadata") && object["metadata"].contains("labels")) {
    return object["metadata"]["labels"];
  }
  return json::object();
}

// Workloads must select their own template, as the API server validates.
Status ValidateWorkload(const ResourceInfo& info, const json& object) {
  std::string name = object["metadata"].value("name", "");
  const json& spec = object.contains("spec") ? object["spec"] : json();
  if (!spec.is_object() || !spec.contains("template")) {
    return Invalid(info.kind, name, "spec.template: Required value");
  }
  if (info.kind == "Job" || info.kind == "CronJob") return Ok();
  if (!spec.contains("selector")) return Invalid(info.kind, name, "spec.selector: Required value");
  json template_labels = LabelsOf(spec["template"]);
  if (!SelectorMatches(spec["selector"], template_labels)) {
    return Invalid(info.kind, name,
                   "spec.template.metadata.labels: Invalid value: " + template_labels.dump() +
                       ": `selector` does not match template `labels`");
  }
  return Ok();
}

// The API server refuses a CronJob whose schedule or time zone it cannot read.
Status ValidateCronJob(const json& object) {
  std::string name = object["metadata"].value("name", "");
  const json& spec = object.contains("spec") ? object["spec"] : json();
  if (!spec.is_object() || !spec.contains("jobTemplate")) {
    return Invalid("CronJob", name, "spec.jobTemplate: Required value");
  }
  if (!spec.contains("schedule") || !spec["schedule"].is_string()) {
    return Invalid("CronJob", name, "spec.schedule: Required value");
  }
  const std::string schedule = spec["schedule"].get<std::string>();
  if (Result<CronSchedule> parsed = CronSchedule::Parse(schedule); !parsed) {
    return Invalid("CronJob", name,
                   "spec.schedule: Invalid value: \"" + schedule + "\": " + parsed.error().message);
  }
  if (spec.contains("timeZone") && spec["timeZone"].is_string()) {
    const std::string zone = spec["timeZone"].get<std::string>();
    if (!TimeZone::Find(zone)) {
      return Invalid("CronJob", name,
                     "spec.timeZone: Invalid value: \"" + zone + "\": unknown time zone " + zone);
    }
  }
  return Ok();
}

}  // namespace

std::string VerbOf(const std::string& method, const ApiPath& path, bool watch) {
  if (method == "GET") {
    if (watch) return "watch";
    return path.name.empty() ? "list" : "get";
  }
  if (method == "POST") return "create";
  if (method == "PUT") return "update";
  if (method == "PATCH") return "patch";
  if (method == "DELETE") return path.name.empty() ? "deletecollection" : "delete";
  return "unknown";
}

json ScaleOf(const json& object) {
  const json& meta = object["metadata"];
  std::string selector;
  if (object["spec"].contains("selector") && object["spec"]["selector"].contains("matchLabels")) {
    for (const auto& [k, v] : object["spec"]["selector"]["matchLabels"].items()) {
      selector += (selector.empty() ? "" : ",") + k + "=" + v.get<std::string>();
    }
  }
  int64_t current = object.contains("status") ? object["status"].value("replicas", 0) : 0;
  return {{"kind", "Scale"},
          {"apiVersion", "autoscaling/v1"},
          {"metadata",
           {{"name", meta.value("name", "")},
            {"namespace", meta.value("namespace", "")},
            {"uid", meta.value("uid", "")},
            {"resourceVersion", meta.value("resourceVersion", "")},
            {"creationTimestamp", meta.value("creationTimestamp", "")}}},
          {"spec", {{"replicas", object["spec"].value("replicas", 1)}}},
          {"status", {{"replicas", current}, {"selector", selector}}}};
}

Result<ApiReply> ApiHandlers::Handle(const ApiRequest& r) {
  // kubectl's typed generators (`kubectl create cronjob`, `create deployment`) send protobuf,
  // which the sandbox does not speak: answer as an API server without that codec would.
  if (r.content_type.find("protobuf") != std::string::npos) {
    return ApiReply{415, json{{"kind", "Status"},
                              {"apiVersion", "v1"},
                              {"metadata", json::object()},
                              {"status", "Failure"},
                              {"message",
                               "the body of the request was in an unknown format - "
                               "accepted media types include: application/json, "
                               "application/yaml, application/merge-patch+json"},
                              {"reason", "UnsupportedMediaType"},
                              {"code", 415}}
                             .dump()};
  }
  const ResourceInfo& info = *r.path.info;
  if (!info.stored) return Metrics(r);
  const std::string& sub = r.path.subresource;
  if (sub == "scale") return Scale(r);
  if (sub == "eviction") {
    if (r.method != "POST") return Unimplemented("the server does not allow this method");
    return Evict(r);
  }
  if (sub == "binding") {
    if (r.method != "POST") return Unimplemented("the server does not allow this method");
    return Bind(r);
  }
  if (r.method == "GET") return r.path.name.empty() ? List(r) : Get(r);
  if (r.method == "POST" && r.path.name.empty()) return Create(r);
  if (r.method == "PUT" && !r.path.name.empty()) return Update(r);
  if (r.method == "PATCH" && !r.path.name.empty()) return Patch(r);
  if (r.method == "DELETE") return r.path.name.empty() ? DeleteCollection(r) : Delete(r);
  return Unimplemented("the server does not allow this method on the requested resource");
}

Result<json> ApiHandlers::DecodeBody(const ApiRequest& r) const {
  if (r.content_type.find("yaml") != std::string::npos) {
    auto doc = YamlToJson(r.body);
    if (!doc || !doc->is_object()) {
      return InvalidArgument("the body of the request was not valid YAML: " +
                             (doc ? std::string("not a mapping") : doc.error().message));
    }
    return *doc;
  }
  json doc = json::parse(r.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgument(
        "couldn't get version/kind; json parse error: the body is not a JSON object");
  }
  return doc;
}

Status ApiHandlers::PrepareForCreate(const ResourceInfo& info, const std::string& namespace_name,
                                     json& object) const {
  std::string api_version = object.value("apiVersion", info.ApiVersion());
  if (api_version != info.ApiVersion() || object.value("kind", info.kind) != info.kind) {
    return InvalidArgument("the API version in the data (" + api_version + ") and kind (" +
                           object.value("kind", "") + ") do not match the expected " +
                           info.ApiVersion() + " " + info.kind);
  }
  object["apiVersion"] = info.ApiVersion();
  object["kind"] = info.kind;
  if (!object.contains("metadata") || !object["metadata"].is_object()) {
    object["metadata"] = json::object();
  }
  json& meta = object["metadata"];
  if (info.namespaced) {
    std::string body_ns = meta.value("namespace", "");
    if (!body_ns.empty() && !namespace_name.empty() && body_ns != namespace_name) {
      return InvalidArgument(
          "the namespace of the provided object does not match the "
          "namespace sent on the request");
    }
    std::string ns = namespace_name.empty() ? body_ns : namespace_name;
    if (ns.empty()) ns = "default";
    meta["namespace"] = ns;
    if (!store_->Get("namespaces", "", ns)) return NotFound("namespaces \"" + ns + "\" not found");
  } else {
    meta.erase("namespace");
  }
  std::string name = meta.value("name", "");
  if (!name.empty() && !IsDnsSubdomain(name)) {
    return Invalid(info.kind, name,
                   "metadata.name: Invalid value: \"" + name +
                       "\": a lowercase RFC 1123 subdomain must consist of lower case "
                       "alphanumeric characters, '-' or '.', and must start and end with an "
                       "alphanumeric character");
  }
  if (info.kind == "Pod") {
    if (!object.contains("spec") || !object["spec"].contains("containers") ||
        !object["spec"]["containers"].is_array() || object["spec"]["containers"].empty()) {
      return Invalid(info.kind, name, "spec.containers: Required value");
    }
    object["spec"].emplace("schedulerName", "default-scheduler");
    object["spec"].emplace("restartPolicy", "Always");
    if (!object.contains("status")) object["status"] = {{"phase", "Pending"}};
  }
  if (info.kind == "Deployment" || info.kind == "ReplicaSet" || info.kind == "StatefulSet" ||
      info.kind == "DaemonSet" || info.kind == "Job") {
    CO_RETURN_IF_ERROR(ValidateWorkload(info, object));
    if (info.kind != "DaemonSet" && info.kind != "Job") object["spec"].emplace("replicas", 1);
  }
  if (info.kind == "CronJob") CO_RETURN_IF_ERROR(ValidateCronJob(object));
  if (info.kind == "Namespace") object["status"] = {{"phase", "Active"}};
  return Ok();
}

Result<ApiReply> ApiHandlers::Get(const ApiRequest& r) {
  const ResourceInfo& info = *r.path.info;
  CO_ASSIGN_OR_RETURN(json object,
                      store_->Get(info.StorageKey(), r.path.namespace_name, r.path.name));
  if (r.query.table && r.path.subresource.empty()) {
    json table = RenderTable(info.plural, {object}, clock_->Now());
    table["metadata"]["resourceVersion"] = object["metadata"]["resourceVersion"];
    return ApiReply{200, table.dump()};
  }
  return ApiReply{200, object.dump()};
}

// Lists stream the stored JSON text straight into the response: no object is parsed unless a
// selector or a table needs it, so a 500-pod page of a 150,000-pod cluster costs a copy.
Result<ApiReply> ApiHandlers::List(const ApiRequest& r) {
  const ResourceInfo& info = *r.path.info;
  CO_ASSIGN_OR_RETURN(ObjectFilter filter,
                      ObjectFilter::Parse(r.query.label_selector, r.query.field_selector));
  std::function<bool(const std::string&)> keep;
  if (!filter.IsEmpty()) {
    // `spec.nodeName=X` over thousands of pods: the text screen skips the parse of every pod
    // that is not on X (121 ms → a few ms for a 3,600-pod sandbox).
    keep = [&filter](const std::string& text) {
      return filter.MayMatchText(text) && filter.Matches(json::parse(text));
    };
  }
  CO_ASSIGN_OR_RETURN(ObjectStore::ListPage page,
                      store_->List(info.StorageKey(), r.path.namespace_name, r.query.limit,
                                   r.query.continue_token, keep));
  if (r.query.table) {
    std::vector<json> objects;
    objects.reserve(page.items.size());
    for (const ObjectText& text : page.items) objects.push_back(json::parse(*text));
    json table = RenderTable(info.plural, objects, clock_->Now());
    table["metadata"]["resourceVersion"] = std::to_string(page.resource_version);
    if (!page.continue_token.empty()) table["metadata"]["continue"] = page.continue_token;
    return ApiReply{200, table.dump()};
  }
  std::string body = ListHeader(info, page.resource_version, page.continue_token, page.remaining);
  size_t size = body.size() + 2;
  for (const ObjectText& text : page.items) size += text->size() + 1;
  body.reserve(size);
  for (size_t i = 0; i < page.items.size(); ++i) {
    if (i > 0) body.push_back(',');
    body.append(*page.items[i]);
  }
  body.append("]}");
  return ApiReply{200, std::move(body)};
}

Result<ApiReply> ApiHandlers::Create(const ApiRequest& r) {
  const ResourceInfo& info = *r.path.info;
  CO_ASSIGN_OR_RETURN(json object, DecodeBody(r));
  CO_RETURN_IF_ERROR(PrepareForCreate(info, r.path.namespace_name, object));
  CO_ASSIGN_OR_RETURN(json created,
                      store_->Create(info.StorageKey(), std::move(object), r.query.dry_run));
  return ApiReply{201, created.dump()};
}

// PUT replaces the object; the main resource keeps the stored status and the status
// subresource keeps everything but the status, as for resources with a status subresource.
Result<ApiReply> ApiHandlers::Update(const ApiRequest& r) {
  const ResourceInfo& info = *r.path.info;
  CO_ASSIGN_OR_RETURN(json object, DecodeBody(r));
  if (object["metadata"].value("name", r.path.name) != r.path.name) {
    return InvalidArgument("the name of the object (" + object["metadata"].value("name", "") +
                           ") does not match the name on the URL (" + r.path.name + ")");
  }
  std::string wanted = object["metadata"].value("resourceVersion", "");
  bool status_only = r.path.subresource == "status";
  CO_ASSIGN_OR_RETURN(
      json updated,
      store_->Mutate(
          info.StorageKey(), r.path.namespace_name, r.path.name,
          [&](json& stored) -> Status {
            if (!wanted.empty() && wanted != stored["metadata"].value("resourceVersion", "")) {
              return Aborted("Operation cannot be fulfilled on " + info.plural + " \"" +
                             r.path.name +
                             "\": the object has been modified; please apply your changes to "
                             "the latest version and try again");
            }
            if (status_only) {
              if (object.contains("status")) stored["status"] = object["status"];
              return Ok();
            }
            json status = stored.contains("status") ? stored["status"] : json();
            json meta = stored["metadata"];
            stored = object;
            stored["apiVersion"] = info.ApiVersion();
            stored["kind"] = info.kind;
            if (info.namespaced) stored["metadata"]["namespace"] = r.path.namespace_name;
            stored["metadata"]["name"] = r.path.name;
            stored["metadata"]["creationTimestamp"] = meta["creationTimestamp"];
            if (meta.contains("generation")) stored["metadata"]["generation"] = meta["generation"];
            if (HasStatusSubresource(info) && !status.is_null()) stored["status"] = status;
            return Ok();
          },
          r.query.dry_run));
  return ApiReply{200, updated.dump()};
}

Result<ApiReply> ApiHandlers::Patch(const ApiRequest& r) {
  const ResourceInfo& info = *r.path.info;
  CO_ASSIGN_OR_RETURN(PatchType type, PatchTypeFromContentType(r.content_type));
  bool status_only = r.path.subresource == "status";
  CO_ASSIGN_OR_RETURN(
      json patched,
      store_->Mutate(
          info.StorageKey(), r.path.namespace_name, r.path.name,
          [&](json& stored) -> Status {
            json before = stored;
            CO_RETURN_IF_ERROR(ApplyPatch(type, r.body, stored));
            if (!stored.is_object() || !stored.contains("metadata")) {
              return InvalidArgument("the patch removed the object's metadata");
            }
            std::string wanted = stored["metadata"].value("resourceVersion", "");
            if (!wanted.empty() && wanted != before["metadata"].value("resourceVersion", "")) {
              return Aborted("Operation cannot be fulfilled on " + info.plural + " \"" +
                             r.path.name + "\": the object has been modified");
            }
            if (status_only) {
              json status = stored.contains("status") ? stored["status"] : json();
              stored = before;
              if (!status.is_null()) stored["status"] = status;
            } else if (HasStatusSubresource(info) && before.contains("status")) {
              stored["status"] = before["status"];
            }
            return Ok();
          },
          r.query.dry_run));
  return ApiReply{200, patched.dump()};
}

// Pods bound to a node terminate gracefully: the deletion timestamp is set and the kubelet
// removes the pod once the grace period has passed in simulated time. Everything else (and
// unbound pods, and grace period 0) goes at once; dependents follow through the garbage
// collector (background propagation).
Result<ApiReply> ApiHandlers::Delete(const ApiRequest& r) {
  const ResourceInfo& info = *r.path.info;
  json options = r.body.empty() ? json::object() : json::parse(r.body, nullptr, false);
  if (options.is_discarded()) return InvalidArgument("DeleteOptions body is not valid JSON");
  CO_ASSIGN_OR_RETURN(json current,
                      store_->Get(info.StorageKey(), r.path.namespace_name, r.path.name));
  if (options.contains("preconditions") && options["preconditions"].contains("uid") &&
      options["preconditions"]["uid"] != current["metadata"]["uid"]) {
    return Aborted(
        "Precondition failed: UID in precondition: " + options["preconditions"]["uid"].dump() +
        ", UID in object meta: " + current["metadata"]["uid"].dump());
  }
  int64_t grace = 30;
  if (current.contains("spec") && current["spec"].contains("terminationGracePeriodSeconds")) {
    grace = current["spec"].value("terminationGracePeriodSeconds", 30);
  }
  if (options.contains("gracePeriodSeconds") && options["gracePeriodSeconds"].is_number()) {
    grace = options["gracePeriodSeconds"].get<int64_t>();
  }
  bool bound = info.kind == "Pod" && !current["spec"].value("nodeName", "").empty();
  if (bound && grace > 0) {
    if (current["metadata"].contains("deletionTimestamp")) return ApiReply{200, current.dump()};
    CO_ASSIGN_OR_RETURN(json marked, store_->Mutate(
                                         info.StorageKey(), r.path.namespace_name, r.path.name,
                                         [&](json& pod) -> Status {
                                           pod["metadata"]["deletionTimestamp"] = FormatRfc3339(
                                               clock_->Now() + std::chrono::seconds(grace));
                                           pod["metadata"]["deletionGracePeriodSeconds"] = grace;
                                           return Ok();
                                         },
                                         r.query.dry_run));
    return ApiReply{200, marked.dump()};
  }
  CO_ASSIGN_OR_RETURN(json deleted, store_->Delete(info.StorageKey(), r.path.namespace_name,
                                                   r.path.name, r.query.dry_run));
  return ApiReply{200, deleted.dump()};
}

Result<ApiReply> ApiHandlers::DeleteCollection(const ApiRequest& r) {
  const ResourceInfo& info = *r.path.info;
  CO_ASSIGN_OR_RETURN(ObjectFilter filter,
                      ObjectFilter::Parse(r.query.label_selector, r.query.field_selector));
  for (const json& object : store_->ParsedAll(info.StorageKey(), r.path.namespace_name)) {
    if (!filter.Matches(object)) continue;
    (void)store_->Delete(info.StorageKey(), object["metadata"].value("namespace", ""),
                         object["metadata"].value("name", ""), r.query.dry_run);
  }
  return ApiReply{200, SuccessStatus(200).dump()};
}

Result<ApiReply> ApiHandlers::Scale(const ApiRequest& r) {
  const ResourceInfo& info = *r.path.info;
  if (r.method == "GET") {
    CO_ASSIGN_OR_RETURN(json object,
                        store_->Get(info.StorageKey(), r.path.namespace_name, r.path.name));
    return ApiReply{200, ScaleOf(object).dump()};
  }
  if (r.method != "PUT" && r.method != "PATCH") {
    return Unimplemented("the server does not allow this method on the requested resource");
  }
  Result<PatchType> patch_type = PatchType::kMergePatch;
  if (r.method == "PATCH") patch_type = PatchTypeFromContentType(r.content_type);
  if (!patch_type) return std::unexpected(patch_type.error());
  json scale_body;
  if (r.method == "PUT") {
    CO_ASSIGN_OR_RETURN(scale_body, DecodeBody(r));
  }
  CO_ASSIGN_OR_RETURN(
      json updated,
      store_->Mutate(
          info.StorageKey(), r.path.namespace_name, r.path.name,
          [&](json& object) -> Status {
            json scale = ScaleOf(object);
            if (r.method == "PUT") {
              std::string wanted = scale_body["metadata"].value("resourceVersion", "");
              if (!wanted.empty() && wanted != object["metadata"].value("resourceVersion", "")) {
                return Aborted("Operation cannot be fulfilled on " + info.plural + " \"" +
                               r.path.name + "\": the object has been modified");
              }
              scale = scale_body;
            } else {
              CO_RETURN_IF_ERROR(ApplyPatch(*patch_type, r.body, scale));
            }
            if (!scale.contains("spec") || !scale["spec"]["replicas"].is_number_integer() ||
                scale["spec"]["replicas"].get<int64_t>() < 0) {
              return Invalid("Scale", r.path.name,
                             "spec.replicas: Invalid value: must be greater than or equal to 0");
            }
            object["spec"]["replicas"] = scale["spec"]["replicas"];
            return Ok();
          },
          r.query.dry_run));
  return ApiReply{200, ScaleOf(updated).dump()};
}

Result<ApiReply> ApiHandlers::Evict(const ApiRequest& r) {
  CO_ASSIGN_OR_RETURN(json eviction, DecodeBody(r));
  std::lock_guard lock(eviction_mutex_);
  CO_ASSIGN_OR_RETURN(json pod, store_->Get("pods", r.path.namespace_name, r.path.name));
  CO_RETURN_IF_ERROR(CheckEviction(*store_, pod));
  bool dry_run = r.query.dry_run;
  if (eviction.contains("deleteOptions") && eviction["deleteOptions"].contains("dryRun")) {
    dry_run = dry_run || !eviction["deleteOptions"]["dryRun"].empty();
  }
  if (!dry_run) {
    CO_RETURN_IF_ERROR(store_->Delete("pods", r.path.namespace_name, r.path.name));
  }
  return ApiReply{201, SuccessStatus(201).dump()};
}

Result<ApiReply> ApiHandlers::Bind(const ApiRequest& r) {
  CO_ASSIGN_OR_RETURN(json binding, DecodeBody(r));
  std::string node = binding.contains("target") ? binding["target"].value("name", "") : "";
  if (node.empty()) return Invalid("Binding", r.path.name, "target.name: Required value");
  CO_ASSIGN_OR_RETURN(json node_object, store_->Get("nodes", "", node));
  CO_RETURN_IF_ERROR(store_->Mutate(
      "pods", r.path.namespace_name, r.path.name,
      [&](json& pod) -> Status {
        std::string current = pod["spec"].value("nodeName", "");
        if (!current.empty()) {
          return Aborted("Operation cannot be fulfilled on pods/binding \"" + r.path.name +
                         "\": pod " + r.path.name + " is already assigned to node \"" + current +
                         "\"");
        }
        pod["spec"]["nodeName"] = node;
        return Ok();
      },
      r.query.dry_run));
  return ApiReply{201, SuccessStatus(201).dump()};
}

Result<ApiReply> ApiHandlers::Metrics(const ApiRequest& r) {
  if (r.method != "GET") return Unimplemented("the server does not allow this method");
  if (metrics_ == nullptr) return NotFound("the server could not find the requested resource");
  Result<json> doc = r.path.info->plural == "nodes"
                         ? metrics_->NodeMetrics(r.path.name)
                         : metrics_->PodMetrics(r.path.namespace_name, r.path.name);
  if (!doc) return std::unexpected(doc.error());
  if (r.path.name.empty() && !r.query.label_selector.empty() && doc->contains("items")) {
    CO_ASSIGN_OR_RETURN(ObjectFilter filter, ObjectFilter::Parse(r.query.label_selector, ""));
    json kept = json::array();
    for (const json& item : (*doc)["items"]) {
      if (filter.Matches(item)) kept.push_back(item);
    }
    (*doc)["items"] = kept;
  }
  return ApiReply{200, doc->dump()};
}

}  // namespace cloudoptim::sandbox
