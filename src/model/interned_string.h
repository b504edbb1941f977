// A string kept once per process (see interned.h): 8 bytes per copy instead of a 32-byte
// std::string plus its heap block. For strings that repeat across thousands of objects
// (label keys and values, node and scheduler names); not for per-object ones such as a pod's
// name or uid, where the pool entry would cost more than it saves.
//
//   InternedString zone("us-east-1a");
//   const std::string& text = zone;  // the pooled copy, valid while `zone` lives
//   if (zone == "us-east-1a") { ... }
#pragma once

#include <compare>
#include <iosfwd>
#include <string>
#include <string_view>

#include "model/interned.h"

namespace cloudoptim {

class InternedString {
 public:
  InternedString() = default;
  // Implicit, so that fields of this type are assigned from strings as before.
  InternedString(std::string_view text);  // NOLINT(google-explicit-constructor)
  InternedString(const std::string& text) : InternedString(std::string_view(text)) {}  // NOLINT
  InternedString(const char* text) : InternedString(std::string_view(text)) {}         // NOLINT

  const std::string& str() const { return handle_.get(); }
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return str(); }    // NOLINT(google-explicit-constructor)
  bool empty() const { return handle_.empty(); }
  size_t size() const { return str().size(); }
  const char* c_str() const { return str().c_str(); }
  size_t hash() const { return handle_.hash(); }

  friend bool operator==(const InternedString& a, const InternedString& b) {
    return a.handle_ == b.handle_;
  }
  friend bool operator==(const InternedString& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const InternedString& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const InternedString& a, const char* b) { return a.str() == b; }
  friend std::strong_ordering operator<=>(const InternedString& a, const InternedString& b) {
    return a.handle_ == b.handle_ ? std::strong_ordering::equal : a.str() <=> b.str();
  }
  friend std::strong_ordering operator<=>(const InternedString& a, std::string_view b) {
    return std::string_view(a.str()) <=> b;
  }
  friend std::strong_ordering operator<=>(const InternedString& a, const std::string& b) {
    return a.str() <=> b;
  }
  friend std::strong_ordering operator<=>(const InternedString& a, const char* b) {
    return std::string_view(a.str()) <=> std::string_view(b);
  }

  friend std::string operator+(const std::string& a, const InternedString& b) {
    return a + b.str();
  }
  friend std::string operator+(const InternedString& a, const std::string& b) {
    return a.str() + b;
  }
  friend std::string operator+(const char* a, const InternedString& b) { return a + b.str(); }
  friend std::string operator+(const InternedString& a, const char* b) { return a.str() + b; }

  // Distinct strings alive in the pool (tests and benchmarks).
  static size_t DistinctValues() { return Interned<std::string>::DistinctValues(); }

 private:
  Interned<std::string> handle_;
};

std::ostream& operator<<(std::ostream& out, const InternedString& text);

inline size_t HashValue(const InternedString& text) { return text.hash(); }

}  // namespace cloudoptim

template <>
struct std::hash<cloudoptim::InternedString> {
  size_t operator()(const cloudoptim::InternedString& text) const { return text.hash(); }
};
