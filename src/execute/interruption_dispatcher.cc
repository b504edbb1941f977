#include "execute/interruption_dispatcher.h"

#include <algorithm>

namespace cloudoptim {

InterruptionDispatcher::InterruptionDispatcher(int workers) {
  for (int i = 0; i < std::max(1, workers); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
}

InterruptionDispatcher::~InterruptionDispatcher() { Shutdown(); }

void InterruptionDispatcher::Submit(const std::string& key, std::function<void()> task) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  auto [it, first] = queued_.try_emplace(key);
  it->second.push_back(std::move(task));
  ++pending_;
  // A key already present is either queued in ready_keys_ or running; its worker will pick
  // the new task up after the current one.
  if (first) {
    ready_keys_.push_back(key);
    ready_cv_.notify_one();
  }
}

size_t InterruptionDispatcher::pending() const {
  std::lock_guard lock(mutex_);
  return pending_;
}

void InterruptionDispatcher::WaitUntilPendingAtMost(size_t limit) {
  std::unique_lock lock(mutex_);
  drained_cv_.wait(lock, [&] { return pending_ <= limit || stopping_; });
}

bool InterruptionDispatcher::WaitUntilPendingAtMost(size_t limit,
                                                    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return drained_cv_.wait_for(lock, timeout, [&] { return pending_ <= limit || stopping_; });
}

// A worker takes a ready key, runs that key's oldest task without the lock, then puts the key
// back at the end of the ready list if it has more (fair between busy keys) or forgets it.
void InterruptionDispatcher::WorkerLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    ready_cv_.wait(lock, [&] { return !ready_keys_.empty() || (stopping_ && pending_ == 0); });
    if (ready_keys_.empty()) return;
    std::string key = std::move(ready_keys_.front());
    ready_keys_.pop_front();
    std::deque<std::function<void()>>& tasks = queued_[key];
    std::function<void()> task = std::move(tasks.front());
    tasks.pop_front();
    lock.unlock();
    task();
    lock.lock();
    --pending_;
    std::deque<std::function<void()>>& rest = queued_[key];
    if (rest.empty()) {
      queued_.erase(key);
    } else {
      ready_keys_.push_back(key);
      ready_cv_.notify_one();
    }
    drained_cv_.notify_all();
    if (stopping_ && pending_ == 0) ready_cv_.notify_all();
  }
}

void InterruptionDispatcher::Shutdown(bool run_queued) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    if (!run_queued) {
      for (auto& [key, tasks] : queued_) {
        pending_ -= tasks.size();
        tasks.clear();
      }
      // Ready keys have no running task: forget them. A running key keeps its (now empty)
      // entry until its worker finishes.
      for (const std::string& key : ready_keys_) queued_.erase(key);
      ready_keys_.clear();
    }
  }
  ready_cv_.notify_all();
  drained_cv_.notify_all();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  workers_.clear();
}

}  // namespace cloudoptim
