// The queue the interruption handler consumes, as a small seam: SqsInterruptionQueue over SQS
// (EventBridge's target), InMemoryInterruptionQueue for tests and benchmarks with SQS's
// at-least-once semantics (a received message stays in flight until deleted, and comes back
// when released or when its visibility ends).
//
//   SqsInterruptionQueue queue(sqs, queue_url);
//   Result<std::vector<aws::SqsMessage>> batch = queue.Receive(10, std::chrono::seconds(20));
//   queue.Delete(batch->front().receipt_handle);
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "aws/sqs_client.h"
#include "common/clock.h"

namespace cloudoptim {

class InterruptionQueue {
 public:
  virtual ~InterruptionQueue() = default;
  // Waits up to `wait` for at least one message; an empty batch is not an error.
  virtual Result<std::vector<aws::SqsMessage>> Receive(int max_messages, Duration wait) = 0;
  virtual Status Delete(const std::string& receipt_handle) = 0;
  // Makes a received message visible again after `delay` (a failed handling is retried soon
  // rather than after the whole visibility timeout).
  virtual Status Release(const std::string& receipt_handle, Duration delay) = 0;
};

class SqsInterruptionQueue final : public InterruptionQueue {
 public:
  // `visibility_timeout_seconds` outlasts the two-minute notice, so a message being handled
  // is not redelivered to another poller meanwhile.
  SqsInterruptionQueue(aws::SqsClient& sqs, std::string queue_url,
                       int32_t visibility_timeout_seconds = 180);
  Result<std::vector<aws::SqsMessage>> Receive(int max_messages, Duration wait) override;
  Status Delete(const std::string& receipt_handle) override;
  Status Release(const std::string& receipt_handle, Duration delay) override;

 private:
  aws::SqsClient& sqs_;
  std::string queue_url_;
  int32_t visibility_timeout_seconds_;
};

// In-memory, thread-safe. Visibility is explicit: a received message stays in flight until
// Delete, Release with a zero delay, or ExpireInFlight (what SQS does when the visibility
// timeout ends).
class InMemoryInterruptionQueue final : public InterruptionQueue {
 public:
  // Returns the message id.
  std::string Send(std::string body);
  Result<std::vector<aws::SqsMessage>> Receive(int max_messages, Duration wait) override;
  Status Delete(const std::string& receipt_handle) override;
  Status Release(const std::string& receipt_handle, Duration delay) override;
  // Every in-flight message becomes visible again (its visibility timeout ended).
  void ExpireInFlight();

  size_t visible() const;
  size_t in_flight() const;
  size_t deleted() const;
  size_t released() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::deque<aws::SqsMessage> visible_;
  std::map<std::string, aws::SqsMessage> in_flight_;  // by receipt handle
  size_t deleted_ = 0;
  size_t released_ = 0;
  int64_t next_id_ = 0;
};

}  // namespace cloudoptim
