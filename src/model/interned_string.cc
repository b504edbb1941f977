#include "model/interned_string.h"

#include <functional>
#include <ostream>

namespace cloudoptim {

size_t HashValue(std::string_view text) { return std::hash<std::string_view>{}(text); }

InternedString::InternedString(std::string_view text) {
  if (text.empty()) return;
  handle_ =
      Interned<std::string>::FromKey(text, HashValue(text), [&] { return std::string(text); });
}

std::ostream& operator<<(std::ostream& out, const InternedString& text) {
  return out << text.str();
}

}  // namespace cloudoptim
