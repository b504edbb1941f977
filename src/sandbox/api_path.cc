#include "sandbox/api_path.h"

#include <vector>

namespace cloudoptim::sandbox {
namespace {

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

auto NotFoundPath() { return NotFound("the server could not find the requested resource"); }

}  // namespace

Result<ApiPath> ParseApiPath(std::string_view path) {
  std::vector<std::string> s = Segments(path);
  ApiPath p;
  if (s.empty()) return NotFoundPath();
  if (s[0] == "version" && s.size() == 1) {
    p.kind = ApiPath::Kind::kVersion;
    return p;
  }
  if (s[0] == "openapi") {
    p.kind = ApiPath::Kind::kOpenApi;
    return p;
  }
  if (s[0] == "sandbox" && s.size() == 3 && s[1] == "v1") {
    p.kind = ApiPath::Kind::kAdmin;
    p.admin_action = s[2];
    return p;
  }
  size_t rest = 0;
  if (s[0] == "api") {
    if (s.size() == 1) {
      p.kind = ApiPath::Kind::kCoreVersions;
      return p;
    }
    p.version = s[1];
    rest = 2;
  } else if (s[0] == "apis") {
    if (s.size() == 1) {
      p.kind = ApiPath::Kind::kGroupList;
      return p;
    }
    p.group = s[1];
    if (s.size() == 2) {
      p.kind = ApiPath::Kind::kGroup;
      return p;
    }
    p.version = s[2];
    rest = 3;
  } else {
    return NotFoundPath();
  }
  if (s.size() == rest) {
    p.kind = ApiPath::Kind::kResourceList;
    return p;
  }
  std::vector<std::string> r(s.begin() + static_cast<long>(rest), s.end());
  // "namespaces/{ns}/{resource}..." unless it is a namespace's own subresource.
  if (r[0] == "namespaces" && r.size() >= 3 && r[2] != "status" && r[2] != "finalize") {
    p.namespace_name = r[1];
    r.erase(r.begin(), r.begin() + 2);
  }
  if (r.size() > 3) return NotFoundPath();
  p.info = FindResource(p.group, p.version, r[0]);
  if (p.info == nullptr) return NotFoundPath();
  if (r.size() >= 2) p.name = r[1];
  if (r.size() == 3) {
    p.subresource = r[2];
    if (p.info->FindSubresource(p.subresource) == nullptr) return NotFoundPath();
  }
  if (!p.info->namespaced && !p.namespace_name.empty()) return NotFoundPath();
  return p;
}

}  // namespace cloudoptim::sandbox
