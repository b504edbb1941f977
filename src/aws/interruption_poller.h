// One pass over the interruption queue: receive (long poll), decode each EventBridge body,
// hand the instance events to the caller, and delete what is finished. The executor calls
// PollOnce in a loop; the two-minute spot notice makes the 20-second long poll the right size.
//
//   InterruptionPoller poller(sqs, queue_url);
//   Result<PollReport> report = poller.PollOnce([&](const InstanceEvent& e) -> Status {
//     return executor.HandleInterruption(e);   // Ok: the message is deleted
//   });
//
// Deletion rules: handled (Ok) -> deleted; skipped (not a kind we act on) -> deleted;
// malformed -> deleted (it can never become valid; the report says why); handler error ->
// kept, so SQS redelivers it after the visibility timeout (and a DLQ catches repeats).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "aws/eventbridge_event.h"
#include "aws/sqs_client.h"

namespace cloudoptim::aws {

struct PollReport {
  int received = 0;
  int handled = 0;
  int skipped = 0;
  int malformed = 0;
  int failed = 0;                  // the handler returned an error; left on the queue
  std::vector<std::string> notes;  // one line per skipped, malformed or failed message
};

class InterruptionPoller {
 public:
  using Handler = std::function<Status(const InstanceEvent&)>;

  InterruptionPoller(SqsClient& sqs, std::string queue_url, ReceiveOptions options = {});

  // Errors only when SQS itself fails (receive or delete); message-level problems are in
  // the report.
  Result<PollReport> PollOnce(const Handler& handler);

 private:
  SqsClient& sqs_;
  std::string queue_url_;
  ReceiveOptions options_;
};

}  // namespace cloudoptim::aws
