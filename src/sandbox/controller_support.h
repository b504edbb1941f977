// What the sandbox's controllers share: the pods of each owner (from the pod index), owner
// references, metadata accessors and a status write that is skipped when nothing changed.
//
//   auto owned = PodsByOwner(index);
//   int64_t ready = CountReady(Active(owned[Uid(replica_set)]));
//   SetStatus(store, "replicasets.apps", replica_set, {{"readyReplicas", ready}});
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sandbox/object_store.h"
#include "sandbox/pod_index.h"

namespace cloudoptim::sandbox {

struct OwnedPod {
  std::string name;
  std::string node_name;
  bool ready = false;
  bool deleting = false;
  bool terminal = false;
  std::string phase;
};

// Pods grouped by the uid of their controller.
std::map<std::string, std::vector<OwnedPod>> PodsByOwner(const PodIndex& index);

// A controller owner reference to `owner` (blockOwnerDeletion, as controllers set it).
nlohmann::json OwnerRef(const nlohmann::json& owner);

std::string Ns(const nlohmann::json& object);
std::string Name(const nlohmann::json& object);
std::string Uid(const nlohmann::json& object);

// Writes `status` (merged over the current one) only when it changed, so a steady cluster
// produces no watch events.
void SetStatus(ObjectStore& store, const std::string& resource, const nlohmann::json& object,
               const nlohmann::json& status);

// Ready pods that are not terminating.
int64_t CountReady(const std::vector<OwnedPod>& pods);
// Pods neither terminating nor finished.
std::vector<OwnedPod> Active(const std::vector<OwnedPod>& pods);

}  // namespace cloudoptim::sandbox
