// A hand-written HttpClient fake for unit tests of clients built on net: answers from a
// script of handlers (or queued responses) and records every request it saw.
//
//   FakeHttpClient http;
//   http.Enqueue({.status = 200, .body = "<xml/>"});
//   http.SetHandler([](const HttpRequest& r) -> Result<HttpResponse> { ... });
//   client.Call(); EXPECT_EQ(http.requests().size(), 1u);
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "net/http_client.h"

namespace cloudoptim {

class FakeHttpClient final : public HttpClient {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

  // Queued answers are used first, in order; then the handler; else Unavailable.
  void Enqueue(Result<HttpResponse> response) {
    std::lock_guard lock(mutex_);
    queued_.push_back(std::move(response));
  }
  void SetHandler(Handler handler) {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::unique_lock lock(mutex_);
    requests_.push_back(request);
    if (!queued_.empty()) {
      Result<HttpResponse> next = std::move(queued_.front());
      queued_.pop_front();
      return next;
    }
    Handler handler = handler_;
    lock.unlock();
    if (handler) return handler(request);
    return Unavailable("FakeHttpClient: no answer scripted for " + request.url);
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  mutable std::mutex mutex_;
  std::deque<Result<HttpResponse>> queued_;
  Handler handler_;
  std::vector<HttpRequest> requests_;
};

}  // namespace cloudoptim
