// YAML documents as JSON values, for request bodies sent as application/yaml, manifests and
// scenario files. Scalars become numbers or booleans when YAML 1.1 plain scalars say so
// (unquoted 3, 1.5, true), strings otherwise.
//
//   Result<nlohmann::json> doc = YamlToJson("kind: Pod\nmetadata: {name: web}\n");
//   Result<std::vector<nlohmann::json>> docs = YamlDocumentsToJson(multi_doc_text);
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/error.h"

namespace YAML {
class Node;
}

namespace cloudoptim::sandbox {

// InvalidArgument with the parser's line and column when the text is not YAML.
Result<nlohmann::json> YamlToJson(std::string_view text);
Result<std::vector<nlohmann::json>> YamlDocumentsToJson(std::string_view text);
nlohmann::json YamlNodeToJson(const YAML::Node& node);

}  // namespace cloudoptim::sandbox
