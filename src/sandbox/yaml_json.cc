#include "sandbox/yaml_json.h"

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

json ScalarToJson(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return text;  // quoted
  if (text == "true" || text == "True") return true;
  if (text == "false" || text == "False") return false;
  if (text == "null" || text == "~" || text.empty()) return nullptr;
  char* end = nullptr;
  long long integer = std::strtoll(text.c_str(), &end, 10);
  if (end != text.c_str() && *end == '\0' && text.find_first_of("+") == std::string::npos) {
    return integer;
  }
  double real = std::strtod(text.c_str(), &end);
  if (end != text.c_str() && *end == '\0' && text.find_first_of("0123456789") == 0 &&
      text.find('.') != std::string::npos) {
    return real;
  }
  return text;
}

}  // namespace

json YamlNodeToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& entry : node) out[entry.first.as<std::string>()] = YamlNodeToJson(entry.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(YamlNodeToJson(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      return ScalarToJson(node);
    default:
      return nullptr;
  }
}

// yaml-cpp reports malformed input by throwing; this is the boundary where it becomes a
// Status.
Result<json> YamlToJson(std::string_view text) {
  try {
    return YamlNodeToJson(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("error converting YAML to JSON: ") + e.what());
  }
}

Result<std::vector<json>> YamlDocumentsToJson(std::string_view text) {
  try {
    std::vector<json> out;
    for (const YAML::Node& doc : YAML::LoadAll(std::string(text))) {
      if (doc.IsNull()) continue;
      out.push_back(YamlNodeToJson(doc));
    }
    return out;
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("error converting YAML to JSON: ") + e.what());
  }
}

}  // namespace cloudoptim::sandbox
