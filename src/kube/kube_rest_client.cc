#include "kube/kube_rest_client.h"

#include "kube/kube_error.h"
#include "net/curl_http_client.h"

namespace cloudoptim {
namespace {

bool IsRetryableStatus(int status, bool retry_throttled) {
  if (status == 429) return retry_throttled;
  return status == 500 || status == 502 || status == 503 || status == 504;
}

// A certificate the CA does not trust will not become trusted by asking again.
bool IsRetryableTransport(const Error& error) {
  return IsRetryable(error) && error.message.find("not trusted") == std::string::npos &&
         error.message.find("certificate") == std::string::npos;
}

}  // namespace

KubeRestClient::KubeRestClient(ClusterConnection connection, std::shared_ptr<HttpClient> http,
                               Clock& clock, KubeRestOptions options)
    : connection_(std::move(connection)),
      http_(std::move(http)),
      clock_(clock),
      options_(options),
      tokens_(connection_, clock) {}

std::unique_ptr<KubeRestClient> KubeRestClient::Create(const ClusterConnection& connection,
                                                       Clock& clock, KubeRestOptions options) {
  CurlHttpClientOptions http_options;
  http_options.tls.ca_pem = connection.ca_pem;
  http_options.tls.client_cert_pem = connection.client_cert_pem;
  http_options.tls.client_key_pem = connection.client_key_pem;
  http_options.tls.insecure_skip_verify = connection.insecure_skip_tls_verify;
  http_options.tls.server_name = connection.tls_server_name;
  http_options.connect_timeout = options.connect_timeout;
  http_options.default_timeout = options.request_timeout;
  return std::make_unique<KubeRestClient>(
      connection, std::make_shared<CurlHttpClient>(std::move(http_options)), clock, options);
}

Result<HttpRequest> KubeRestClient::BuildRequest(const KubeCall& call) {
  HttpRequest request{.method = call.method, .url = connection_.server + call.path};
  request.headers.Set("Accept", "application/json");
  if (!call.content_type.empty()) request.headers.Set("Content-Type", call.content_type);
  request.body = call.body;
  Result<std::string> token = tokens_.Token();
  if (!token) {
    return std::unexpected(Annotate(token.error(), "getting a token for " + connection_.server));
  }
  if (!token->empty()) request.headers.Set("Authorization", "Bearer " + *token);
  return request;
}

// Why the loop has two kinds of retry: a 401 with a refreshable credential (exec plugin,
// rotating token file) is retried once at once with a fresh token, as kubectl does; transport
// failures, 5xx and 429 wait with jittered exponential backoff (Retry-After as a floor).
Result<HttpResponse> KubeRestClient::Exchange(const KubeCall& call) {
  Retrier retrier(options_.retry, clock_);
  bool refreshed_token = false;
  while (true) {
    CO_ASSIGN_OR_RETURN(HttpRequest request, BuildRequest(call));
    Result<HttpResponse> response = http_->Send(request);
    if (!response) {
      Error error = KubeErrorFromTransport(response.error(), connection_.server);
      if (IsRetryableTransport(error) && retrier.WaitBeforeRetry()) continue;
      return std::unexpected(std::move(error));
    }
    if (response->status == 401 && !refreshed_token && tokens_.CanRefresh()) {
      tokens_.Invalidate();
      refreshed_token = true;
      continue;
    }
    if (IsRetryableStatus(response->status, call.retry_throttled)) {
      auto retry_after = ParseRetryAfter(response->headers.Get("Retry-After"), clock_.Now());
      if (retrier.WaitBeforeRetry(retry_after)) continue;
    }
    return response;
  }
}

Result<std::string> KubeRestClient::Call(const KubeCall& call) {
  CO_ASSIGN_OR_RETURN(HttpResponse response, Exchange(call));
  if (!response.ok()) {
    HttpRequest request{.method = call.method, .url = connection_.server + call.path};
    return std::unexpected(KubeErrorFromResponse(request, response));
  }
  return std::move(response.body);
}

Status KubeRestClient::StreamLines(const std::string& path,
                                   const std::function<bool(std::string_view)>& on_line,
                                   const std::atomic<bool>* cancelled,
                                   std::chrono::milliseconds timeout) {
  CO_ASSIGN_OR_RETURN(HttpRequest request, BuildRequest(KubeCall{.path = path}));
  request.timeout = timeout;
  request.cancelled = cancelled;
  std::string pending;
  bool stopped = false;
  // The status code is not known while chunks arrive. A watch stream's lines are events with
  // a "type"; an error response is one Status object without one. So the first line decides:
  // without "type" it is held back as the error body instead of being delivered.
  bool first_line = true;
  bool error_body = false;
  auto on_chunk = [&](std::string_view chunk) {
    pending.append(chunk);
    if (error_body) return true;
    size_t start = 0;
    for (size_t newline; (newline = pending.find('\n', start)) != std::string::npos;) {
      std::string_view line(pending.data() + start, newline - start);
      if (line.empty()) {
        start = newline + 1;
        continue;
      }
      if (first_line && line.find("\"type\"") == std::string_view::npos) {
        error_body = true;
        return true;
      }
      first_line = false;
      start = newline + 1;
      if (!on_line(line)) {
        stopped = true;
        return false;
      }
    }
    pending.erase(0, start);
    return true;
  };
  Result<HttpResponse> response = http_->SendStreaming(request, on_chunk);
  if (stopped) return Ok();
  if (!response) {
    if (response.error().code == ErrorCode::kCancelled) return std::unexpected(response.error());
    return std::unexpected(KubeErrorFromTransport(response.error(), connection_.server));
  }
  if (!response->ok()) {
    response->body = pending;  // an error body does not end in a newline
    return std::unexpected(KubeErrorFromResponse(request, *response));
  }
  if (!pending.empty() && !error_body) on_line(pending);
  return Ok();
}

}  // namespace cloudoptim
