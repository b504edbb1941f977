// One SQS standard queue as the simulated account holds it: messages hidden for a visibility
// timeout after each receive, a new receipt handle on every receive, receive counts, delete by
// receipt handle. Not thread-safe on its own: SimulatedCloud guards it with its lock.
//
//   SimulatedQueue queue(/*seed=*/7);
//   queue.Send(body, now);
//   auto received = queue.Receive(10, std::chrono::seconds(30), now);
//   queue.Delete(received[0].receipt_handle);
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cloudsim/cloud_ids.h"
#include "common/clock.h"
#include "common/error.h"

namespace cloudoptim {

// One message on the simulated SQS queue.
struct QueueMessage {
  std::string message_id;
  std::string receipt_handle;  // changes on every receive
  std::string body;            // an EventBridge event JSON
  int32_t receive_count = 0;
  TimePoint visible_at{};  // hidden until then (visibility timeout)
  TimePoint sent_at{};
  TimePoint first_received_at{};
};

class SimulatedQueue {
 public:
  explicit SimulatedQueue(uint64_t seed) : ids_(seed) {}

  // Returns the new message's id.
  std::string Send(std::string body, TimePoint now);
  // Up to `max_messages` visible messages, oldest first; each gets a fresh receipt handle, its
  // receive count + 1 and is hidden until now + visibility.
  std::vector<QueueMessage> Receive(int32_t max_messages, Duration visibility, TimePoint now);
  // As SQS: the latest receipt handle deletes the message; an older handle of a message that
  // was received again since, or of a message already deleted, succeeds without effect; a
  // handle never issued is InvalidArgument "ReceiptHandleIsInvalid: ...".
  Status Delete(std::string_view receipt_handle);
  // FailedPrecondition "MessageNotInflight: ..." when the message is visible already.
  Status ChangeVisibility(std::string_view receipt_handle, Duration visibility, TimePoint now);

  size_t VisibleCount(TimePoint now) const;
  size_t InFlightCount(TimePoint now) const;
  // The earliest time a hidden message becomes visible again, if any is hidden.
  std::optional<TimePoint> NextVisibleAt(TimePoint now) const;

 private:
  CloudIds ids_;
  std::deque<QueueMessage> messages_;
  std::set<std::string, std::less<>> issued_handles_;
};

}  // namespace cloudoptim
