// Hash-consing for the model: one shared, immutable, reference-counted copy of each distinct
// value in the process. A 150,000-pod cluster repeats the same label sets, container lists,
// tolerations and strings thousands of times (every pod of a ReplicaSet carries the same
// ones); interning keeps each distinct value once and makes equality a pointer comparison.
//
//   Interned<std::vector<Toleration>> a(MakeTolerations());
//   Interned<std::vector<Toleration>> b(MakeTolerations());  // equal content
//   assert(a == b && &a.get() == &b.get());                  // one copy
//
// T must be a container (empty(), ==) with a HashValue(const T&) overload found by ADL. The
// empty value is represented without a pool entry. Handles are safe to copy, destroy and
// intern from any thread; the value itself is never mutated after interning.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace cloudoptim {

inline size_t HashCombine(size_t seed, size_t value) {
  return seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}
size_t HashValue(std::string_view text);
// Exact overload: a std::string would otherwise convert to both string_view and the
// interned types.
inline size_t HashValue(const std::string& text) { return HashValue(std::string_view(text)); }

template <typename E>
size_t HashValue(const std::vector<E>& items) {
  size_t seed = items.size();
  for (const E& item : items) seed = HashCombine(seed, HashValue(item));
  return seed;
}

template <typename A, typename B>
size_t HashValue(const std::pair<A, B>& pair) {
  return HashCombine(HashValue(pair.first), HashValue(pair.second));
}

namespace intern_internal {

template <typename T>
struct Entry {
  mutable std::atomic<uint32_t> refs{1};
  size_t hash = 0;
  T value;
};

// Why a sharded mutex and a CAS loop: copying a handle is one relaxed increment (snapshots
// are copied between threads), and most releases only decrement. A count may reach zero only
// under the shard's lock, and lookups find entries only under that lock, so an entry a lookup
// returns is never one being deleted.
template <typename T>
class Pool {
 public:
  // Never destroyed: handles inside static objects may be released after any destructor ran.
  static Pool& Instance() {
    static Pool* pool = new Pool();
    return *pool;
  }

  // The entry equal to `key` with one more reference, created from make() when absent.
  template <typename Key, typename Make>
  const Entry<T>* Acquire(const Key& key, size_t hash, Make&& make) {
    Shard& shard = ShardOf(hash);
    std::lock_guard lock(shard.mutex);
    auto it = shard.entries.find(Probe<Key>{hash, key});
    if (it != shard.entries.end()) {
      (*it)->refs.fetch_add(1, std::memory_order_relaxed);
      return *it;
    }
    auto* entry = new Entry<T>{{1}, hash, make()};
    shard.entries.insert(entry);
    return entry;
  }

  void Release(const Entry<T>* entry) {
    uint32_t refs = entry->refs.load(std::memory_order_relaxed);
    while (refs > 1) {
      if (entry->refs.compare_exchange_weak(refs, refs - 1, std::memory_order_acq_rel,
                                            std::memory_order_relaxed)) {
        return;
      }
    }
    Shard& shard = ShardOf(entry->hash);
    {
      std::lock_guard lock(shard.mutex);
      if (entry->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
      shard.entries.erase(const_cast<Entry<T>*>(entry));
    }
    delete entry;
  }

  // Distinct live values (tests and benchmarks).
  size_t Size() {
    size_t total = 0;
    for (Shard& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      total += shard.entries.size();
    }
    return total;
  }

 private:
  template <typename Key>
  struct Probe {
    size_t hash;
    const Key& key;
  };
  struct EntryHash {
    using is_transparent = void;
    size_t operator()(const Entry<T>* e) const { return e->hash; }
    template <typename Key>
    size_t operator()(const Probe<Key>& p) const {
      return p.hash;
    }
  };
  struct EntryEqual {
    using is_transparent = void;
    bool operator()(const Entry<T>* a, const Entry<T>* b) const { return a == b; }
    template <typename Key>
    bool operator()(const Probe<Key>& p, const Entry<T>* e) const {
      return e->value == p.key;
    }
    template <typename Key>
    bool operator()(const Entry<T>* e, const Probe<Key>& p) const {
      return e->value == p.key;
    }
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_set<Entry<T>*, EntryHash, EntryEqual> entries;
  };
  static constexpr size_t kShards = 32;

  Shard& ShardOf(size_t hash) { return shards_[(hash ^ (hash >> 32)) % kShards]; }

  std::array<Shard, kShards> shards_;
};

}  // namespace intern_internal

template <typename T>
class Interned {
 public:
  Interned() = default;
  explicit Interned(T value) {
    if (value.empty()) return;
    const size_t hash = HashValue(value);
    entry_ = Pool().Acquire(value, hash, [&] { return std::move(value); });
  }
  // Interns without building a T when an equal one exists (a string from a string_view).
  template <typename Key, typename Make>
  static Interned FromKey(const Key& key, size_t hash, Make&& make) {
    Interned out;
    out.entry_ = Pool().Acquire(key, hash, std::forward<Make>(make));
    return out;
  }

  Interned(const Interned& other) : entry_(other.entry_) {
    if (entry_ != nullptr) entry_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  Interned(Interned&& other) noexcept : entry_(std::exchange(other.entry_, nullptr)) {}
  Interned& operator=(Interned other) noexcept {
    std::swap(entry_, other.entry_);
    return *this;
  }
  ~Interned() {
    if (entry_ != nullptr) Pool().Release(entry_);
  }

  const T& get() const { return entry_ != nullptr ? entry_->value : Empty(); }
  bool empty() const { return entry_ == nullptr; }
  // The content hash (0 for the empty value): stable across runs, unlike the address.
  size_t hash() const { return entry_ != nullptr ? entry_->hash : 0; }

  // Equal values share one entry, so identity is equality.
  friend bool operator==(const Interned& a, const Interned& b) { return a.entry_ == b.entry_; }

  static size_t DistinctValues() { return Pool().Size(); }

 private:
  static intern_internal::Pool<T>& Pool() { return intern_internal::Pool<T>::Instance(); }
  static const T& Empty() {
    static const T empty{};
    return empty;
  }

  const intern_internal::Entry<T>* entry_ = nullptr;
};

template <typename T>
size_t HashValue(const Interned<T>& value) {
  return value.hash();
}

}  // namespace cloudoptim
