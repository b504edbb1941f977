#include "model/interned.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "model/interned_list.h"
#include "model/interned_string.h"
#include "model/pod.h"

namespace cloudoptim {
namespace {

TEST(InternedStringTest, EqualStringsShareOneCopyAndCompareLikeStrings) {
  const InternedString a("interned-test-zone"), b(std::string("interned-test-zone"));
  EXPECT_EQ(a, b);
  EXPECT_EQ(&a.str(), &b.str());
  EXPECT_EQ(a, "interned-test-zone");
  EXPECT_EQ(a, std::string("interned-test-zone"));
  EXPECT_EQ(a, std::string_view("interned-test-zone"));
  EXPECT_NE(a, InternedString("interned-test-zone-b"));
  EXPECT_LT(a, InternedString("interned-test-zone-b"));
  EXPECT_LT(a, "interned-test-zonf");
  EXPECT_EQ("x-" + a, "x-interned-test-zone");
  EXPECT_EQ(std::hash<InternedString>{}(a), std::hash<InternedString>{}(b));
}

TEST(InternedStringTest, TheEmptyStringTakesNoPoolEntry) {
  const size_t before = InternedString::DistinctValues();
  const InternedString empty(""), defaulted;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty, defaulted);
  EXPECT_EQ(empty.str(), "");
  EXPECT_EQ(InternedString::DistinctValues(), before);
}

TEST(InternedStringTest, AValueLeavesThePoolWithItsLastHandle) {
  const size_t before = InternedString::DistinctValues();
  {
    InternedString a("interned-test-short-lived");
    InternedString b = a;
    InternedString c = std::move(a);
    EXPECT_EQ(InternedString::DistinctValues(), before + 1);
    b = InternedString("interned-test-other");
    EXPECT_EQ(InternedString::DistinctValues(), before + 2);
  }
  EXPECT_EQ(InternedString::DistinctValues(), before);
}

TEST(InternedListTest, ReadsAsAVectorAndChangesBuildANewList) {
  InternedList<Toleration> list = {Toleration{.key = "a"}, Toleration{.key = "b"}};
  const InternedList<Toleration> copy = list;
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].key, "b");
  EXPECT_EQ(list.front().key, "a");
  EXPECT_EQ(list.back().key, "b");
  const std::vector<Toleration>& as_vector = list;
  EXPECT_EQ(as_vector.size(), 2u);
  list.push_back(Toleration{.key = "c"});
  list.Edit([](std::vector<Toleration>& items) { items[0].value = "changed"; });
  EXPECT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].value, "changed");
  EXPECT_EQ(copy.size(), 2u);  // the copy still holds the list it had
  EXPECT_EQ(copy[0].value, "");
  list.clear();
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.begin(), list.end());
}

TEST(InternedListTest, PodsWithEqualSpecsShareTheirLists) {
  Container app{.name = "app", .image = "shop/app:1"};
  app.resources.requests.cpu_millis = 250;
  Pod a, b;
  a.containers = {app};
  b.containers.push_back(app);
  EXPECT_EQ(a.containers, b.containers);
  EXPECT_EQ(a.containers.data(), b.containers.data());
  app.resources.requests.cpu_millis = 300;  // any field that == compares makes another list
  b.containers = {app};
  EXPECT_NE(a.containers, b.containers);
  EXPECT_EQ(a.containers.size(), 1u);
  EXPECT_EQ(a.containers[0].resources.requests.cpu_millis, 250);
}

// Threads intern, copy and drop the same few values and values of their own at once; under
// ASan/TSan a lost or doubled reference shows as a use-after-free or leak, and here as a pool
// that does not return to its size.
TEST(InternedTest, HandlesAreSafeToInternCopyAndDropFromManyThreads) {
  const size_t strings_before = InternedString::DistinctValues();
  const size_t lists_before = Interned<std::vector<Toleration>>::DistinctValues();
  const InternedString shared("interned-test-shared");
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &shared] {
      std::vector<InternedString> kept;
      for (int i = 0; i < 2000; ++i) {
        InternedString own("interned-test-" + std::to_string(t) + "-" + std::to_string(i % 50));
        InternedString common("interned-test-common-" + std::to_string(i % 7));
        InternedString copy = shared;
        kept.push_back(common);
        if (kept.size() > 20) kept.erase(kept.begin());
        InternedList<Toleration> list = {Toleration{.key = common.str()}};
        InternedList<Toleration> list_copy = list;
        ASSERT_EQ(list_copy[0].key, common.str());
        ASSERT_EQ(copy, "interned-test-shared");
        ASSERT_EQ(own.str().substr(0, 14), "interned-test-");
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(InternedString::DistinctValues(), strings_before + 1);  // `shared` only
  EXPECT_EQ((Interned<std::vector<Toleration>>::DistinctValues()), lists_before);
}

}  // namespace
}  // namespace cloudoptim
