// HTTP requests and responses as plain values, shared by every outbound client (Kubernetes,
// AWS) and their fakes. Header lookup is case-insensitive, as HTTP requires.
//
//   HttpRequest request{.method = "POST", .url = "https://ec2.us-east-1.amazonaws.com/"};
//   request.headers.Set("Content-Type", "application/x-www-form-urlencoded");
//   std::optional<std::string_view> retry_after = response.headers.Get("retry-after");
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cloudoptim {

// An ordered list of header fields. Order is kept (signers and logs want it); lookup ignores
// case. Several fields may share a name (Add); Set replaces every field of that name.
class HttpHeaders {
 public:
  HttpHeaders() = default;
  HttpHeaders(std::initializer_list<std::pair<std::string, std::string>> fields);

  void Add(std::string name, std::string value);
  void Set(std::string name, std::string value);
  void Remove(std::string_view name);
  // The first field called `name`, any case.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  std::string body;
  // Whole-transfer limit for this request; zero means the client's default. Watches set a
  // long one (or zero with a streaming client default of "none").
  std::chrono::milliseconds timeout{0};
  // When set and becoming true, the transfer stops soon after with ErrorCode::kCancelled.
  // Must outlive the call. Used to stop Kubernetes watches and SQS long polls on shutdown.
  const std::atomic<bool>* cancelled = nullptr;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;

  bool ok() const { return status >= 200 && status < 300; }
};

}  // namespace cloudoptim
