#include "execute/interruption_handler.h"

#include <iostream>
#include <mutex>

namespace cloudoptim {

// The instances of one message being answered on the pool; the last one to finish deletes or
// releases the message.
struct InterruptionHandler::PendingMessage {
  aws::SqsMessage message;
  aws::InstanceEvent event;
  std::atomic<int> remaining{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::string notes;
};

InterruptionHandler::InterruptionHandler(store::Store& store, ClusterDirectory& directory,
                                         InterruptionQueue& queue, Clock& clock,
                                         InterruptionHandlerOptions options)
    : queue_(queue),
      clock_(clock),
      options_(std::move(options)),
      router_(directory, clock, options_.router),
      unavailable_(&store.pool_marks()),
      responder_(store, router_, unavailable_, clock, options_.responder) {}

InterruptionHandler::~InterruptionHandler() { Stop(); }

void InterruptionHandler::Log(const std::string& line) const {
  if (options_.log) {
    options_.log(line);
  } else {
    std::cerr << "interruption-handler: " << line << "\n";
  }
}

Status InterruptionHandler::Start() {
  if (started_) return FailedPrecondition("the interruption handler is already started");
  started_ = true;
  if (Status refreshed = options_.refresh_index_on_start ? router_.RefreshAll() : Ok();
      !refreshed) {
    Log("initial node listing incomplete: " + refreshed.error().ToString());
  }
  containment_ = std::make_unique<InterruptionDispatcher>(options_.workers);
  evacuation_ = std::make_unique<InterruptionDispatcher>(options_.evacuation_workers);
  stopping_ = false;
  for (int i = 0; i < std::max(1, options_.pollers); ++i) {
    pollers_.emplace_back([this] { PollLoop(); });
  }
  return Ok();
}

void InterruptionHandler::Stop() {
  stopping_ = true;
  for (std::thread& poller : pollers_) {
    if (poller.joinable()) poller.join();
  }
  pollers_.clear();
  // Work received but not started is dropped: its messages were not deleted, so SQS
  // redelivers them and the journal resumes them. Containment first: its running tasks may
  // still hand work to the evacuation pool (which then drops it).
  if (containment_) containment_->Shutdown(/*run_queued=*/false);
  if (evacuation_) evacuation_->Shutdown(/*run_queued=*/false);
}

InterruptionStats InterruptionHandler::stats() const {
  return InterruptionStats{counters_.received,  counters_.handled, counters_.duplicates,
                           counters_.not_ours,  counters_.ignored, counters_.observed,
                           counters_.malformed, counters_.skipped, counters_.failed,
                           counters_.deleted};
}

std::optional<aws::InstanceEvent> InterruptionHandler::Decode(const aws::SqsMessage& message,
                                                              std::string* note) {
  ++counters_.received;
  Result<aws::DecodedEvent> decoded = aws::DecodeEventBridgeEvent(message.body);
  if (decoded && decoded->event) return std::move(decoded->event);
  // Neither can ever become actionable: delete, with the reason in the log.
  if (!decoded) {
    ++counters_.malformed;
    *note = "malformed: " + decoded.error().message;
  } else {
    ++counters_.skipped;
    *note = "skipped: " + decoded->skip_reason;
  }
  Finish(message, true, *note);
  return std::nullopt;
}

bool InterruptionHandler::Count(const std::string& instance_id,
                                const Result<ResponseReport>& report, std::string* note) {
  if (!report) {
    ++counters_.failed;
    *note += instance_id + " failed: " + report.error().ToString() + "; ";
    return false;
  }
  switch (report->outcome) {
    case ResponseOutcome::kHandled:
      ++counters_.handled;
      break;
    case ResponseOutcome::kDuplicate:
      ++counters_.duplicates;
      break;
    case ResponseOutcome::kNotOurs:
      ++counters_.not_ours;
      break;
    case ResponseOutcome::kIgnored:
      ++counters_.ignored;
      break;
    case ResponseOutcome::kObserved:
      ++counters_.observed;
      break;
  }
  *note += instance_id + " " + std::string(ResponseOutcomeName(report->outcome)) + ": " +
           report->note + "; ";
  return true;
}

bool InterruptionHandler::Finish(const aws::SqsMessage& message, bool all_ok,
                                 const std::string& note) {
  const std::string prefix = "message " + message.message_id + " ";
  if (!all_ok) {
    Status released = queue_.Release(message.receipt_handle, options_.retry_after);
    Log(prefix + "kept for a retry: " + note +
        (released ? "" : " (release failed: " + released.error().ToString() + ")"));
    return false;
  }
  Status deleted = queue_.Delete(message.receipt_handle);
  if (!deleted) {
    // Redelivered later and then found a duplicate: harmless, only noisy.
    Log(prefix + "handled but not deleted: " + deleted.error().ToString());
    return false;
  }
  ++counters_.deleted;
  Log(prefix + "deleted: " + note);
  return true;
}

MessageDisposition InterruptionHandler::HandleMessage(const aws::SqsMessage& message) {
  MessageDisposition disposition;
  std::optional<aws::InstanceEvent> event = Decode(message, &disposition.note);
  if (!event) {
    disposition.deleted = true;
    return disposition;
  }
  bool all_ok = true;
  for (const std::string& instance_id : event->instance_ids) {
    Result<ResponseReport> report = responder_.Respond(*event, instance_id);
    all_ok = Count(instance_id, report, &disposition.note) && all_ok;
    if (report) disposition.reports.push_back(std::move(*report));
  }
  disposition.deleted = Finish(message, all_ok, disposition.note);
  return disposition;
}

void InterruptionHandler::Complete(const std::shared_ptr<PendingMessage>& pending, bool ok,
                                   const std::string& line) {
  {
    std::lock_guard lock(pending->mutex);
    pending->notes += line;
  }
  if (!ok) pending->failed = true;
  if (--pending->remaining == 0) Finish(pending->message, !pending->failed, pending->notes);
}

void InterruptionHandler::ContainTask(const std::shared_ptr<PendingMessage>& pending,
                                      const std::string& instance_id) {
  Result<InterruptionCase> contained = responder_.Contain(pending->event, instance_id);
  if (!contained || !contained->evacuate) {
    std::string line;
    const bool ok = Count(instance_id,
                          contained ? Result<ResponseReport>(contained->report)
                                    : Result<ResponseReport>(std::unexpected(contained.error())),
                          &line);
    Complete(pending, ok, line);
    return;
  }
  auto case_ptr = std::make_shared<InterruptionCase>(std::move(*contained));
  evacuation_->Submit(instance_id, [this, pending, case_ptr, instance_id] {
    containment_->WaitUntilPendingAtMost(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(options_.containment_first));
    std::string line;
    const bool ok = Count(instance_id, responder_.Evacuate(*case_ptr), &line);
    Complete(pending, ok, line);
  });
}

void InterruptionHandler::Dispatch(const aws::SqsMessage& message) {
  std::string note;
  std::optional<aws::InstanceEvent> event = Decode(message, &note);
  if (!event) return;
  auto pending = std::make_shared<PendingMessage>();
  pending->message = message;
  pending->event = std::move(*event);
  pending->remaining = static_cast<int>(pending->event.instance_ids.size());
  for (const std::string& instance_id : pending->event.instance_ids) {
    containment_->Submit(instance_id,
                         [this, pending, instance_id] { ContainTask(pending, instance_id); });
  }
}

// Each poller long-polls on its own, so a slow receive (or a batch being decoded) never
// leaves the queue unwatched; the containment pool's back-pressure keeps pollers from taking
// messages faster than nodes are cordoned (they would only sit out their visibility). The
// evacuation pool is not waited for: a slow drain must not delay the next cordon.
void InterruptionHandler::PollLoop() {
  const size_t max_pending = static_cast<size_t>(std::max(1, options_.workers)) * 8;
  while (!stopping_) {
    containment_->WaitUntilPendingAtMost(max_pending);
    Result<std::vector<aws::SqsMessage>> batch =
        queue_.Receive(options_.max_messages, options_.long_poll);
    if (!batch) {
      Log("receive failed: " + batch.error().ToString());
      std::this_thread::sleep_for(std::chrono::milliseconds(500));  // real time: a loop, not a step
      continue;
    }
    for (const aws::SqsMessage& message : *batch) Dispatch(message);
  }
}

}  // namespace cloudoptim
