#include "aws/interruption_poller.h"

namespace cloudoptim::aws {

InterruptionPoller::InterruptionPoller(SqsClient& sqs, std::string queue_url,
                                       ReceiveOptions options)
    : sqs_(sqs), queue_url_(std::move(queue_url)), options_(options) {}

Result<PollReport> InterruptionPoller::PollOnce(const Handler& handler) {
  CO_ASSIGN_OR_RETURN(std::vector<SqsMessage> messages, sqs_.ReceiveMessage(queue_url_, options_));
  PollReport report;
  report.received = static_cast<int>(messages.size());
  std::vector<BatchEntry> finished;
  for (const SqsMessage& message : messages) {
    const BatchEntry entry{"m" + std::to_string(finished.size()), message.receipt_handle};
    Result<DecodedEvent> decoded = DecodeEventBridgeEvent(message.body);
    if (!decoded) {
      ++report.malformed;
      report.notes.push_back("message " + message.message_id +
                             " malformed: " + decoded.error().message);
      finished.push_back(entry);
      continue;
    }
    if (!decoded->event) {
      ++report.skipped;
      report.notes.push_back("message " + message.message_id + " skipped: " + decoded->skip_reason);
      finished.push_back(entry);
      continue;
    }
    Status handled = handler(*decoded->event);
    if (!handled) {
      ++report.failed;
      report.notes.push_back("message " + message.message_id +
                             " not handled, left for retry: " + handled.error().ToString());
      continue;
    }
    ++report.handled;
    finished.push_back(entry);
  }
  if (!finished.empty()) {
    CO_ASSIGN_OR_RETURN(std::vector<BatchFailure> failures,
                        sqs_.DeleteMessageBatch(queue_url_, finished));
    for (const BatchFailure& failure : failures) {
      report.notes.push_back("delete of " + failure.id + " failed: " + failure.code + " " +
                             failure.message);
    }
  }
  return report;
}

}  // namespace cloudoptim::aws
