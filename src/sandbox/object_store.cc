#include "sandbox/object_store.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "sandbox/base64.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

// A UUID-shaped identifier from a counter: unique within the store and stable across runs
// with the same history, which keeps tests and scenarios deterministic.
std::string MakeUid(uint64_t counter) {
  uint64_t a = counter * 0x9E3779B97F4A7C15ULL;
  uint64_t b = (counter + 0x632BE59BD9B4E019ULL) * 0xC2B2AE3D27D4EB4FULL;
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%08x-%04x-4%03x-8%03x-%012llx",
                static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xffff),
                static_cast<unsigned>(a & 0xfff), static_cast<unsigned>(b >> 52),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buffer;
}

std::string NamespaceOf(const json& object) {
  const json& meta = object["metadata"];
  auto it = meta.find("namespace");
  return it != meta.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string NameOf(const json& object) {
  const json& meta = object["metadata"];
  auto it = meta.find("name");
  return it != meta.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Kubernetes' generateName suffix: 5 characters from a consonant-heavy alphabet.
std::string RandomSuffix(uint64_t seed) {
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 0x7F4A7C15ULL;
  for (int i = 0; i < 5; ++i) {
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ULL;
    out.push_back(kAlphabet[(x >> 40) % kAlphabet.size()]);
  }
  return out;
}

std::string ResourceLabel(const std::string& resource) {
  return resource.substr(0, resource.find('.'));
}

}  // namespace

std::string ObjectKey(std::string_view namespace_name, std::string_view name) {
  if (namespace_name.empty()) return std::string(name);
  std::string key(namespace_name);
  key.push_back('/');
  key.append(name);
  return key;
}

bool ObjectStore::Watcher::Next(std::chrono::milliseconds timeout, std::vector<WatchEvent>* out) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [&] { return closed_ || !queue_.empty(); });
  while (!queue_.empty()) {
    out->push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return !closed_;
}

void ObjectStore::Watcher::Close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  cv_.notify_all();
}

ObjectStore::ObjectStore(const Clock* clock, size_t event_window)
    : clock_(clock), event_window_(event_window) {}

ObjectStore::~ObjectStore() { CloseAllWatchers(); }

Result<json> ObjectStore::Create(const std::string& resource, json object, bool dry_run) {
  if (!object.is_object() || !object["metadata"].is_object()) {
    return InvalidArgument("Object 'metadata' is missing or not an object");
  }
  std::lock_guard lock(mutex_);
  json& meta = object["metadata"];
  if (NameOf(object).empty()) {
    auto generate = meta.find("generateName");
    if (generate == meta.end() || !generate->is_string() || generate->get<std::string>().empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       ResourceLabel(resource) +
                           " \"\" is invalid: metadata.name: Required value: name or "
                           "generateName is required");
    }
    Bucket& bucket = buckets_[resource];
    std::string ns = NamespaceOf(object);
    for (uint64_t attempt = 0;; ++attempt) {
      std::string candidate = generate->get<std::string>() + RandomSuffix(++uid_counter_);
      if (!bucket.contains(ObjectKey(ns, candidate))) {
        meta["name"] = candidate;
        break;
      }
    }
  }
  std::string key = ObjectKey(NamespaceOf(object), NameOf(object));
  if (buckets_[resource].contains(key)) {
    return AlreadyExists(ResourceLabel(resource) + " \"" + NameOf(object) + "\" already exists");
  }
  meta["uid"] = MakeUid(++uid_counter_);
  meta["creationTimestamp"] = FormatRfc3339(clock_->Now());
  meta.erase("resourceVersion");
  meta.erase("deletionTimestamp");
  if (object.contains("spec")) meta["generation"] = 1;
  if (dry_run) return object;
  return CommitLocked(resource, std::move(object), WatchEventType::kAdded);
}

Result<json> ObjectStore::Update(const std::string& resource, json object, bool dry_run) {
  if (!object.is_object() || !object["metadata"].is_object()) {
    return InvalidArgument("Object 'metadata' is missing or not an object");
  }
  std::string ns = NamespaceOf(object);
  std::string name = NameOf(object);
  std::string wanted_version;
  if (auto rv = object["metadata"].find("resourceVersion");
      rv != object["metadata"].end() && rv->is_string()) {
    wanted_version = rv->get<std::string>();
  }
  return Mutate(
      resource, ns, name,
      [&](json& stored) -> Status {
        if (!wanted_version.empty() &&
            wanted_version != stored["metadata"]["resourceVersion"].get<std::string>()) {
          return Aborted("Operation cannot be fulfilled on " + ResourceLabel(resource) + " \"" +
                         name +
                         "\": the object has been modified; please apply your changes to the "
                         "latest version and try again");
        }
        json meta = stored["metadata"];
        stored = std::move(object);
        // Identity and bookkeeping fields are the server's, whatever the client sent.
        for (const char* field : {"uid", "creationTimestamp", "generation"}) {
          if (meta.contains(field)) stored["metadata"][field] = meta[field];
        }
        return Ok();
      },
      dry_run);
}

Result<json> ObjectStore::Mutate(const std::string& resource, std::string_view namespace_name,
                                 std::string_view name, const std::function<Status(json&)>& change,
                                 bool dry_run) {
  std::lock_guard lock(mutex_);
  Bucket& bucket = buckets_[resource];
  auto it = bucket.find(ObjectKey(namespace_name, name));
  if (it == bucket.end()) {
    return NotFound(ResourceLabel(resource) + " \"" + std::string(name) + "\" not found");
  }
  json object = json::parse(*it->second.text);
  json old_spec = object.contains("spec") ? object["spec"] : json();
  std::string uid = object["metadata"].value("uid", "");
  CO_RETURN_IF_ERROR(change(object));
  if (!object.is_object() || !object["metadata"].is_object() || NameOf(object) != name ||
      NamespaceOf(object) != namespace_name) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     ResourceLabel(resource) + " \"" + std::string(name) +
                         "\" is invalid: metadata.name: Invalid value: the name and namespace "
                         "of an object cannot change");
  }
  object["metadata"]["uid"] = uid;
  if (object.contains("spec") && object["spec"] != old_spec) {
    object["metadata"]["generation"] = object["metadata"].value("generation", 0) + 1;
  }
  if (dry_run) return object;
  return CommitLocked(resource, std::move(object), WatchEventType::kModified);
}

Result<json> ObjectStore::Delete(const std::string& resource, std::string_view namespace_name,
                                 std::string_view name, bool dry_run) {
  std::lock_guard lock(mutex_);
  Bucket& bucket = buckets_[resource];
  auto it = bucket.find(ObjectKey(namespace_name, name));
  if (it == bucket.end()) {
    return NotFound(ResourceLabel(resource) + " \"" + std::string(name) + "\" not found");
  }
  json object = json::parse(*it->second.text);
  if (dry_run) return object;
  uint64_t version = ++version_;
  object["metadata"]["resourceVersion"] = std::to_string(version);
  auto text = std::make_shared<const std::string>(object.dump());
  bucket.erase(it);
  PublishLocked(resource, std::string(namespace_name), WatchEventType::kDeleted, text, version,
                object);
  return object;
}

Result<json> ObjectStore::Get(const std::string& resource, std::string_view namespace_name,
                              std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto bucket = buckets_.find(resource);
  if (bucket != buckets_.end()) {
    auto it = bucket->second.find(ObjectKey(namespace_name, name));
    if (it != bucket->second.end()) return json::parse(*it->second.text);
  }
  return NotFound(ResourceLabel(resource) + " \"" + std::string(name) + "\" not found");
}

Result<ObjectText> ObjectStore::GetText(const std::string& resource,
                                        std::string_view namespace_name,
                                        std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto bucket = buckets_.find(resource);
  if (bucket != buckets_.end()) {
    auto it = bucket->second.find(ObjectKey(namespace_name, name));
    if (it != bucket->second.end()) return it->second.text;
  }
  return NotFound(ResourceLabel(resource) + " \"" + std::string(name) + "\" not found");
}

Result<ObjectStore::ListPage> ObjectStore::List(
    const std::string& resource, std::string_view namespace_name, int64_t limit,
    std::string_view continue_token, const std::function<bool(const std::string&)>& keep) const {
  std::string start_key;
  uint64_t token_version = 0;
  if (!continue_token.empty()) {
    json token = json::parse(Base64Decode(continue_token), nullptr, false);
    if (!token.is_object() || !token["start"].is_string() || !token["rv"].is_number_unsigned()) {
      return InvalidArgument("continue key is not valid: " + std::string(continue_token));
    }
    start_key = token["start"].get<std::string>();
    token_version = token["rv"].get<uint64_t>();
  }
  ListPage page;
  std::vector<ObjectText> candidates;
  {
    std::lock_guard lock(mutex_);
    if (token_version != 0 && !history_.empty() &&
        token_version + 1 < history_.front().resource_version) {
      return OutOfRange(
          "The provided continue parameter is too old to display a consistent list result. You "
          "can start a new list without the continue parameter, or use the continue token in "
          "this response to retrieve the remainder of the results.");
    }
    page.resource_version = token_version != 0 ? token_version : version_;
    auto bucket = buckets_.find(resource);
    if (bucket == buckets_.end()) return page;
    std::string prefix = namespace_name.empty() ? "" : std::string(namespace_name) + "/";
    auto it = start_key.empty() ? bucket->second.lower_bound(prefix)
                                : bucket->second.upper_bound(start_key);
    for (; it != bucket->second.end(); ++it) {
      if (!prefix.empty() && !it->first.starts_with(prefix)) break;
      if (!keep && limit > 0 && static_cast<int64_t>(candidates.size()) >= limit) {
        ++page.remaining;
        continue;
      }
      candidates.push_back(it->second.text);
    }
  }
  // The filter (a JSON parse per object for a selector) runs on the snapshot, outside the
  // lock: a selector list over thousands of pods once held every writer (a cordon PATCH)
  // back for its whole duration, which serialised an interruption burst's cordons behind
  // the drains' pod listings. The snapshot holds only the shared texts; the one key a
  // continue token needs is read back from its object.
  bool more = !keep && page.remaining > 0;
  for (ObjectText& text : candidates) {
    if (keep && !keep(*text)) continue;
    if (limit > 0 && static_cast<int64_t>(page.items.size()) >= limit) {
      more = true;
      break;
    }
    page.items.push_back(std::move(text));
  }
  if (more && !page.items.empty()) {
    json last = json::parse(*page.items.back());
    json token = {{"rv", page.resource_version},
                  {"start", ObjectKey(NamespaceOf(last), NameOf(last))}};
    page.continue_token = Base64Encode(token.dump());
  }
  return page;
}

std::vector<json> ObjectStore::ParsedAll(const std::string& resource,
                                         std::string_view namespace_name) const {
  std::vector<ObjectText> texts;
  {
    std::lock_guard lock(mutex_);
    auto bucket = buckets_.find(resource);
    if (bucket == buckets_.end()) return {};
    std::string prefix = namespace_name.empty() ? "" : std::string(namespace_name) + "/";
    for (auto it = bucket->second.lower_bound(prefix); it != bucket->second.end(); ++it) {
      if (!prefix.empty() && !it->first.starts_with(prefix)) break;
      texts.push_back(it->second.text);
    }
  }
  std::vector<json> out;
  out.reserve(texts.size());
  for (const ObjectText& text : texts) out.push_back(json::parse(*text));
  return out;
}

size_t ObjectStore::Count(const std::string& resource) const {
  std::lock_guard lock(mutex_);
  auto bucket = buckets_.find(resource);
  return bucket == buckets_.end() ? 0 : bucket->second.size();
}

Result<std::shared_ptr<ObjectStore::Watcher>> ObjectStore::Watch(const std::string& resource,
                                                                 std::string_view namespace_name,
                                                                 uint64_t from_version,
                                                                 bool send_initial_events) {
  std::lock_guard lock(mutex_);
  uint64_t oldest = history_.empty() ? version_ + 1 : history_.front().resource_version;
  if (from_version != 0 && from_version + 1 < oldest && from_version < version_) {
    return OutOfRange("too old resource version: " + std::to_string(from_version) + " (" +
                      std::to_string(oldest - 1) + ")");
  }
  auto watcher = std::make_shared<Watcher>();
  watcher->resource_ = resource;
  watcher->namespace_ = std::string(namespace_name);
  if (from_version == 0 && send_initial_events) {
    auto bucket = buckets_.find(resource);
    if (bucket != buckets_.end()) {
      std::string prefix = namespace_name.empty() ? "" : std::string(namespace_name) + "/";
      for (auto it = bucket->second.lower_bound(prefix); it != bucket->second.end(); ++it) {
        if (!prefix.empty() && !it->first.starts_with(prefix)) break;
        watcher->queue_.push_back({WatchEventType::kAdded, resource, std::string(namespace_name),
                                   it->second.text, it->second.resource_version});
      }
    }
  } else if (from_version != 0) {
    for (const WatchEvent& event : history_) {
      if (event.resource_version <= from_version || event.resource != resource) continue;
      if (!namespace_name.empty() && event.namespace_name != namespace_name) continue;
      watcher->queue_.push_back(event);
    }
  }
  watchers_.push_back(watcher);
  return watcher;
}

void ObjectStore::Unwatch(const std::shared_ptr<Watcher>& watcher) {
  std::lock_guard lock(mutex_);
  std::erase(watchers_, watcher);
}

void ObjectStore::SetObserver(const std::string& resource, Observer observer) {
  std::lock_guard lock(mutex_);
  observers_[resource] = std::move(observer);
}

uint64_t ObjectStore::CurrentVersion() const {
  std::lock_guard lock(mutex_);
  return version_;
}

void ObjectStore::CloseAllWatchers() {
  std::vector<std::shared_ptr<Watcher>> watchers;
  {
    std::lock_guard lock(mutex_);
    watchers.swap(watchers_);
  }
  for (auto& watcher : watchers) watcher->Close();
}

Result<json> ObjectStore::CommitLocked(const std::string& resource, json object,
                                       WatchEventType type) {
  uint64_t version = ++version_;
  object["metadata"]["resourceVersion"] = std::to_string(version);
  std::string ns = NamespaceOf(object);
  auto text = std::make_shared<const std::string>(object.dump());
  buckets_[resource][ObjectKey(ns, NameOf(object))] = Entry{text, version};
  PublishLocked(resource, ns, type, text, version, object);
  return object;
}

// Every change goes to the event window (for watches that start from an older version) and
// to each live watcher of that resource. A watcher that falls this far behind is closed, as
// the API server does with slow watchers: the client re-lists.
void ObjectStore::PublishLocked(const std::string& resource, const std::string& namespace_name,
                                WatchEventType type, ObjectText text, uint64_t version,
                                const json& object) {
  WatchEvent event{type, resource, namespace_name, std::move(text), version};
  history_.push_back(event);
  while (history_.size() > event_window_) history_.pop_front();
  for (const auto& watcher : watchers_) {
    if (watcher->resource_ != resource) continue;
    if (!watcher->namespace_.empty() && watcher->namespace_ != namespace_name) continue;
    {
      std::lock_guard watcher_lock(watcher->mutex_);
      if (watcher->queue_.size() > event_window_) {
        watcher->closed_ = true;
      } else {
        watcher->queue_.push_back(event);
      }
    }
    watcher->cv_.notify_all();
  }
  if (auto observer = observers_.find(resource); observer != observers_.end()) {
    observer->second(type, object);
  }
}

}  // namespace cloudoptim::sandbox
