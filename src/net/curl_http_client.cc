#include "net/curl_http_client.h"

#include <curl/curl.h>

#include <memory>
#include <string>

namespace cloudoptim {
namespace {

constexpr size_t kMaxIdleHandles = 8;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

void Append(Slist& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (grown != nullptr) {
    (void)list.release();
    list.reset(grown);
  }
}

// Everything the libcurl callbacks need for one transfer.
struct Transfer {
  HttpResponse response;
  const BodyChunkCallback* on_chunk = nullptr;
  const std::atomic<bool>* cancelled = nullptr;
  bool stopped_by_receiver = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (transfer->on_chunk == nullptr) {
    transfer->response.body.append(data, bytes);
    return bytes;
  }
  if (!(*transfer->on_chunk)(std::string_view(data, bytes))) {
    transfer->stopped_by_receiver = true;
    return 0;  // makes libcurl abort with CURLE_WRITE_ERROR
  }
  return bytes;
}

// Header lines arrive one by one, including the status line of every response on the way
// (100 Continue, redirects): a status line starts a fresh header set.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  std::string_view line(data, bytes);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    transfer->response.headers = HttpHeaders();
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  transfer->response.headers.Add(std::string(line.substr(0, colon)), std::string(value));
  return bytes;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  return transfer->cancelled != nullptr && transfer->cancelled->load() ? 1 : 0;
}

void SetBlob(CURL* curl, CURLoption option, const std::string& bytes) {
  curl_blob blob{const_cast<char*>(bytes.data()), bytes.size(), CURL_BLOB_COPY};
  curl_easy_setopt(curl, option, &blob);
}

// tls-server-name: connect to the URL's host and port, but talk TLS (SNI, certificate name
// check, Host) as `server_name`. libcurl has no separate SNI option, so the URL's host is
// replaced by the server name and CURLOPT_CONNECT_TO routes that name to the real address.
Result<std::string> RouteThroughServerName(const std::string& url, const std::string& server_name,
                                           Slist& connect_to) {
  CURLU* parsed = curl_url();
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> guard(parsed, curl_url_cleanup);
  if (curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return InvalidArgument("malformed URL \"" + url + "\"");
  }
  char* host = nullptr;
  char* port = nullptr;
  curl_url_get(parsed, CURLUPART_HOST, &host, 0);
  curl_url_get(parsed, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  std::string route = server_name + ":" + (port ? port : "443") + ":" + (host ? host : "") + ":" +
                      (port ? port : "443");
  curl_free(host);
  curl_free(port);
  Append(connect_to, route);
  curl_url_set(parsed, CURLUPART_HOST, server_name.c_str(), 0);
  char* rewritten = nullptr;
  curl_url_get(parsed, CURLUPART_URL, &rewritten, 0);
  std::string result = rewritten ? rewritten : url;
  curl_free(rewritten);
  return result;
}

void SetMethodAndBody(CURL* curl, const HttpRequest& request) {
  if (request.method == "GET" && request.body.empty()) return;
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    return;
  }
  if (request.method != "POST" || !request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }
  if (request.method == "POST" && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
  }
  if (request.method != "POST") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

void SetTls(CURL* curl, const TlsOptions& tls) {
  if (!tls.ca_pem.empty()) SetBlob(curl, CURLOPT_CAINFO_BLOB, tls.ca_pem);
  if (!tls.client_cert_pem.empty()) {
    SetBlob(curl, CURLOPT_SSLCERT_BLOB, tls.client_cert_pem);
    curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
  }
  if (!tls.client_key_pem.empty()) {
    SetBlob(curl, CURLOPT_SSLKEY_BLOB, tls.client_key_pem);
    curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
  }
  const long verify = tls.insecure_skip_verify ? 0L : 1L;
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, verify);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, tls.insecure_skip_verify ? 0L : 2L);
}

}  // namespace

namespace {
// MapCurlError's wording of the failures that happen before the request is written; read back
// by RequestNeverSent, so both live here.
constexpr std::string_view kUnusableUrl = "unusable URL (";
constexpr std::string_view kUnusableClientCertificate = "the client certificate or key cannot";
constexpr std::string_view kUntrustedServer = "the server certificate is not trusted";
constexpr std::string_view kCannotResolve = "cannot resolve host (";
constexpr std::string_view kCannotConnect = "cannot connect (";
}  // namespace

Error MapCurlError(int curl_code, std::string_view method, std::string_view url,
                   std::string_view detail) {
  const auto code = static_cast<CURLcode>(curl_code);
  std::string what = std::string(method) + " " + std::string(url) + ": ";
  std::string cause = detail.empty() ? curl_easy_strerror(code) : std::string(detail);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Error{ErrorCode::kDeadlineExceeded, what + "timed out (" + cause + ")"};
    case CURLE_ABORTED_BY_CALLBACK:
      return Error{ErrorCode::kCancelled, what + "cancelled"};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error{ErrorCode::kInvalidArgument, what + std::string(kUnusableUrl) + cause + ")"};
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
      return Error{ErrorCode::kInvalidArgument,
                   what + std::string(kUnusableClientCertificate) + " be used (" + cause + ")"};
    // Trust failures are Unavailable rather than PermissionDenied: the server was never
    // reached over a channel we trust, so nothing was authorised or refused. The message
    // says what to fix.
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return Error{ErrorCode::kUnavailable,
                   what + std::string(kUntrustedServer) + " by the configured CA (" + cause + ")"};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Error{ErrorCode::kUnavailable, what + std::string(kCannotResolve) + cause + ")"};
    case CURLE_COULDNT_CONNECT:
      return Error{ErrorCode::kUnavailable, what + std::string(kCannotConnect) + cause + ")"};
    default:
      return Error{ErrorCode::kUnavailable, what + cause};
  }
}

bool RequestNeverSent(const Error& error) {
  if (error.code != ErrorCode::kUnavailable && error.code != ErrorCode::kInvalidArgument) {
    return false;
  }
  for (std::string_view phrase : {kUnusableUrl, kUnusableClientCertificate, kUntrustedServer,
                                  kCannotResolve, kCannotConnect}) {
    if (error.message.find(": " + std::string(phrase)) != std::string::npos) return true;
  }
  return false;
}

CurlHttpClient::CurlHttpClient(CurlHttpClientOptions options) : options_(std::move(options)) {
  GlobalInitOnce();
}

CurlHttpClient::~CurlHttpClient() {
  for (void* handle : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* CurlHttpClient::AcquireHandle() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_handles_.empty()) {
      void* handle = idle_handles_.back();
      idle_handles_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void CurlHttpClient::ReleaseHandle(void* handle) {
  std::lock_guard lock(mutex_);
  if (idle_handles_.size() < kMaxIdleHandles) {
    idle_handles_.push_back(handle);
  } else {
    curl_easy_cleanup(static_cast<CURL*>(handle));
  }
}

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  return Perform(request, nullptr);
}

Result<HttpResponse> CurlHttpClient::SendStreaming(const HttpRequest& request,
                                                   const BodyChunkCallback& on_chunk) {
  return Perform(request, &on_chunk);
}

Result<HttpResponse> CurlHttpClient::Perform(const HttpRequest& request,
                                             const BodyChunkCallback* on_chunk) {
  CURL* curl = static_cast<CURL*>(AcquireHandle());
  if (curl == nullptr) return Internal("libcurl could not create a transfer handle");
  // Reset clears options but keeps the handle's live connections, which is the point.
  curl_easy_reset(curl);

  Slist connect_to;
  std::string url = request.url;
  if (!options_.tls.server_name.empty()) {
    auto routed = RouteThroughServerName(request.url, options_.tls.server_name, connect_to);
    if (!routed) {
      ReleaseHandle(curl);
      return std::unexpected(routed.error());
    }
    url = *routed;
    curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_to.get());
  }
  Slist headers;
  for (const auto& [name, value] : request.headers.fields()) Append(headers, name + ": " + value);
  Append(headers, "Expect:");  // no 100-continue round trip for bodies

  Transfer transfer{.on_chunk = on_chunk, .cancelled = request.cancelled};
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  const auto timeout = request.timeout.count() > 0 ? request.timeout : options_.default_timeout;
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  SetMethodAndBody(curl, request);
  SetTls(curl, options_.tls);

  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  ReleaseHandle(curl);

  if (transfer.stopped_by_receiver) {
    return MakeError(ErrorCode::kCancelled,
                     request.method + " " + request.url + ": stopped by the receiver of the body");
  }
  if (code != CURLE_OK)
    return std::unexpected(MapCurlError(code, request.method, request.url, error_buffer));
  transfer.response.status = static_cast<int>(status);
  return std::move(transfer.response);
}

}  // namespace cloudoptim
