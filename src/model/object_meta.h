// The metadata every Kubernetes object carries, reduced to what CloudOptim reads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/interned_list.h"
#include "model/labels.h"

namespace cloudoptim {

struct OwnerReference {
  std::string api_version;  // "apps/v1"
  std::string kind;         // "ReplicaSet"
  std::string name;
  std::string uid;
  bool controller = false;
  bool operator==(const OwnerReference&) const = default;
};
size_t HashValue(const OwnerReference& ref);

struct ObjectMeta {
  std::string name;
  std::string namespace_name;  // empty for cluster-scoped objects
  std::string uid;
  std::string resource_version;
  // Interned (see labels.h, interned_list.h): pods of one workload share one copy.
  Labels labels;
  Labels annotations;
  InternedList<OwnerReference> owner_references;
  TimePoint creation_timestamp{};
  std::optional<TimePoint> deletion_timestamp;

  // The owner reference with controller=true, if any.
  const OwnerReference* ControllerRef() const;
  // Annotation value or nullptr.
  const std::string* Annotation(std::string_view key) const;
  const std::string* Label(std::string_view key) const;
  // "namespace/name" or "name" for cluster-scoped objects.
  std::string Key() const;
};

// A namespace and its labels (environment: production|staging|dev drives policy).
struct Namespace {
  ObjectMeta meta;
  std::string phase;  // "Active" | "Terminating"
};

}  // namespace cloudoptim
