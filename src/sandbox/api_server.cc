#include "sandbox/api_server.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "sandbox/api_status.h"
#include "sandbox/object_filter.h"
#include "sandbox/resource_registry.h"
#include "sandbox/table_printer.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

constexpr char kJson[] = "application/json";
// What the API server sends for watches. It also keeps cpp-httplib from gzip-compressing the
// stream, which would hold events back in the compressor's buffer.
constexpr char kWatchJson[] = "application/json;stream=watch";

// cpp-httplib serves a connection on one pool thread for the connection's whole life: a
// watch, and also an idle keep-alive connection (until keep_alive_timeout). A connection
// beyond the pool waits in its queue until a thread frees up. The interruption benchmark's
// clients (50 clusters, each reached from ~24 handler threads) keep ~70-280 connections open:
// with 48 threads, then 256, every thread polled an idle keep-alive socket while cordons
// queued, the process idle. Idle pool threads cost a stack and a condition variable (a
// thread holding an idle connection a 10 ms poll), so the pool is sized for a client fleet,
// as the Go API server accepts connections without a limit.
constexpr size_t kServerThreads = 1024;

void SendError(httplib::Response& res, const Error& error, const StatusDetails& details = {}) {
  ApiError api_error = ToApiError(error, details);
  res.status = api_error.http_code;
  res.set_content(api_error.body.dump(), kJson);
}

std::string BearerToken(const httplib::Request& req) {
  std::string header = req.get_header_value("Authorization");
  static constexpr std::string_view kPrefix = "Bearer ";
  if (!header.starts_with(kPrefix)) return "";
  return header.substr(kPrefix.size());
}

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : "";
}

bool WantsTable(const httplib::Request& req) {
  return req.get_header_value("Accept").find("as=Table") != std::string::npos;
}

std::string EventLine(std::string_view type, std::string_view object) {
  std::string line = R"({"type":")";
  line.append(type);
  line.append(R"(","object":)");
  line.append(object);
  line.append("}\n");
  return line;
}

}  // namespace

ApiServer::ApiServer(ObjectStore* store, ApiHandlers* handlers, const AccessPolicy* policy,
                     const TlsIdentity* tls, const Clock* clock)
    : store_(store), handlers_(handlers), policy_(policy), tls_(tls), clock_(clock) {}

ApiServer::~ApiServer() { Stop(); }

Result<int> ApiServer::Start(int port) {
  server_ = std::make_unique<httplib::SSLServer>(tls_->server_cert(), tls_->server_key());
  if (!server_->is_valid()) return Internal("the TLS server could not be set up");
  server_->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  server_->set_keep_alive_timeout(30);
  // Headers and body go out in two writes; with Nagle on, the body waits for the client's
  // delayed ACK (~40 ms on every keep-alive request: the interruption burst paid it per cordon).
  server_->set_tcp_nodelay(true);
  server_->set_read_timeout(30, 0);
  server_->set_write_timeout(30, 0);
  server_->set_payload_max_length(64 * 1024 * 1024);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    Dispatch(req, res);
  };
  server_->Get(".*", handler);
  server_->Post(".*", handler);
  server_->Put(".*", handler);
  server_->Patch(".*", handler);
  server_->Delete(".*", handler);
  if (port == 0) {
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return Unavailable("cannot bind a port on 127.0.0.1");
  } else {
    if (!server_->bind_to_port("127.0.0.1", port)) {
      return Unavailable("cannot bind 127.0.0.1:" + std::to_string(port) +
                         " (is it in use? choose another with --port)");
    }
    port_ = port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return port_;
}

void ApiServer::Stop() {
  if (!server_) return;
  stopping_ = true;
  store_->CloseAllWatchers();
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

void ApiServer::Dispatch(const httplib::Request& req, httplib::Response& res) {
  Result<std::string> user = policy_->Authenticate(BearerToken(req));
  if (!user) return SendError(res, user.error());
  Result<ApiPath> path = ParseApiPath(req.path);
  if (!path) return SendError(res, path.error());
  switch (path->kind) {
    case ApiPath::Kind::kVersion:
      return res.set_content(VersionDocument().dump(), kJson);
    case ApiPath::Kind::kCoreVersions:
      return res.set_content(CoreVersionsDocument("127.0.0.1:" + std::to_string(port_)).dump(),
                             kJson);
    case ApiPath::Kind::kGroupList:
      return res.set_content(GroupListDocument().dump(), kJson);
    case ApiPath::Kind::kGroup:
    case ApiPath::Kind::kResourceList: {
      json doc = path->kind == ApiPath::Kind::kGroup
                     ? GroupDocument(path->group)
                     : ResourceListDocument(path->group, path->version);
      if (doc.is_null()) {
        return SendError(
            res, Error{ErrorCode::kNotFound, "the server could not find the requested resource"});
      }
      return res.set_content(doc.dump(), kJson);
    }
    case ApiPath::Kind::kOpenApi: {
      // OpenAPI v3 with just enough for kubectl to rely on server-side field validation and
      // its compiled-in patch schemas; no v2 (kubectl wants it as protobuf).
      std::string_view rest =
          std::string_view(req.path).substr(std::string_view("/openapi").size());
      json doc = rest == "/v3" || rest == "/v3/" ? OpenApiV3Discovery()
                 : rest.starts_with("/v3/")      ? OpenApiV3Document(rest.substr(4))
                                                 : json();
      if (doc.is_null()) {
        return SendError(
            res, Error{ErrorCode::kNotFound, "the server could not find the requested resource"});
      }
      return res.set_content(doc.dump(), kJson);
    }
    case ApiPath::Kind::kAdmin:
      return ServeAdmin(req, res, *path);
    case ApiPath::Kind::kResource:
      return ServeResource(req, res, *path, *user);
  }
}

void ApiServer::ServeResource(const httplib::Request& req, httplib::Response& res,
                              const ApiPath& path, const std::string& user) {
  (void)user;
  bool watch = Param(req, "watch") == "true" || Param(req, "watch") == "1";
  AccessRequest access{VerbOf(req.method, path, watch),
                       path.group,
                       path.info->plural,
                       path.subresource,
                       path.namespace_name,
                       path.name};
  Result<std::string> allowed = policy_->Authorize(BearerToken(req), access);
  StatusDetails details{path.info->plural, path.group, path.name};
  if (!allowed) return SendError(res, allowed.error(), details);
  if (watch) return ServeWatch(req, res, path);

  ApiRequest request;
  request.method = req.method;
  request.path = path;
  request.body = req.body;
  request.content_type = req.get_header_value("Content-Type");
  request.query.label_selector = Param(req, "labelSelector");
  request.query.field_selector = Param(req, "fieldSelector");
  request.query.continue_token = Param(req, "continue");
  request.query.dry_run = Param(req, "dryRun") == "All";
  request.query.resource_version = Param(req, "resourceVersion");
  request.query.table = WantsTable(req);
  if (std::string limit = Param(req, "limit"); !limit.empty()) {
    request.query.limit = std::strtoll(limit.c_str(), nullptr, 10);
  }
  Result<ApiReply> reply = handlers_->Handle(request);
  if (!reply) return SendError(res, reply.error(), details);
  res.status = reply->http_code;
  res.set_content(std::move(reply->body), kJson);
}

// A watch is a chunked response of one JSON event per line. It starts from the requested
// resourceVersion (replaying the kept window) or, without one, with ADDED events for what
// exists now. A version older than the window gets the API server's answer: a single ERROR
// event carrying a 410 Expired Status, after which the client re-lists.
void ApiServer::ServeWatch(const httplib::Request& req, httplib::Response& res,
                           const ApiPath& path) {
  Result<ObjectFilter> filter =
      ObjectFilter::Parse(Param(req, "labelSelector"), Param(req, "fieldSelector"));
  if (!filter) return SendError(res, filter.error());
  std::string rv_text = Param(req, "resourceVersion");
  uint64_t from_version = std::strtoull(rv_text.c_str(), nullptr, 10);
  Result<std::shared_ptr<ObjectStore::Watcher>> watcher =
      store_->Watch(path.info->StorageKey(), path.namespace_name, from_version, from_version == 0);
  if (!watcher) {
    json status = ToApiError(watcher.error()).body;
    res.set_content(EventLine("ERROR", status.dump()), kJson);
    return;
  }
  int64_t timeout_seconds = std::strtoll(Param(req, "timeoutSeconds").c_str(), nullptr, 10);
  if (timeout_seconds <= 0) timeout_seconds = 1800;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  bool bookmarks = Param(req, "allowWatchBookmarks") == "true";
  bool table = WantsTable(req);
  const ResourceInfo* info = path.info;
  auto state =
      std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  std::shared_ptr<ObjectStore::Watcher> w = *watcher;
  ObjectFilter object_filter = std::move(*filter);
  res.set_chunked_content_provider(
      kWatchJson,
      [this, w, object_filter, deadline, bookmarks, table, info, state](size_t,
                                                                        httplib::DataSink& sink) {
        std::vector<WatchEvent> events;
        bool open = w->Next(std::chrono::milliseconds(500), &events);
        for (const WatchEvent& event : events) {
          json object = json::parse(*event.object);
          if (!object_filter.Matches(object)) continue;
          std::string body = *event.object;
          if (table) body = RenderTable(info->plural, {object}, clock_->Now()).dump();
          std::string line = EventLine(WatchEventTypeName(event.type), body);
          if (!sink.write(line.data(), line.size())) return false;
        }
        auto now = std::chrono::steady_clock::now();
        if (bookmarks && now - *state >= bookmark_interval_) {
          *state = now;
          json mark = {
              {"kind", info->kind},
              {"apiVersion", info->ApiVersion()},
              {"metadata", {{"resourceVersion", std::to_string(store_->CurrentVersion())}}}};
          std::string line = EventLine("BOOKMARK", mark.dump());
          if (!sink.write(line.data(), line.size())) return false;
        }
        if (!open || stopping_ || now >= deadline || !sink.is_writable()) sink.done();
        return true;
      },
      [this, w](bool) { store_->Unwatch(w); });
}

void ApiServer::ServeAdmin(const httplib::Request& req, httplib::Response& res,
                           const ApiPath& path) {
  AccessRequest access{"create", "sandbox.cloudoptim.io", path.admin_action, "", "", ""};
  Result<std::string> allowed = policy_->Authorize(BearerToken(req), access);
  if (!allowed) return SendError(res, allowed.error());
  if (path.admin_action != "interrupt" || req.method != "POST" || !interrupt_) {
    return SendError(
        res, Error{ErrorCode::kNotFound, "the server could not find the requested resource"});
  }
  std::string target = Param(req, "instance");
  if (target.empty()) target = Param(req, "node");
  if (target.empty()) {
    return SendError(
        res, Error{ErrorCode::kInvalidArgument, "interrupt needs ?instance=i-... or ?node=NAME"});
  }
  Status status = interrupt_(target);
  if (!status) return SendError(res, status.error());
  res.status = 202;
  res.set_content(json({{"kind", "Status"},
                        {"apiVersion", "v1"},
                        {"status", "Success"},
                        {"message", "spot interruption queued for " + target},
                        {"code", 202}})
                      .dump(),
                  kJson);
}

}  // namespace cloudoptim::sandbox
