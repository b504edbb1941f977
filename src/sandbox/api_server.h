// The sandbox's Kubernetes API server: HTTPS (cpp-httplib's SSLServer with the generated
// TLS identity) on loopback, bearer-token authentication and per-token authorization,
// discovery documents, the verbs of ApiHandlers, watch streams (chunked, one JSON event per
// line, bookmarks, 410 Gone) and the sandbox's admin endpoint
// (POST /sandbox/v1/interrupt?instance=i-... or ?node=...).
//
//   ApiServer server(&store, &handlers, &policy, &tls, &clock);
//   server.SetInterruptHandler([&](const std::string& target) { return cluster.Interrupt(target); });
//   Result<int> port = server.Start(0);   // 0 picks a free port
//   ...
//   server.Stop();
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/error.h"
#include "sandbox/access_policy.h"
#include "sandbox/api_handlers.h"
#include "sandbox/object_store.h"
#include "sandbox/tls_identity.h"

namespace httplib {
class SSLServer;
struct Request;
struct Response;
}  // namespace httplib

namespace cloudoptim::sandbox {

class ApiServer {
 public:
  using InterruptHandler = std::function<Status(const std::string& instance_or_node)>;

  ApiServer(ObjectStore* store, ApiHandlers* handlers, const AccessPolicy* policy,
            const TlsIdentity* tls, const Clock* clock);
  ~ApiServer();

  void SetInterruptHandler(InterruptHandler handler) { interrupt_ = std::move(handler); }
  // Seconds of wall time between watch bookmarks (when the client allows them).
  void SetBookmarkInterval(std::chrono::milliseconds interval) { bookmark_interval_ = interval; }

  // Binds 127.0.0.1:port (0 = any free port) and serves on a background thread.
  Result<int> Start(int port);
  void Stop();
  int port() const { return port_; }

 private:
  void Dispatch(const httplib::Request& req, httplib::Response& res);
  void ServeResource(const httplib::Request& req, httplib::Response& res, const ApiPath& path,
                     const std::string& user);
  void ServeWatch(const httplib::Request& req, httplib::Response& res, const ApiPath& path);
  void ServeAdmin(const httplib::Request& req, httplib::Response& res, const ApiPath& path);

  ObjectStore* store_;
  ApiHandlers* handlers_;
  const AccessPolicy* policy_;
  const TlsIdentity* tls_;
  const Clock* clock_;
  InterruptHandler interrupt_;
  std::chrono::milliseconds bookmark_interval_{5000};
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  int port_ = 0;
};

}  // namespace cloudoptim::sandbox
