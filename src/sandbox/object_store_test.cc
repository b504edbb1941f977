#include "sandbox/object_store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

json PodJson(const std::string& ns, const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"containers", json::array()}}}};
}

class ObjectStoreTest : public ::testing::Test {
 protected:
  FakeClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000))};
  ObjectStore store_{&clock_, 4};
};

TEST_F(ObjectStoreTest, CreateFillsServerFieldsAndVersionsIncreaseClusterWide) {
  auto a = store_.Create("pods", PodJson("default", "a"));
  auto b = store_.Create("nodes", {{"metadata", {{"name", "n1"}}}});
  ASSERT_TRUE(a && b);
  EXPECT_EQ((*a)["metadata"]["resourceVersion"], "1");
  EXPECT_EQ((*b)["metadata"]["resourceVersion"], "2");
  EXPECT_EQ((*a)["metadata"]["generation"], 1);
  EXPECT_EQ((*a)["metadata"]["creationTimestamp"], "2027-01-15T08:00:00Z");
  EXPECT_EQ((*a)["metadata"]["uid"].get<std::string>().size(), 36u);
}

TEST_F(ObjectStoreTest, CreateOfAnExistingNameIsAlreadyExists) {
  ASSERT_TRUE(store_.Create("pods", PodJson("default", "a")));
  auto again = store_.Create("pods", PodJson("default", "a"));
  ASSERT_FALSE(again);
  EXPECT_TRUE(IsAlreadyExists(again.error()));
  EXPECT_EQ(again.error().message, "pods \"a\" already exists");
}

TEST_F(ObjectStoreTest, GenerateNameAddsAFiveCharacterSuffix) {
  json pod = PodJson("default", "");
  pod["metadata"].erase("name");
  pod["metadata"]["generateName"] = "web-";
  auto created = store_.Create("pods", pod);
  ASSERT_TRUE(created);
  std::string name = (*created)["metadata"]["name"];
  EXPECT_EQ(name.size(), 9u);
  EXPECT_TRUE(name.starts_with("web-"));
}

TEST_F(ObjectStoreTest, UpdateWithAStaleResourceVersionIsAConflict) {
  auto created = store_.Create("pods", PodJson("default", "a"));
  json stale = *created;
  stale["metadata"]["labels"] = {{"x", "1"}};
  ASSERT_TRUE(store_.Update("pods", stale));
  stale["metadata"]["labels"] = {{"x", "2"}};
  auto conflict = store_.Update("pods", stale);
  ASSERT_FALSE(conflict);
  EXPECT_TRUE(IsAborted(conflict.error()));
}

TEST_F(ObjectStoreTest, SpecChangesBumpGenerationButStatusChangesDoNot) {
  ASSERT_TRUE(store_.Create("pods", PodJson("default", "a")));
  auto status = store_.Mutate("pods", "default", "a", [](json& o) -> Status {
    o["status"]["phase"] = "Running";
    return Ok();
  });
  EXPECT_EQ((*status)["metadata"]["generation"], 1);
  auto spec = store_.Mutate("pods", "default", "a", [](json& o) -> Status {
    o["spec"]["nodeName"] = "n1";
    return Ok();
  });
  EXPECT_EQ((*spec)["metadata"]["generation"], 2);
}

TEST_F(ObjectStoreTest, DryRunValidatesWithoutPersisting) {
  ASSERT_TRUE(store_.Create("pods", PodJson("default", "a"), /*dry_run=*/true));
  EXPECT_FALSE(store_.Get("pods", "default", "a"));
  EXPECT_EQ(store_.CurrentVersion(), 0u);
}

TEST_F(ObjectStoreTest, ListPagesWithContinueTokensInKeyOrder) {
  for (const char* name : {"c", "a", "b"})
    ASSERT_TRUE(store_.Create("pods", PodJson("default", name)));
  ASSERT_TRUE(store_.Create("pods", PodJson("other", "z")));
  auto first = store_.List("pods", "default", 2, "");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(json::parse(*first->items[0])["metadata"]["name"], "a");
  EXPECT_EQ(first->remaining, 1);
  auto second = store_.List("pods", "default", 2, first->continue_token);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(json::parse(*second->items[0])["metadata"]["name"], "c");
  EXPECT_TRUE(second->continue_token.empty());
  EXPECT_EQ(store_.List("pods", "", 0, "")->items.size(), 4u);
}

// The filter runs on a snapshot outside the lock; paging over the kept items is unchanged.
TEST_F(ObjectStoreTest, FilteredListPagesOverKeptItems) {
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    ASSERT_TRUE(store_.Create("pods", PodJson("default", name)));
  }
  auto keep = [](const std::string& text) {
    std::string name = json::parse(text)["metadata"]["name"];
    return name != "b" && name != "d";
  };
  auto first = store_.List("pods", "default", 2, "", keep);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(json::parse(*first->items[1])["metadata"]["name"], "c");
  ASSERT_FALSE(first->continue_token.empty());
  auto second = store_.List("pods", "default", 2, first->continue_token, keep);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(json::parse(*second->items[0])["metadata"]["name"], "e");
  EXPECT_TRUE(second->continue_token.empty());
}

TEST_F(ObjectStoreTest, ContinueTokenOlderThanTheWindowIsExpired) {
  for (const char* name : {"a", "b", "c"})
    ASSERT_TRUE(store_.Create("pods", PodJson("default", name)));
  auto first = store_.List("pods", "default", 1, "");
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(store_.Mutate("pods", "default", "a", [](json& o) -> Status {
      o["metadata"]["labels"]["n"] = std::to_string(o["metadata"].value("generation", 0));
      o["status"]["x"] = o["metadata"]["resourceVersion"];
      return Ok();
    }));
  }
  auto expired = store_.List("pods", "default", 1, first->continue_token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::kOutOfRange);
  EXPECT_FALSE(store_.List("pods", "default", 1, "not-a-token"));
}

TEST_F(ObjectStoreTest, WatchReplaysFromAVersionAndStreamsNewEvents) {
  ASSERT_TRUE(store_.Create("pods", PodJson("default", "a")));  // rv 1
  ASSERT_TRUE(store_.Create("pods", PodJson("default", "b")));  // rv 2
  auto watcher = store_.Watch("pods", "default", 1);
  ASSERT_TRUE(watcher);
  ASSERT_TRUE(store_.Delete("pods", "default", "a"));
  std::vector<WatchEvent> events;
  (*watcher)->Next(std::chrono::milliseconds(10), &events);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, WatchEventType::kAdded);
  EXPECT_EQ(json::parse(*events[0].object)["metadata"]["name"], "b");
  EXPECT_EQ(events[1].type, WatchEventType::kDeleted);
  EXPECT_EQ(events[1].resource_version, 3u);
}

TEST_F(ObjectStoreTest, WatchWithoutVersionStartsWithTheCurrentObjects) {
  ASSERT_TRUE(store_.Create("pods", PodJson("default", "a")));
  ASSERT_TRUE(store_.Create("pods", PodJson("other", "b")));
  auto watcher = store_.Watch("pods", "default", 0, /*send_initial_events=*/true);
  std::vector<WatchEvent> events;
  (*watcher)->Next(std::chrono::milliseconds(10), &events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, WatchEventType::kAdded);
}

TEST_F(ObjectStoreTest, WatchFromAVersionOlderThanTheWindowIsGone) {
  for (int i = 0; i < 8; ++i)
    ASSERT_TRUE(store_.Create("pods", PodJson("default", "p" + std::to_string(i))));
  auto watcher = store_.Watch("pods", "", 1);
  ASSERT_FALSE(watcher);
  EXPECT_EQ(watcher.error().code, ErrorCode::kOutOfRange);
  EXPECT_TRUE(store_.Watch("pods", "", 6));
}

TEST_F(ObjectStoreTest, ObserverSeesEveryChange) {
  int changes = 0;
  store_.SetObserver("pods", [&](WatchEventType, const json&) { ++changes; });
  ASSERT_TRUE(store_.Create("pods", PodJson("default", "a")));
  ASSERT_TRUE(store_.Delete("pods", "default", "a"));
  EXPECT_EQ(changes, 2);
}

}  // namespace
}  // namespace cloudoptim::sandbox
