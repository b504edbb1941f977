// The resources the sandbox serves and how the API describes them: group, version, kind,
// plural and short names, scope, verbs and subresources. Discovery documents (/api,
// /apis, /api/v1, ...) are rendered from this one table, and so is the storage key of each
// resource ("pods", "deployments.apps").
//
//   const ResourceInfo* info = FindResource("apps", "v1", "deployments");
//   nlohmann::json doc = ResourceListDocument("apps", "v1");
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace cloudoptim::sandbox {

struct SubresourceInfo {
  std::string name;   // "eviction", "status", "scale", "binding"
  std::string group;  // of the subresource's kind when it differs ("policy" for Eviction)
  std::string version;
  std::string kind;
  std::vector<std::string> verbs;
};

struct ResourceInfo {
  std::string group;  // "" for core
  std::string version;
  std::string kind;
  std::string plural;
  std::string singular;
  bool namespaced = true;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs;
  std::vector<SubresourceInfo> subresources;
  bool stored = true;  // false for metrics.k8s.io, computed on request

  // The object store key: "pods", "deployments.apps".
  std::string StorageKey() const;
  // "v1", "apps/v1".
  std::string ApiVersion() const;
  const SubresourceInfo* FindSubresource(std::string_view name) const;
};

const std::vector<ResourceInfo>& AllResources();
const ResourceInfo* FindResource(std::string_view group, std::string_view version,
                                 std::string_view plural);
// By kind within an apiVersion ("apps/v1", "Deployment"); for manifests and owner references.
const ResourceInfo* FindResourceByKind(std::string_view api_version, std::string_view kind);

// Discovery documents.
nlohmann::json VersionDocument();
nlohmann::json CoreVersionsDocument(std::string_view server_address);
nlohmann::json GroupListDocument();
nlohmann::json GroupDocument(std::string_view group);  // null when unknown
// Null when the group version is unknown.
nlohmann::json ResourceListDocument(std::string_view group, std::string_view version);

}  // namespace cloudoptim::sandbox
