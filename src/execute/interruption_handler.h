// The interruption handler: N concurrent long-polls of the interruption queue feed two worker
// pools; each event is decoded, split per instance and answered by the InterruptionResponder
// in two phases: containment (route, cordon, taint) on a pool of its own, so that a cordon
// never waits behind another node's drain, then evacuation (replacement, feedback, drain) on
// a larger pool. Within each phase the events of one instance run one after another. A
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
  int pollers = 4;              // concurrent long-polls of the queue
  int workers = 16;             // containment: routing, cordon, taint (fast calls)
  int evacuation_workers = 64;  // launch and drain: each holds a worker up to its deadline
  // An evacuation waits up to this long while cordons are still queued: in a burst every node
  // is cordoned before drains compete with the cordons for the API servers.
  // 15 s: a drain starting that late still has ~90 s of the notice.
  Duration containment_first = std::chrono::seconds(15);
  int max_messages = 10;  // per receive (SQS's maximum)
  Duration long_poll = std::chrono::seconds(20);
  // A message whose handling failed becomes visible again after this.
  Duration retry_after = std::chrono::seconds(5);
  ResponderOptions responder;
  RouterOptions router;
  // Start lists every cluster's nodes into the index (false when the caller filled it).
  bool refresh_index_on_start = true;
  // One line per message and per failure; stderr when empty.
  std::function<void(std::string_view line)> log;
};

struct InterruptionStats {
  int64_t received = 0;
  int64_t handled = 0;     // instances acted on
  int64_t duplicates = 0;  // instances whose event was handled before
  int64_t not_ours = 0;
  int64_t ignored = 0;
  int64_t observed = 0;   // recorded only: recommend-only or a kill switch
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
  // Stops polling (each poller finishes its current long poll), lets running tasks finish
  // (drains end by their deadlines), drops tasks not started (their messages stay
  // unacknowledged: SQS redelivers them, the journal resumes them), and joins. Safe to call
  // twice.
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
  // Counts the outcome of one instance and appends its line to `note`; false when the
  // message must be kept.
  bool Count(const std::string& instance_id, const Result<ResponseReport>& report,
             std::string* note);
  void ContainTask(const std::shared_ptr<PendingMessage>& pending, const std::string& instance_id);
  // Called once per instance; the last one deletes or releases the message.
  void Complete(const std::shared_ptr<PendingMessage>& pending, bool ok, const std::string& line);
  // Deletes (all handled) or releases the message; returns whether it was deleted.
  bool Finish(const aws::SqsMessage& message, bool all_ok, const std::string& note);
  void Log(const std::string& line) const;

  InterruptionQueue& queue_;
  Clock& clock_;
  InterruptionHandlerOptions options_;
  InstanceRouter router_;
  UnavailablePools unavailable_;
  InterruptionResponder responder_;

  std::unique_ptr<InterruptionDispatcher> containment_;
  std::unique_ptr<InterruptionDispatcher> evacuation_;
  std::vector<std::thread> pollers_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;

  struct Counters {
    std::atomic<int64_t> received{0}, handled{0}, duplicates{0}, not_ours{0}, ignored{0},
        observed{0}, malformed{0}, skipped{0}, failed{0}, deleted{0};
  };
  Counters counters_;
};

}  // namespace cloudoptim
