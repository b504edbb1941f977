#include "sandbox/controller_support.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {

using nlohmann::json;

std::map<std::string, std::vector<OwnedPod>> PodsByOwner(const PodIndex& index) {
  std::map<std::string, std::vector<OwnedPod>> out;
  index.ForEach([&](const PodRecord& p) {
    if (p.owner_uid.empty()) return;
    out[p.owner_uid].push_back({p.name, p.node_name, p.ready, p.deleting, p.IsTerminal(), p.phase});
  });
  return out;
}

json OwnerRef(const json& owner) {
  return {{"apiVersion", owner.value("apiVersion", "")},
          {"kind", owner.value("kind", "")},
          {"name", owner["metadata"].value("name", "")},
          {"uid", owner["metadata"].value("uid", "")},
          {"controller", true},
          {"blockOwnerDeletion", true}};
}

std::string Ns(const json& o) { return o["metadata"].value("namespace", ""); }
std::string Name(const json& o) { return o["metadata"].value("name", ""); }
std::string Uid(const json& o) { return o["metadata"].value("uid", ""); }

void SetStatus(ObjectStore& store, const std::string& resource, const json& object,
               const json& status) {
  json current = object.contains("status") ? object["status"] : json::object();
  json merged = current;
  merged.merge_patch(status);
  if (merged == current) return;
  (void)store.Mutate(resource, Ns(object), Name(object), [&](json& o) -> Status {
    o["status"] = merged;
    return Ok();
  });
}

int64_t CountReady(const std::vector<OwnedPod>& pods) {
  return std::count_if(pods.begin(), pods.end(),
                       [](const OwnedPod& p) { return p.ready && !p.deleting; });
}

std::vector<OwnedPod> Active(const std::vector<OwnedPod>& pods) {
  std::vector<OwnedPod> out;
  for (const OwnedPod& p : pods) {
    if (!p.deleting && !p.terminal) out.push_back(p);
  }
  return out;
}

}  // namespace cloudoptim::sandbox
