// The outbound HTTP interface every CloudOptim client talks through: CurlHttpClient in
// production, a hand-written fake (or a local test server) in tests.
//
//   CurlHttpClient http(CurlHttpClientOptions{.tls = {.ca_pem = ca}});
//   Result<HttpResponse> r = http.Send({.method = "GET", .url = server + "/api/v1/nodes"});
//   if (!r) return r.error();                          // transport failed: no HTTP status
//   if (!r->ok()) return ErrorFromHttpStatus(*r, url);  // or the client's own mapping
//
// For the Kubernetes client (h/kube): build one CurlHttpClient per cluster from the kubeconfig
// (ca_pem = certificate-authority-data decoded, client_cert_pem/client_key_pem likewise,
// insecure_skip_verify, server_name = tls-server-name) and share it between threads; it keeps
// connections alive. Add "Authorization: Bearer <token>" per request. Watches use
// SendStreaming with `timeout` zero (no whole-transfer limit) and a `cancelled` flag; the
// callback receives raw body bytes (chunk boundaries are arbitrary: split lines yourself).
// Non-2xx responses are returned as values, not errors: decode the Kubernetes Status body and
// map it in kube's one mapping place, falling back to ErrorFromHttpStatus. Retries: see
// net/retry_policy.h.
#pragma once

#include <functional>
#include <string_view>

#include "common/error.h"
#include "net/http_message.h"

namespace cloudoptim {

// Receives each piece of a streamed response body as it arrives. Return false to stop the
// transfer (the call then returns ErrorCode::kCancelled).
using BodyChunkCallback = std::function<bool(std::string_view chunk)>;

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Performs one exchange. Returns the response whatever its status (4xx/5xx included); fails
  // only when no response was received:
  //   Unavailable       connection refused, name not resolved, reset, TLS handshake failed, or
  //                     the server certificate is not trusted by the configured CA
  //   DeadlineExceeded  the connect or total timeout ran out
  //   Cancelled         request.cancelled became true
  //   InvalidArgument   malformed URL, unusable client certificate or key
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;

  // As Send, but hands the body to `on_chunk` as it arrives instead of keeping it: the
  // returned response has status and headers and an empty body. Errors as for Send.
  // The default delivers the whole body of Send() as one chunk (enough for fakes).
  virtual Result<HttpResponse> SendStreaming(const HttpRequest& request,
                                             const BodyChunkCallback& on_chunk);
};

// A generic mapping of a non-2xx status onto the canonical codes, for clients whose peers say
// nothing more specific: 400 InvalidArgument, 401 Unauthenticated, 403 PermissionDenied,
// 404 NotFound, 409 Aborted, 429 ResourceExhausted, 504 DeadlineExceeded, other 5xx
// Unavailable, anything else Unknown. The message names the method, URL, status and the first
// 200 bytes of the body.
Error ErrorFromHttpStatus(const HttpRequest& request, const HttpResponse& response);

}  // namespace cloudoptim
