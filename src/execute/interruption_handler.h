// The interruption handler: N concurrent long-polls of the interruption queue feed a worker
// pool; each event is decoded, split per instance and answered by the InterruptionResponder
// (cordon, taint, replace, feedback, drain), with events of one instance serialised. A
// message is deleted only once every instance in it is handled (or found not ours, ignored,
// duplicate, malformed); otherwise it is released for a retry soon, and SQS's at-least-once
// redelivery meets the journal's idempotency.
//
//   SqsInterruptionQueue queue(sqs, queue_url);
//   InterruptionHandler handler(store, directory, queue, clock, {.pollers = 4});
//   handler.Start();
//   ...   // the cluster caches call handler.index().UpdateCluster(...) as nodes change
//   handler.Stop();
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "execute/interruption_directory.h"
#include "execute/interruption_dispatcher.h"
#include "execute/interruption_queue.h"
#include "execute/interruption_replacement.h"
#include "execute/interruption_response.h"
#include "execute/interruption_routing.h"
#include "store/store.h"

namespace cloudoptim {

struct InterruptionHandlerOptions {
  int pollers = 4;  // concurrent long-polls of the queue
  int workers = 16;
  int max_messages = 10;  // per receive (SQS's maximum)
  Duration long_poll = std::chrono::seconds(20);
  // A message whose handling failed becomes visible again after this.
  Duration retry_after = std::chrono::seconds(5);
  ResponderOptions responder;
  RouterOptions router;
  // One line per message and per failure; stderr when empty.
  std::function<void(std::string_view line)> log;
};

struct InterruptionStats {
  int64_t received = 0;
  int64_t handled = 0;     // instances acted on
  int64_t duplicates = 0;  // instances whose event was handled before
  int64_t not_ours = 0;
  int64_t ignored = 0;
  int64_t malformed = 0;  // messages that are not a decodable event
  int64_t skipped = 0;    // well-formed events of a kind we do not act on
  int64_t failed = 0;     // instances whose handling failed (message kept)
  int64_t deleted = 0;    // messages deleted
};

// What became of one message.
struct MessageDisposition {
  bool deleted = false;
  std::vector<ResponseReport> reports;  // one per instance answered
  std::string note;
};

class InterruptionHandler {
 public:
  InterruptionHandler(store::Store& store, ClusterDirectory& directory, InterruptionQueue& queue,
                      Clock& clock, InterruptionHandlerOptions options = {});
  ~InterruptionHandler();
  InterruptionHandler(const InterruptionHandler&) = delete;
  InterruptionHandler& operator=(const InterruptionHandler&) = delete;

  // Fills the instance index from every cluster (a failing cluster is logged, not fatal) and
  // starts the pollers and workers. FailedPrecondition when already started.
  Status Start();
  // Stops polling (each poller finishes its current long poll), lets the workers finish what
  // was received (drains end by their deadlines), and joins. Safe to call twice.
  void Stop();

  // One message on the caller's thread, without the pool: decode, respond per instance, then
  // delete or release it. For tests and tools; the pollers use the same steps.
  MessageDisposition HandleMessage(const aws::SqsMessage& message);

  InstanceIndex& index() { return router_.index(); }
  InstanceRouter& router() { return router_; }
  UnavailablePools& unavailable_pools() { return unavailable_; }
  InterruptionStats stats() const;

 private:
  struct PendingMessage;
  void PollLoop();
  void Dispatch(const aws::SqsMessage& message);
  // Decodes; returns the event, or nullopt after deleting a malformed or skipped message.
  std::optional<aws::InstanceEvent> Decode(const aws::SqsMessage& message, std::string* note);
  // Answers one instance and counts the outcome; false when the message must be kept.
  bool RespondCounted(const aws::InstanceEvent& event, const std::string& instance_id,
                      std::vector<ResponseReport>* reports, std::string* note);
  // Deletes (all handled) or releases the message; returns whether it was deleted.
  bool Finish(const aws::SqsMessage& message, bool all_ok, const std::string& note);
  void Log(const std::string& line) const;

  InterruptionQueue& queue_;
  Clock& clock_;
  InterruptionHandlerOptions options_;
  InstanceRouter router_;
  UnavailablePools unavailable_;
  InterruptionResponder responder_;

  std::unique_ptr<InterruptionDispatcher> dispatcher_;
  std::vector<std::thread> pollers_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;

  struct Counters {
    std::atomic<int64_t> received{0}, handled{0}, duplicates{0}, not_ours{0}, ignored{0},
        malformed{0}, skipped{0}, failed{0}, deleted{0};
  };
  Counters counters_;
};

}  // namespace cloudoptim
