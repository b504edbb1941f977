#include "cloudsim/simulated_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cloudsim/cloudsim_test_util.h"

namespace cloudoptim {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::SizeIs;

using cloudsim_test::kStart;

TEST(SimulatedQueueTest, AReceivedMessageIsHiddenForTheVisibilityTimeoutThenComesBack) {
  SimulatedQueue queue(1);
  const std::string id = queue.Send("{\"a\":1}", kStart);
  auto first = queue.Receive(10, seconds(30), kStart);
  ASSERT_THAT(first, SizeIs(1));
  EXPECT_EQ(first[0].message_id, id);
  EXPECT_EQ(first[0].receive_count, 1);
  EXPECT_TRUE(queue.Receive(10, seconds(30), kStart + seconds(29)).empty());
  EXPECT_EQ(queue.VisibleCount(kStart + seconds(29)), 0u);
  EXPECT_EQ(queue.InFlightCount(kStart + seconds(29)), 1u);
  auto second = queue.Receive(10, seconds(30), kStart + seconds(30));
  ASSERT_THAT(second, SizeIs(1));
  EXPECT_EQ(second[0].receive_count, 2);
  EXPECT_NE(second[0].receipt_handle, first[0].receipt_handle);
}

TEST(SimulatedQueueTest, OnlyTheLatestReceiptHandleDeletes) {
  SimulatedQueue queue(1);
  queue.Send("body", kStart);
  auto first = queue.Receive(1, seconds(0), kStart);
  auto second = queue.Receive(1, seconds(30), kStart);
  ASSERT_TRUE(queue.Delete(first[0].receipt_handle).has_value()) << "stale handles succeed";
  EXPECT_EQ(queue.InFlightCount(kStart), 1u) << "...but delete nothing";
  ASSERT_TRUE(queue.Delete(second[0].receipt_handle).has_value());
  EXPECT_EQ(queue.InFlightCount(kStart) + queue.VisibleCount(kStart), 0u);
  auto invalid = queue.Delete("not-a-handle");
  ASSERT_FALSE(invalid.has_value());
  EXPECT_THAT(invalid.error().message, HasSubstr("ReceiptHandleIsInvalid"));
}

TEST(SimulatedQueueTest, ChangingVisibilityToZeroReleasesTheMessage) {
  SimulatedQueue queue(1);
  queue.Send("body", kStart);
  auto received = queue.Receive(1, seconds(300), kStart);
  ASSERT_TRUE(queue.ChangeVisibility(received[0].receipt_handle, seconds(0), kStart).has_value());
  EXPECT_EQ(queue.VisibleCount(kStart), 1u);
  auto not_in_flight = queue.ChangeVisibility(received[0].receipt_handle, seconds(10), kStart);
  EXPECT_THAT(not_in_flight.error().message, HasSubstr("MessageNotInflight"));
}

TEST(SimulatedQueueTest, ReceiveReturnsAtMostTheAskedNumberOldestFirst) {
  SimulatedQueue queue(1);
  for (int i = 0; i < 5; ++i) queue.Send("m" + std::to_string(i), kStart + seconds(i));
  auto received = queue.Receive(3, seconds(30), kStart + seconds(10));
  ASSERT_THAT(received, SizeIs(3));
  EXPECT_EQ(received[0].body, "m0");
  EXPECT_EQ(received[2].body, "m2");
  EXPECT_EQ(queue.NextVisibleAt(kStart + seconds(10)), kStart + seconds(40));
}

}  // namespace
}  // namespace cloudoptim
