#include "model/labels.h"

#include <algorithm>
#include <stdexcept>

namespace cloudoptim {
namespace {

bool KeyLess(const Labels::Entry& entry, std::string_view key) {
  return std::string_view(entry.first.str()) < key;
}

}  // namespace

Labels::Labels(std::initializer_list<std::pair<std::string_view, std::string_view>> items)
    : Labels(FromPairs({items.begin(), items.end()})) {}

// Sorting a small array and interning it once is cheaper than the map's node per label, and
// a stable sort keeps repeated keys in input order so that the last one can win.
Labels Labels::FromPairs(std::vector<std::pair<std::string_view, std::string_view>> items) {
  if (items.empty()) return Labels();
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Entry> entries;
  entries.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (i + 1 < items.size() && items[i + 1].first == items[i].first) continue;
    entries.emplace_back(InternedString(items[i].first), InternedString(items[i].second));
  }
  return Labels(std::move(entries));
}

const Labels::Entry* Labels::LowerBound(std::string_view key) const {
  const std::vector<Entry>& all = entries();
  return std::lower_bound(all.data(), all.data() + all.size(), key, KeyLess);
}

Labels::const_iterator Labels::find(std::string_view key) const {
  const Entry* at = LowerBound(key);
  if (at != entries().data() + entries().size() && at->first == key) return const_iterator(at);
  return end();
}

const std::string& Labels::at(std::string_view key) const {
  const std::string* value = Find(key);
  if (value == nullptr) throw std::out_of_range("no label \"" + std::string(key) + "\"");
  return *value;
}

const std::string* Labels::Find(std::string_view key) const {
  const const_iterator it = find(key);
  return it == end() ? nullptr : &it->second;
}

std::pair<Labels::const_iterator, bool> Labels::emplace(std::string_view key,
                                                        std::string_view value) {
  const const_iterator it = find(key);
  if (it != end()) return {it, false};
  return insert_or_assign(key, value);
}

std::pair<Labels::const_iterator, bool> Labels::insert_or_assign(std::string_view key,
                                                                 std::string_view value) {
  std::vector<Entry> copy = entries();
  const size_t index = static_cast<size_t>(LowerBound(key) - entries().data());
  const bool inserted = index == copy.size() || copy[index].first != key;
  if (inserted) {
    copy.emplace(copy.begin() + static_cast<std::ptrdiff_t>(index), InternedString(key),
                 InternedString(value));
  } else {
    copy[index].second = InternedString(value);
  }
  set_ = Interned<std::vector<Entry>>(std::move(copy));
  return {const_iterator(entries().data() + index), inserted};
}

size_t Labels::erase(std::string_view key) {
  const const_iterator it = find(key);
  if (it == end()) return 0;
  const size_t index = static_cast<size_t>(LowerBound(key) - entries().data());
  std::vector<Entry> copy = entries();
  copy.erase(copy.begin() + static_cast<std::ptrdiff_t>(index));
  set_ = Interned<std::vector<Entry>>(std::move(copy));
  return 1;
}

std::strong_ordering operator<=>(const Labels& a, const Labels& b) {
  if (a == b) return std::strong_ordering::equal;
  auto ai = a.begin(), bi = b.begin();
  for (; ai != a.end() && bi != b.end(); ++ai, ++bi) {
    if (auto c = ai->first <=> bi->first; c != 0) return c;
    if (auto c = ai->second <=> bi->second; c != 0) return c;
  }
  if (ai == a.end())
    return bi == b.end() ? std::strong_ordering::equal : std::strong_ordering::less;
  return std::strong_ordering::greater;
}

Labels::ValueRef::operator const std::string&() const {
  return labels_->emplace(key_, "").first->second;
}

}  // namespace cloudoptim
