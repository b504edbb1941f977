// SimulatedCloud's clock-driven side: Advance (instances start, interrupted and terminating
// instances go away, snapshots complete, random interruptions happen) and the SQS queue.
#include <algorithm>
#include <cmath>
#include <functional>

#include "cloudsim/event_bridge_events.h"
#include "cloudsim/simulated_cloud.h"
#include "cloudsim/simulated_cloud_state.h"

namespace cloudoptim {
namespace {

struct Notification {
  bool running = false;  // else terminated
  Ec2Instance instance;
  bool joins_cluster = false;
};

}  // namespace

// Advance walks every instance once, in launch order, and applies the transitions that are
// due by `now`, each at the time it was due (not at `now`), so that a large jump in time gives
// the same events as many small ones. Listener calls are collected under the lock and made
// after it is released; advance_mutex_ keeps two concurrent Advance calls from interleaving
// their notifications (a Node must never be removed before it was added).
void SimulatedCloud::Advance(TimePoint now) {
  std::lock_guard advance_lock(advance_mutex_);
  std::vector<Notification> notifications;
  std::vector<Listener*> listeners;
  {
    std::lock_guard lock(mutex_);
    State& state = *state_;
    listeners = listeners_;
    const Duration elapsed =
        state.last_advance && now > *state.last_advance ? now - *state.last_advance : Duration{};
    std::vector<State::InstanceRecord*> ordered;
    for (auto& [id, record] : state.instances) ordered.push_back(&record);
    std::sort(ordered.begin(), ordered.end(),
              [](auto* a, auto* b) { return a->launch_sequence < b->launch_sequence; });
    auto event = [&](TimePoint at) {
      return EventEnvelope{state.ids.NextUuid(), options_.account_id, options_.region, at};
    };
    for (State::InstanceRecord* record : ordered) {
      Ec2Instance& instance = record->instance;
      const std::string& id = instance.instance_id;
      const TimePoint running_at = instance.launch_time + options_.registration_delay;
      if (instance.state == InstanceState::kPending && now >= running_at &&
          !(record->interruption_at && *record->interruption_at <= running_at)) {
        instance.state = InstanceState::kRunning;
        record->state_since = running_at;
        notifications.push_back({true, instance, record->joins_cluster});
      }
      // Random interruptions: a Poisson process per running spot instance.
      if (options_.spot_interruptions_per_instance_hour > 0 &&
          instance.state == InstanceState::kRunning && instance.capacity == CapacityType::kSpot &&
          !record->interruption_at && elapsed > Duration::zero()) {
        const double hours = std::chrono::duration<double, std::ratio<3600>>(elapsed).count();
        const double p = 1.0 - std::exp(-options_.spot_interruptions_per_instance_hour * hours);
        if (state.ids.NextUnit() < p) {
          record->interruption_at = now + options_.interruption_notice;
          state.Enqueue(SpotInterruptionWarningEvent(event(now), id), now);
        }
      }
      if (record->interruption_at && now >= *record->interruption_at &&
          (instance.state == InstanceState::kPending ||
           instance.state == InstanceState::kRunning)) {
        instance.state = InstanceState::kShuttingDown;
        record->state_since = *record->interruption_at;
        state.Enqueue(InstanceStateChangeEvent(event(record->state_since), id, "shutting-down"),
                      now);
      }
      if (instance.state == InstanceState::kShuttingDown &&
          now >= record->state_since + options_.shutdown_delay) {
        instance.state = InstanceState::kTerminated;
        record->state_since += options_.shutdown_delay;
        state.Enqueue(InstanceStateChangeEvent(event(record->state_since), id, "terminated"), now);
        // Data volumes are detached when their instance goes away.
        for (auto& [volume_id, volume] : state.volumes) {
          std::erase_if(volume.attachments,
                        [&](const VolumeAttachment& a) { return a.instance_id == id; });
          if (volume.state == VolumeState::kInUse && volume.attachments.empty()) {
            volume.state = VolumeState::kAvailable;
          }
        }
        notifications.push_back({false, instance, record->joins_cluster});
      }
    }
    std::erase_if(state.instances, [&](const auto& entry) {
      const State::InstanceRecord& record = entry.second;
      return record.instance.state == InstanceState::kTerminated &&
             now >= record.state_since + options_.terminated_retention;
    });
    for (auto& [snapshot_id, record] : state.snapshots) {
      if (record.snapshot.state == "pending" &&
          now >= record.snapshot.start_time + options_.snapshot_delay) {
        record.snapshot.state = "completed";
      }
    }
    if (!state.last_advance || now > *state.last_advance) state.last_advance = now;
  }
  for (const Notification& n : notifications) {
    for (Listener* listener : listeners) {
      if (n.running) {
        listener->OnInstanceRunning(n.instance, n.joins_cluster);
      } else {
        listener->OnInstanceTerminated(n.instance);
      }
    }
  }
}

std::string SimulatedCloud::QueueUrl(std::string_view endpoint) const {
  std::string base(endpoint);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/" + options_.account_id + "/" + options_.queue_name;
}

std::vector<QueueMessage> SimulatedCloud::ReceiveMessages(int32_t max_messages, Duration visibility,
                                                          TimePoint now) {
  std::lock_guard lock(mutex_);
  return state_->queue.Receive(max_messages, visibility, now);
}

Status SimulatedCloud::DeleteMessage(std::string_view receipt_handle) {
  std::lock_guard lock(mutex_);
  return state_->queue.Delete(receipt_handle);
}

Status SimulatedCloud::ChangeVisibility(std::string_view receipt_handle, Duration visibility,
                                        TimePoint now) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(state_->queue.ChangeVisibility(receipt_handle, visibility, now));
  ++state_->queue_generation;  // a message may have become visible at once
  state_->queue_activity.notify_all();
  return Ok();
}

size_t SimulatedCloud::ApproximateMessageCount(TimePoint now) const {
  std::lock_guard lock(mutex_);
  return state_->queue.VisibleCount(now);
}

size_t SimulatedCloud::ApproximateInFlightCount(TimePoint now) const {
  std::lock_guard lock(mutex_);
  return state_->queue.InFlightCount(now);
}

std::string SimulatedCloud::SendEvent(std::string body, TimePoint now) {
  std::lock_guard lock(mutex_);
  return state_->Enqueue(std::move(body), now);
}

uint64_t SimulatedCloud::QueueGeneration() const {
  std::lock_guard lock(mutex_);
  return state_->queue_generation;
}

void SimulatedCloud::WaitForQueueActivity(uint64_t generation,
                                          std::chrono::milliseconds max_wait) const {
  std::unique_lock lock(mutex_);
  state_->queue_activity.wait_for(lock, max_wait,
                                  [&] { return state_->queue_generation != generation; });
}

}  // namespace cloudoptim
