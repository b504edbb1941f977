#include "cloudsim/simulated_queue.h"

#include <algorithm>

namespace cloudoptim {
namespace {

std::string WithoutDashes(std::string text) {
  std::erase(text, '-');
  return text;
}

}  // namespace

std::string SimulatedQueue::Send(std::string body, TimePoint now) {
  QueueMessage message;
  message.message_id = ids_.NextUuid();
  message.body = std::move(body);
  message.sent_at = now;
  message.visible_at = now;
  messages_.push_back(std::move(message));
  return messages_.back().message_id;
}

std::vector<QueueMessage> SimulatedQueue::Receive(int32_t max_messages, Duration visibility,
                                                  TimePoint now) {
  std::vector<QueueMessage> received;
  for (QueueMessage& message : messages_) {
    if (static_cast<int32_t>(received.size()) >= max_messages) break;
    if (message.visible_at > now) continue;
    // Real handles are long opaque base64 strings starting "AQEB"; what matters is that each
    // receive issues a new one.
    message.receipt_handle = "AQEB" + WithoutDashes(ids_.NextUuid()) +
                             WithoutDashes(ids_.NextUuid()) + WithoutDashes(message.message_id);
    issued_handles_.insert(message.receipt_handle);
    if (message.receive_count == 0) message.first_received_at = now;
    ++message.receive_count;
    message.visible_at = now + visibility;
    received.push_back(message);
  }
  return received;
}

Status SimulatedQueue::Delete(std::string_view receipt_handle) {
  auto it = std::find_if(messages_.begin(), messages_.end(),
                         [&](const QueueMessage& m) { return m.receipt_handle == receipt_handle; });
  if (it != messages_.end()) {
    messages_.erase(it);
    return Ok();
  }
  if (issued_handles_.contains(receipt_handle)) return Ok();
  return InvalidArgument("ReceiptHandleIsInvalid: the receipt handle \"" +
                         std::string(receipt_handle) + "\" is not valid for this queue");
}

Status SimulatedQueue::ChangeVisibility(std::string_view receipt_handle, Duration visibility,
                                        TimePoint now) {
  auto it = std::find_if(messages_.begin(), messages_.end(),
                         [&](const QueueMessage& m) { return m.receipt_handle == receipt_handle; });
  if (it == messages_.end()) {
    if (issued_handles_.contains(receipt_handle)) return Ok();
    return InvalidArgument("ReceiptHandleIsInvalid: the receipt handle \"" +
                           std::string(receipt_handle) + "\" is not valid for this queue");
  }
  if (it->visible_at <= now) {
    return FailedPrecondition("MessageNotInflight: message " + it->message_id +
                              " is not in flight");
  }
  it->visible_at = now + visibility;
  return Ok();
}

size_t SimulatedQueue::VisibleCount(TimePoint now) const {
  return std::count_if(messages_.begin(), messages_.end(),
                       [&](const QueueMessage& m) { return m.visible_at <= now; });
}

size_t SimulatedQueue::InFlightCount(TimePoint now) const {
  return messages_.size() - VisibleCount(now);
}

std::optional<TimePoint> SimulatedQueue::NextVisibleAt(TimePoint now) const {
  std::optional<TimePoint> next;
  for (const QueueMessage& m : messages_) {
    if (m.visible_at > now && (!next || m.visible_at < *next)) next = m.visible_at;
  }
  return next;
}

}  // namespace cloudoptim
