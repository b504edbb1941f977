#include "server/route.h"

namespace cloudoptim::server {

std::string_view AccessName(Access access) {
  switch (access) {
    case Access::kPublic:
      return "public";
    case Access::kViewer:
      return "viewer";
    case Access::kOperator:
      return "operator";
    case Access::kAdmin:
      return "admin";
    case Access::kService:
      return "service";
  }
  return "viewer";
}

std::string RoutePattern(const std::string& path_template) {
  std::string pattern;
  for (size_t i = 0; i < path_template.size();) {
    if (path_template[i] == '{') {
      size_t close = path_template.find('}', i);
      std::string name = path_template.substr(i + 1, close - i - 1);
      pattern += name == "recommendation_id" ? "(.+)" : "([^/]+)";
      i = close + 1;
      continue;
    }
    char c = path_template[i++];
    if (c == '.' || c == '-') pattern.push_back('\\');
    pattern.push_back(c);
  }
  return pattern;
}

std::vector<std::string> RouteParameters(const std::string& path_template) {
  std::vector<std::string> names;
  for (size_t open = path_template.find('{'); open != std::string::npos;
       open = path_template.find('{', open + 1)) {
    size_t close = path_template.find('}', open);
    names.push_back(path_template.substr(open + 1, close - open - 1));
  }
  return names;
}

}  // namespace cloudoptim::server
