// The sandbox's etcd: every Kubernetes object it serves, kept as compact JSON text per
// resource, with one cluster-wide resourceVersion counter and a window of recent events that
// watches replay from. Objects are stored as serialized strings (shared with the event
// window), not as nlohmann trees: a 150,000-pod cluster is then ~250 MB instead of gigabytes.
//
//   ObjectStore store(clock);
//   Result<nlohmann::json> pod = store.Create("pods", pod_json);   // sets uid, rv, timestamps
//   Result<ObjectStore::ListPage> page = store.List("pods", "default", 500, "");
//   std::shared_ptr<ObjectStore::Watcher> w = store.Watch("pods", "", 0).value();
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "kube/kube_json.h"

namespace cloudoptim::sandbox {

// The watch event types of the Kubernetes wire protocol: the same enum the client decodes.
using ::cloudoptim::WatchEventType;
using ::cloudoptim::WatchEventTypeName;

using ObjectText = std::shared_ptr<const std::string>;

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  std::string resource;  // "pods", "deployments.apps"
  std::string namespace_name;
  ObjectText object;  // compact JSON of the object after the change (before, for DELETED)
  uint64_t resource_version = 0;
};

class ObjectStore {
 public:
  // A watch subscription: the store pushes matching events; the reader pops them.
  class Watcher {
   public:
    // Waits up to `timeout` for events; returns what is queued (possibly nothing). Returns
    // false when the watcher was closed (overflowed or the store shut down).
    bool Next(std::chrono::milliseconds timeout, std::vector<WatchEvent>* out);
    void Close();

   private:
    friend class ObjectStore;
    std::string resource_;
    std::string namespace_;  // empty: all namespaces
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<WatchEvent> queue_;
    bool closed_ = false;
  };

  struct ListPage {
    std::vector<ObjectText> items;
    uint64_t resource_version = 0;  // the store's version when the page was read
    std::string continue_token;     // empty on the last page
    int64_t remaining = 0;          // remainingItemCount
  };

  // Called for every change of a resource, under the store's lock, with the parsed object.
  using Observer = std::function<void(WatchEventType, const nlohmann::json&)>;

  // `event_window` bounds how many past events a watch can replay from.
  explicit ObjectStore(const Clock* clock, size_t event_window = 20000);
  ~ObjectStore();

  // `resource` is the plural with its group ("pods", "deployments.apps").
  // Create fills metadata.uid, resourceVersion, creationTimestamp, generation and
  // metadata.name from generateName. AlreadyExists when the name is taken.
  Result<nlohmann::json> Create(const std::string& resource, nlohmann::json object,
                                bool dry_run = false);
  // Replaces the object. When metadata.resourceVersion is set and differs from the stored
  // one: Aborted (409 Conflict). Bumps generation when spec changed.
  Result<nlohmann::json> Update(const std::string& resource, nlohmann::json object,
                                bool dry_run = false);
  // Read-modify-write under the lock, for controllers and patches.
  Result<nlohmann::json> Mutate(const std::string& resource, std::string_view namespace_name,
                                std::string_view name,
                                const std::function<Status(nlohmann::json&)>& change,
                                bool dry_run = false);
  Result<nlohmann::json> Delete(const std::string& resource, std::string_view namespace_name,
                                std::string_view name, bool dry_run = false);
  Result<nlohmann::json> Get(const std::string& resource, std::string_view namespace_name,
                             std::string_view name) const;
  // The stored text itself (no parse), for decoding into model types.
  Result<ObjectText> GetText(const std::string& resource, std::string_view namespace_name,
                             std::string_view name) const;
  // Items in key order (namespace/name). limit 0 = all. An expired continue token is
  // OutOfRange (410 Expired); a malformed one InvalidArgument.
  Result<ListPage> List(const std::string& resource, std::string_view namespace_name, int64_t limit,
                        std::string_view continue_token,
                        const std::function<bool(const std::string&)>& keep = nullptr) const;
  // Every object of a resource, parsed (for controllers; fine for thousands of objects).
  std::vector<nlohmann::json> ParsedAll(const std::string& resource,
                                        std::string_view namespace_name = "") const;
  size_t Count(const std::string& resource) const;

  // Subscribes from `from_version`: 0 means "now", and then, with `send_initial_events`,
  // every current object is queued as ADDED first (what a watch without resourceVersion
  // does). Events after `from_version` still in the window are queued at once; OutOfRange
  // (410 Gone) when the version is older than the window.
  Result<std::shared_ptr<Watcher>> Watch(const std::string& resource,
                                         std::string_view namespace_name, uint64_t from_version,
                                         bool send_initial_events = false);
  void Unwatch(const std::shared_ptr<Watcher>& watcher);

  void SetObserver(const std::string& resource, Observer observer);
  uint64_t CurrentVersion() const;
  // Closes every watcher (shutdown).
  void CloseAllWatchers();

 private:
  struct Entry {
    ObjectText text;
    uint64_t resource_version = 0;
  };
  using Bucket = std::map<std::string, Entry, std::less<>>;  // "ns/name" -> entry

  Result<nlohmann::json> CommitLocked(const std::string& resource, nlohmann::json object,
                                      WatchEventType type);
  void PublishLocked(const std::string& resource, const std::string& namespace_name,
                     WatchEventType type, ObjectText text, uint64_t version,
                     const nlohmann::json& object);

  const Clock* clock_;
  size_t event_window_;
  mutable std::mutex mutex_;
  std::map<std::string, Bucket, std::less<>> buckets_;
  std::deque<WatchEvent> history_;
  uint64_t version_ = 0;
  uint64_t uid_counter_ = 0;
  std::vector<std::shared_ptr<Watcher>> watchers_;
  std::map<std::string, Observer, std::less<>> observers_;
};

// "ns/name" or "name": the key objects are ordered by.
std::string ObjectKey(std::string_view namespace_name, std::string_view name);

}  // namespace cloudoptim::sandbox
