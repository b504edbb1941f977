// HttpClient over libcurl: TLS verified by default, in-memory CA and client certificates,
// connections kept alive across requests, and every libcurl failure mapped to a canonical
// code in one place (MapCurlError).
//
//   CurlHttpClient http(CurlHttpClientOptions{
//       .tls = {.ca_pem = ca_bytes, .client_cert_pem = cert, .client_key_pem = key,
//               .server_name = "kubernetes.default.svc"},
//       .connect_timeout = std::chrono::seconds(5)});
//   Result<HttpResponse> r = http.Send({.url = "https://10.0.0.1:6443/version"});
//
// Thread-safe: each call borrows an easy handle from a small pool (a handle keeps its own
// connection cache, so sequential calls reuse the connection) and returns it afterwards.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "net/http_client.h"

namespace cloudoptim {

struct TlsOptions {
  // PEM bytes of the CA bundle to trust instead of the system store (kubeconfig's
  // certificate-authority-data, decoded). Empty: the system store.
  std::string ca_pem;
  // PEM client certificate and key for mutual TLS. Both or neither.
  std::string client_cert_pem;
  std::string client_key_pem;
  // Skips server certificate and host name verification. Only for explicit user opt-in
  // (kubeconfig insecure-skip-tls-verify); never a default.
  bool insecure_skip_verify = false;
  // Verify the server certificate against this name (and send it as SNI and Host) while still
  // connecting to the URL's address: kubeconfig tls-server-name.
  std::string server_name;
};

struct CurlHttpClientOptions {
  TlsOptions tls;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // Whole-transfer limit used when a request sets none. Zero: no limit (watch clients).
  std::chrono::milliseconds default_timeout{std::chrono::seconds(60)};
  std::string user_agent = "cloudoptim/0.1";
};

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpClientOptions options = {});
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  Result<HttpResponse> Send(const HttpRequest& request) override;
  Result<HttpResponse> SendStreaming(const HttpRequest& request,
                                     const BodyChunkCallback& on_chunk) override;

 private:
  void* AcquireHandle();
  void ReleaseHandle(void* handle);
  Result<HttpResponse> Perform(const HttpRequest& request, const BodyChunkCallback* on_chunk);

  CurlHttpClientOptions options_;
  std::mutex mutex_;
  std::vector<void*> idle_handles_;  // CURL*, kept opaque so curl.h stays out of this header
};

// The one place libcurl result codes become canonical errors. `curl_code` is a CURLcode;
// `detail` is libcurl's error buffer. Exposed for tests.
Error MapCurlError(int curl_code, std::string_view method, std::string_view url,
                   std::string_view detail);

// Whether an error from CurlHttpClient::Send means that no byte of the request left this
// process: the host could not be resolved, no connection could be made, the server's
// certificate was not trusted, or the URL or client certificate was unusable. Such a request
// changed nothing and is safe to repeat. Anything else (a timeout, a connection reset or an
// empty reply) may have come after the server got the request.
bool RequestNeverSent(const Error& error);

}  // namespace cloudoptim
