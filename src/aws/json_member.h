// Reading the JSON bodies AWS sends (SQS, the Price List, EventBridge events) without throwing.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace cloudoptim::aws {

// A string member of an object; "" when the value is not an object, or the member is absent
// or not a string.
inline std::string StringMember(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace cloudoptim::aws
