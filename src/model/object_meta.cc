#include "model/object_meta.h"

namespace cloudoptim {

size_t HashValue(const OwnerReference& ref) {
  size_t seed = HashCombine(HashValue(ref.api_version), HashValue(ref.kind));
  seed = HashCombine(seed, HashValue(ref.name));
  return HashCombine(HashCombine(seed, HashValue(ref.uid)), ref.controller ? 1 : 0);
}

const OwnerReference* ObjectMeta::ControllerRef() const {
  for (const OwnerReference& ref : owner_references) {
    if (ref.controller) return &ref;
  }
  return nullptr;
}

const std::string* ObjectMeta::Annotation(std::string_view key) const {
  return annotations.Find(key);
}

const std::string* ObjectMeta::Label(std::string_view key) const { return labels.Find(key); }

std::string ObjectMeta::Key() const {
  return namespace_name.empty() ? name : namespace_name + "/" + name;
}

}  // namespace cloudoptim
