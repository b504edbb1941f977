// Node taints and pod tolerations, with the toleration semantics of the Kubernetes scheduler
// (an empty key with operator Exists tolerates everything; an empty effect matches all effects).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cloudoptim {

enum class TaintEffect { kNoSchedule, kPreferNoSchedule, kNoExecute };

struct Taint {
  std::string key;
  std::string value;
  TaintEffect effect = TaintEffect::kNoSchedule;
  bool operator==(const Taint&) const = default;
};

struct Toleration {
  std::string key;               // empty + kExists: tolerates every taint
  bool operator_exists = false;  // false: "Equal"
  std::string value;
  std::optional<TaintEffect> effect;  // empty: every effect
  std::optional<int64_t> toleration_seconds;

  bool operator==(const Toleration&) const = default;
  bool Tolerates(const Taint& taint) const;
};

// True when every NoSchedule/NoExecute taint is tolerated (PreferNoSchedule never blocks).
bool ToleratesAll(const std::vector<Toleration>& tolerations, const std::vector<Taint>& taints);

size_t HashValue(const Toleration& toleration);

std::string_view TaintEffectName(TaintEffect effect);
// "NoSchedule" | "PreferNoSchedule" | "NoExecute"; nullopt for anything else.
std::optional<TaintEffect> ParseTaintEffect(std::string_view text);

}  // namespace cloudoptim
