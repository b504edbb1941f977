// Labels (and annotations, node selectors): a string-to-string map with the interface of the
// std::map it replaces (find, contains, at, [], emplace, erase, ordered iteration by key),
// stored as one interned, sorted array of interned key/value pairs (see interned.h). Pods of a
// workload carry equal label sets, so a set costs 8 bytes per object and equality is a pointer
// comparison. Iteration yields pairs of const std::string& that stay valid while the Labels
// they came from is neither changed nor destroyed.
//
//   Labels labels = {{"app", "web"}, {"tier", "frontend"}};
//   labels["env"] = "prod";                        // builds a new set
//   if (auto it = labels.find("app"); it != labels.end()) Use(it->second);
//   for (const auto& [key, value] : labels) { ... }  // sorted by key
#pragma once

#include <compare>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/interned.h"
#include "model/interned_string.h"

namespace cloudoptim {

class Labels {
 public:
  using Entry = std::pair<InternedString, InternedString>;
  using key_type = std::string;
  using mapped_type = std::string;
  using value_type = std::pair<const std::string, std::string>;
  using size_type = size_t;
  using Pair = std::pair<const std::string&, const std::string&>;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Labels::value_type;
    using difference_type = std::ptrdiff_t;
    using reference = Pair;
    struct pointer {
      Pair pair;
      const Pair* operator->() const { return &pair; }
    };

    const_iterator() = default;
    explicit const_iterator(const Entry* at) : at_(at) {}
    Pair operator*() const { return {at_->first.str(), at_->second.str()}; }
    pointer operator->() const { return {**this}; }
    const_iterator& operator++() {
      ++at_;
      return *this;
    }
    const_iterator operator++(int) { return const_iterator(at_++); }
    friend bool operator==(const_iterator a, const_iterator b) { return a.at_ == b.at_; }

   private:
    const Entry* at_ = nullptr;
  };
  using iterator = const_iterator;

  // What labels["key"] returns: assigning to it sets the value (building a new set); reading
  // it reads the value ("" when absent, which std::map would have inserted).
  class ValueRef {
   public:
    ValueRef(Labels* labels, std::string_view key) : labels_(labels), key_(key) {}
    ValueRef(const ValueRef&) = default;
    ValueRef& operator=(const ValueRef&) = delete;  // labels["a"] = other["b"]: say .at()
    ValueRef& operator=(std::string_view value) {
      labels_->insert_or_assign(key_, value);
      return *this;
    }
    ValueRef& operator=(const std::string& value) { return *this = std::string_view(value); }
    ValueRef& operator=(const char* value) { return *this = std::string_view(value); }
    operator const std::string&() const;  // NOLINT(google-explicit-constructor)
    friend bool operator==(const ValueRef& a, std::string_view b) {
      return static_cast<const std::string&>(a) == b;
    }

   private:
    Labels* labels_;
    std::string key_;
  };

  Labels() = default;
  Labels(std::initializer_list<std::pair<std::string_view, std::string_view>> items);
  template <typename Iterator>
  Labels(Iterator first, Iterator last) {
    std::vector<std::pair<std::string_view, std::string_view>> items;
    for (; first != last; ++first) items.emplace_back((*first).first, (*first).second);
    *this = FromPairs(std::move(items));
  }
  // Builds a set from pairs in any order; when a key repeats, the last value wins (as
  // insert_or_assign, and as a JSON object with a repeated key reads).
  static Labels FromPairs(std::vector<std::pair<std::string_view, std::string_view>> items);

  const_iterator begin() const { return const_iterator(entries().data()); }
  const_iterator end() const { return const_iterator(entries().data() + entries().size()); }
  size_t size() const { return entries().size(); }
  bool empty() const { return set_.empty(); }

  const_iterator find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != end(); }
  size_t count(std::string_view key) const { return contains(key) ? 1 : 0; }
  // The value; std::out_of_range when absent, as std::map::at.
  const std::string& at(std::string_view key) const;
  // nullptr when absent.
  const std::string* Find(std::string_view key) const;

  ValueRef operator[](std::string_view key) { return ValueRef(this, key); }
  // Inserts when the key is absent; returns the position of the key and whether it inserted.
  std::pair<const_iterator, bool> emplace(std::string_view key, std::string_view value);
  std::pair<const_iterator, bool> insert(const std::pair<std::string_view, std::string_view>& kv) {
    return emplace(kv.first, kv.second);
  }
  std::pair<const_iterator, bool> try_emplace(std::string_view key, std::string_view value) {
    return emplace(key, value);
  }
  std::pair<const_iterator, bool> insert_or_assign(std::string_view key, std::string_view value);
  size_t erase(std::string_view key);
  void clear() { set_ = {}; }

  // Equal sets share one interned array, so this is a pointer comparison.
  friend bool operator==(const Labels& a, const Labels& b) { return a.set_ == b.set_; }
  // Lexicographic by (key, value), as std::map orders.
  friend std::strong_ordering operator<=>(const Labels& a, const Labels& b);

  size_t hash() const { return set_.hash(); }
  // Distinct label sets alive in the process (tests and benchmarks).
  static size_t DistinctSets() { return Interned<std::vector<Entry>>::DistinctValues(); }

 private:
  explicit Labels(std::vector<Entry> entries) : set_(std::move(entries)) {}
  const std::vector<Entry>& entries() const { return set_.get(); }
  const Entry* LowerBound(std::string_view key) const;

  Interned<std::vector<Entry>> set_;
};

inline size_t HashValue(const Labels& labels) { return labels.hash(); }

}  // namespace cloudoptim
