// An immutable list shared by content (see interned.h): 8 bytes in the object that holds it,
// one copy per distinct list in the process. Pods of one workload carry equal containers,
// tolerations and affinity terms; each list is stored once for all of them.
//
// It reads as a const std::vector<T> (range-for, size, [], front, back, conversion to
// const std::vector<T>&). Changes build a new list: assignment from a vector or a braced list,
// push_back, clear, or Edit() for anything else.
//
//   pod.tolerations = {Toleration{.key = "dedicated", .operator_exists = true}};
//   pod.tolerations.push_back(other);
//   pod.containers.Edit([](std::vector<Container>& cs) { cs[0].resources.requests = r; });
#pragma once

#include <cstddef>
#include <initializer_list>
#include <utility>
#include <vector>

#include "model/interned.h"

namespace cloudoptim {

template <typename T>
class InternedList {
 public:
  using value_type = T;
  using size_type = size_t;
  using difference_type = std::ptrdiff_t;
  using reference = const T&;
  using const_reference = const T&;
  using iterator = const T*;
  using const_iterator = const T*;

  InternedList() = default;
  InternedList(std::vector<T> items) : handle_(std::move(items)) {}  // NOLINT: reads as a vector
  InternedList(std::initializer_list<T> items) : handle_(std::vector<T>(items)) {}

  const std::vector<T>& vector() const { return handle_.get(); }
  operator const std::vector<T>&() const { return vector(); }  // NOLINT

  const T* begin() const { return vector().data(); }
  const T* end() const { return vector().data() + vector().size(); }
  size_t size() const { return vector().size(); }
  bool empty() const { return handle_.empty(); }
  const T& operator[](size_t i) const { return vector()[i]; }
  const T& at(size_t i) const { return vector().at(i); }
  const T& front() const { return vector().front(); }
  const T& back() const { return vector().back(); }
  const T* data() const { return vector().data(); }

  void push_back(T item) {
    Edit([&](std::vector<T>& items) { items.push_back(std::move(item)); });
  }
  void clear() { handle_ = {}; }
  // Copies the list, lets `edit` change the copy and interns the result.
  template <typename Fn>
  void Edit(Fn&& edit) {
    std::vector<T> items = vector();
    edit(items);
    handle_ = Interned<std::vector<T>>(std::move(items));
  }

  size_t hash() const { return handle_.hash(); }
  friend bool operator==(const InternedList& a, const InternedList& b) {
    return a.handle_ == b.handle_;
  }
  friend bool operator==(const InternedList& a, const std::vector<T>& b) { return a.vector() == b; }

 private:
  Interned<std::vector<T>> handle_;
};

template <typename T>
size_t HashValue(const InternedList<T>& list) {
  return list.hash();
}

}  // namespace cloudoptim
