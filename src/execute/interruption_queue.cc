#include "execute/interruption_queue.h"

#include <algorithm>

namespace cloudoptim {

SqsInterruptionQueue::SqsInterruptionQueue(aws::SqsClient& sqs, std::string queue_url,
                                           int32_t visibility_timeout_seconds)
    : sqs_(sqs),
      queue_url_(std::move(queue_url)),
      visibility_timeout_seconds_(visibility_timeout_seconds) {}

Result<std::vector<aws::SqsMessage>> SqsInterruptionQueue::Receive(int max_messages,
                                                                   Duration wait) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(wait).count();
  return sqs_.ReceiveMessage(
      queue_url_, {.max_messages = std::clamp(max_messages, 1, 10),
                   .wait_seconds = static_cast<int32_t>(std::clamp<int64_t>(seconds, 0, 20)),
                   .visibility_timeout_seconds = visibility_timeout_seconds_});
}

Status SqsInterruptionQueue::Delete(const std::string& receipt_handle) {
  return sqs_.DeleteMessage(queue_url_, receipt_handle);
}

Status SqsInterruptionQueue::Release(const std::string& receipt_handle, Duration delay) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(delay).count();
  return sqs_.ChangeMessageVisibility(queue_url_, receipt_handle,
                                      static_cast<int32_t>(std::clamp<int64_t>(seconds, 0, 43200)));
}

std::string InMemoryInterruptionQueue::Send(std::string body) {
  std::lock_guard lock(mutex_);
  aws::SqsMessage message{.message_id = "m-" + std::to_string(++next_id_), .body = std::move(body)};
  visible_.push_back(message);
  available_.notify_one();
  return message.message_id;
}

Result<std::vector<aws::SqsMessage>> InMemoryInterruptionQueue::Receive(int max_messages,
                                                                        Duration wait) {
  std::unique_lock lock(mutex_);
  available_.wait_for(lock, wait, [this] { return !visible_.empty(); });
  std::vector<aws::SqsMessage> batch;
  while (!visible_.empty() && static_cast<int>(batch.size()) < max_messages) {
    aws::SqsMessage message = std::move(visible_.front());
    visible_.pop_front();
    ++message.receive_count;
    message.receipt_handle = message.message_id + "#" + std::to_string(message.receive_count);
    in_flight_[message.receipt_handle] = message;
    batch.push_back(std::move(message));
  }
  return batch;
}

Status InMemoryInterruptionQueue::Delete(const std::string& receipt_handle) {
  std::lock_guard lock(mutex_);
  if (in_flight_.erase(receipt_handle) == 0) {
    return InvalidArgument("receipt handle \"" + receipt_handle + "\" is not in flight");
  }
  ++deleted_;
  return Ok();
}

// Time is not simulated: a zero delay makes the message visible at once, any other delay
// leaves it in flight until ExpireInFlight (tests decide when "later" is).
Status InMemoryInterruptionQueue::Release(const std::string& receipt_handle, Duration delay) {
  std::lock_guard lock(mutex_);
  auto it = in_flight_.find(receipt_handle);
  if (it == in_flight_.end()) {
    return InvalidArgument("receipt handle \"" + receipt_handle + "\" is not in flight");
  }
  ++released_;
  if (delay > Duration::zero()) return Ok();
  visible_.push_back(std::move(it->second));
  in_flight_.erase(it);
  available_.notify_one();
  return Ok();
}

void InMemoryInterruptionQueue::ExpireInFlight() {
  std::lock_guard lock(mutex_);
  for (auto& [handle, message] : in_flight_) visible_.push_back(std::move(message));
  in_flight_.clear();
  available_.notify_all();
}

size_t InMemoryInterruptionQueue::visible() const {
  std::lock_guard lock(mutex_);
  return visible_.size();
}
size_t InMemoryInterruptionQueue::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_.size();
}
size_t InMemoryInterruptionQueue::released() const {
  std::lock_guard lock(mutex_);
  return released_;
}
size_t InMemoryInterruptionQueue::deleted() const {
  std::lock_guard lock(mutex_);
  return deleted_;
}

}  // namespace cloudoptim
