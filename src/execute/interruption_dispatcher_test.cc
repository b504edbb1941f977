#include "execute/interruption_dispatcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

namespace cloudoptim {
namespace {

TEST(InterruptionDispatcherTest, TasksOfOneKeyNeverOverlapAndKeepTheirOrder) {
  std::mutex mutex;
  std::map<std::string, int> running;
  std::map<std::string, std::vector<int>> order;
  std::atomic<int> overlaps{0};
  {
    InterruptionDispatcher pool(8);
    for (int i = 0; i < 200; ++i) {
      const std::string key = "i-" + std::to_string(i % 5);
      pool.Submit(key, [&, key, i] {
        {
          std::lock_guard lock(mutex);
          if (++running[key] > 1) ++overlaps;
          order[key].push_back(i);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        std::lock_guard lock(mutex);
        --running[key];
      });
    }
    pool.Shutdown();
  }
  EXPECT_EQ(overlaps.load(), 0);
  for (const auto& [key, seen] : order) {
    EXPECT_EQ(seen.size(), 40u) << key;
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end())) << key;
  }
}

TEST(InterruptionDispatcherTest, DifferentKeysRunConcurrently) {
  InterruptionDispatcher pool(4);
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::atomic<bool> release{false};
  for (int i = 0; i < 4; ++i) {
    pool.Submit("key-" + std::to_string(i), [&] {
      int now = ++inside;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      while (!release && most.load() < 4) std::this_thread::yield();
      --inside;
    });
  }
  pool.Shutdown();
  EXPECT_EQ(most.load(), 4);  // all four were inside at once
}

TEST(InterruptionDispatcherTest, ShutdownRunsEverythingSubmittedAndThenIgnoresNewTasks) {
  InterruptionDispatcher pool(2);
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) pool.Submit("k" + std::to_string(i % 3), [&] { ++ran; });
  pool.Shutdown();
  EXPECT_EQ(ran.load(), 50);
  EXPECT_EQ(pool.pending(), 0u);
  pool.Submit("late", [&] { ++ran; });
  EXPECT_EQ(ran.load(), 50);
}

TEST(InterruptionDispatcherTest, ShutdownWithoutQueuedWorkFinishesOnlyWhatRuns) {
  InterruptionDispatcher pool(1);
  std::atomic<bool> started{false};
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  pool.Submit("a", [&] {
    started = true;
    while (!release) std::this_thread::yield();
    ++ran;
  });
  for (int i = 0; i < 10; ++i) pool.Submit("k" + std::to_string(i), [&] { ++ran; });
  while (!started) std::this_thread::yield();
  std::thread stopper([&] { pool.Shutdown(/*run_queued=*/false); });
  while (pool.pending() != 1) std::this_thread::yield();  // the queued ten were dropped
  release = true;
  stopper.join();
  EXPECT_EQ(ran.load(), 1);  // the running task finished; the ten queued ones were dropped
  EXPECT_EQ(pool.pending(), 0u);
}

}  // namespace
}  // namespace cloudoptim
