// A fixed pool of worker threads that runs tasks concurrently except those sharing a key,
// which run one after another in submission order. The interruption handler keys by
// instance id, so two events for one node never race (the second sees what the first did).
//
//   InterruptionDispatcher pool(16);
//   pool.Submit("i-0abc", [] { respond(...); });
//   pool.Shutdown();   // runs what was submitted, then joins
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace cloudoptim {

class InterruptionDispatcher {
 public:
  explicit InterruptionDispatcher(int workers);
  ~InterruptionDispatcher();
  InterruptionDispatcher(const InterruptionDispatcher&) = delete;
  InterruptionDispatcher& operator=(const InterruptionDispatcher&) = delete;

  void Submit(const std::string& key, std::function<void()> task);
  // Tasks submitted and not finished yet.
  size_t pending() const;
  // Blocks until pending() is at most `limit` (back-pressure for the pollers).
  void WaitUntilPendingAtMost(size_t limit);
  // The same, giving up after `timeout`; false when it gave up.
  bool WaitUntilPendingAtMost(size_t limit, std::chrono::milliseconds timeout);
  // Stops the workers after the running tasks and, when `run_queued`, every queued one (else
  // queued tasks are dropped). Submit after Shutdown is ignored.
  void Shutdown(bool run_queued = true);

 private:
  void WorkerLoop();

  mutable std::mutex mutex_;
  std::condition_variable ready_cv_;
  std::condition_variable drained_cv_;
  // Keys with queued tasks and no task running: a worker may take their next task.
  std::deque<std::string> ready_keys_;
  // Queued tasks per key; a key is present while it has tasks queued or one running.
  std::unordered_map<std::string, std::deque<std::function<void()>>> queued_;
  size_t pending_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace cloudoptim
