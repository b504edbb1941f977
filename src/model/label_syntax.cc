#include "model/label_syntax.h"

#include <algorithm>

namespace cloudoptim {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A label value or the name part of a key: at most 63 of [A-Za-z0-9._-], starting and ending
// alphanumeric. `allow_empty` is true for values ("a=" selects the empty value).
bool IsLabelToken(std::string_view s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  if (s.size() > 63 || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

// A DNS-1123 subdomain: at most 253 characters, dot-separated labels of [a-z0-9-] that
// start and end alphanumeric.
bool IsDnsSubdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    const std::string_view label =
        s.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty()) return false;
    auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!lower_alnum(label.front()) || !lower_alnum(label.back())) return false;
    for (char c : label) {
      if (!lower_alnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

Status ValidateLabelKey(std::string_view key) {
  const size_t slash = key.find('/');
  std::string_view name = key;
  if (slash != std::string_view::npos) {
    const std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (!IsDnsSubdomain(prefix)) {
      return InvalidArgument("invalid label key \"" + std::string(key) +
                             "\": prefix must be a DNS subdomain (lowercase alphanumerics, '-' "
                             "and '.', at most 253 characters)");
    }
  }
  if (!IsLabelToken(name, /*allow_empty=*/false)) {
    return InvalidArgument("invalid label key \"" + std::string(key) +
                           "\": name part must be 1-63 characters of [A-Za-z0-9._-], "
                           "beginning and ending with an alphanumeric character");
  }
  return Ok();
}

Status ValidateLabelValue(std::string_view key, std::string_view value) {
  if (IsLabelToken(value, /*allow_empty=*/true)) return Ok();
  return InvalidArgument("invalid value \"" + std::string(value) + "\" for label key \"" +
                         std::string(key) +
                         "\": must be at most 63 characters of [A-Za-z0-9._-], beginning and "
                         "ending with an alphanumeric character");
}

}  // namespace cloudoptim
