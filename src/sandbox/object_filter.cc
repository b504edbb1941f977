#include "sandbox/object_filter.h"

#include <string.h>

#include <algorithm>

#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits on commas that are not inside parentheses ("a in (x,y),b" -> 2 terms).
std::vector<std::string_view> SplitTerms(std::string_view text) {
  std::vector<std::string_view> terms;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == ',' && depth == 0)) {
      terms.push_back(Trim(text.substr(start, i - start)));
      start = i + 1;
    } else if (text[i] == '(') {
      ++depth;
    } else if (text[i] == ')') {
      --depth;
    }
  }
  return terms;
}

}  // namespace

bool LabelRequirement::Matches(const json& labels) const {
  const std::string* value = nullptr;
  std::string holder;
  if (labels.is_object()) {
    auto it = labels.find(key);
    if (it != labels.end() && it->is_string()) {
      holder = it->get<std::string>();
      value = &holder;
    }
  }
  auto contains = [&] {
    return value && std::find(values.begin(), values.end(), *value) != values.end();
  };
  switch (op) {
    case Op::kEquals:
    case Op::kIn:
      return contains();
    case Op::kNotEquals:
    case Op::kNotIn:
      return !contains();
    case Op::kExists:
      return value != nullptr;
    case Op::kDoesNotExist:
      return value == nullptr;
  }
  return false;
}

Result<std::vector<FieldRequirement>> ParseFieldSelector(std::string_view text) {
  std::vector<FieldRequirement> out;
  if (Trim(text).empty()) return out;
  for (std::string_view term : SplitTerms(text)) {
    FieldRequirement r;
    size_t ne = term.find("!=");
    size_t eq = term.find('=');
    if (ne != std::string_view::npos) {
      r = {std::string(Trim(term.substr(0, ne))), false, std::string(Trim(term.substr(ne + 2)))};
    } else if (eq != std::string_view::npos) {
      size_t skip = term.substr(eq).starts_with("==") ? 2 : 1;
      r = {std::string(Trim(term.substr(0, eq))), true, std::string(Trim(term.substr(eq + skip)))};
    } else {
      return InvalidArgument("invalid selector: '" + std::string(text) + "'; can't understand '" +
                             std::string(term) + "'");
    }
    if (r.path.empty()) return InvalidArgument("field label not supported: \"\"");
    out.push_back(std::move(r));
  }
  return out;
}

std::string FieldValue(const json& object, std::string_view path) {
  const json* node = &object;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string part(path.substr(start, dot == std::string_view::npos ? path.npos : dot - start));
    if (!node->is_object()) return "";
    auto it = node->find(part);
    if (it == node->end()) return "";
    node = &*it;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (node->is_string()) return node->get<std::string>();
  if (node->is_boolean()) return node->get<bool>() ? "true" : "false";
  if (node->is_number()) return node->dump();
  return "";
}

Result<ObjectFilter> ObjectFilter::Parse(std::string_view label_selector,
                                         std::string_view field_selector) {
  ObjectFilter filter;
  CO_ASSIGN_OR_RETURN(filter.labels_, LabelSelector::Parse(label_selector));
  CO_ASSIGN_OR_RETURN(filter.fields_, ParseFieldSelector(field_selector));
  return filter;
}

bool ObjectFilter::Matches(const json& object) const {
  if (!labels_.IsEmpty()) {
    std::vector<std::pair<std::string_view, std::string_view>> pairs;
    if (object.contains("metadata") && object["metadata"].contains("labels") &&
        object["metadata"]["labels"].is_object()) {
      for (const auto& [key, value] : object["metadata"]["labels"].items()) {
        if (value.is_string()) pairs.emplace_back(key, value.get_ref<const std::string&>());
      }
    }
    if (!labels_.Matches(Labels::FromPairs(std::move(pairs)))) return false;
  }
  for (const FieldRequirement& f : fields_) {
    if ((FieldValue(object, f.path) == f.value) != f.equals) return false;
  }
  return true;
}

// An object whose field equals `value` has `value` verbatim in its compact JSON text (strings
// as `"value"`, booleans and numbers as dumped) unless the value needs JSON escaping; such
// values are not screened. The screen is a necessary condition only: Matches decides.
bool ObjectFilter::MayMatchText(std::string_view text) const {
  for (const FieldRequirement& f : fields_) {
    if (!f.equals || f.value.empty()) continue;
    bool plain = std::ranges::none_of(f.value, [](char c) {
      return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
    });
    // glibc's memmem (two-way search): string_view::find stops at every 'i' of the text to
    // compare "ip-10-…", which made the screen itself a top cost of a drain's pod listing.
    if (plain && memmem(text.data(), text.size(), f.value.data(), f.value.size()) == nullptr) {
      return false;
    }
  }
  return true;
}

bool SelectorMatches(const json& selector, const json& labels) {
  if (!selector.is_object()) return false;
  if (auto ml = selector.find("matchLabels"); ml != selector.end() && ml->is_object()) {
    for (const auto& [key, value] : ml->items()) {
      if (!labels.is_object() || !labels.contains(key) || labels[key] != value) return false;
    }
  }
  if (auto me = selector.find("matchExpressions"); me != selector.end() && me->is_array()) {
    for (const json& expr : *me) {
      LabelRequirement r;
      r.key = expr.value("key", "");
      std::string op = expr.value("operator", "");
      if (op == "In") {
        r.op = LabelRequirement::Op::kIn;
      } else if (op == "NotIn") {
        r.op = LabelRequirement::Op::kNotIn;
      } else if (op == "Exists") {
        r.op = LabelRequirement::Op::kExists;
      } else if (op == "DoesNotExist") {
        r.op = LabelRequirement::Op::kDoesNotExist;
      } else {
        return false;
      }
      if (expr.contains("values") && expr["values"].is_array()) {
        for (const json& v : expr["values"]) {
          if (v.is_string()) r.values.push_back(v.get<std::string>());
        }
      }
      if (!r.Matches(labels)) return false;
    }
  }
  return true;
}

}  // namespace cloudoptim::sandbox
