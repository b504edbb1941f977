#include "model/taint.h"

namespace cloudoptim {

// Mirrors the scheduler's ToleratesTaint: the effect must match unless the toleration leaves
// it empty; the key must match unless the toleration has an empty key with Exists (the
// "tolerate everything" form); Exists ignores the value, Equal compares it. (An empty key with
// Equal is rejected by API validation, so it never reaches us; like the scheduler we do not
// special-case it.)
bool Toleration::Tolerates(const Taint& taint) const {
  if (effect.has_value() && *effect != taint.effect) return false;
  if (!key.empty() && key != taint.key) return false;
  if (operator_exists) return true;
  return value == taint.value;
}

bool ToleratesAll(const std::vector<Toleration>& tolerations, const std::vector<Taint>& taints) {
  for (const Taint& taint : taints) {
    if (taint.effect == TaintEffect::kPreferNoSchedule) continue;
    bool tolerated = false;
    for (const Toleration& toleration : tolerations) {
      if (toleration.Tolerates(taint)) {
        tolerated = true;
        break;
      }
    }
    if (!tolerated) return false;
  }
  return true;
}

std::string_view TaintEffectName(TaintEffect effect) {
  switch (effect) {
    case TaintEffect::kNoSchedule:
      return "NoSchedule";
    case TaintEffect::kPreferNoSchedule:
      return "PreferNoSchedule";
    case TaintEffect::kNoExecute:
      return "NoExecute";
  }
  return "NoSchedule";
}

std::optional<TaintEffect> ParseTaintEffect(std::string_view text) {
  if (text == "NoSchedule") return TaintEffect::kNoSchedule;
  if (text == "PreferNoSchedule") return TaintEffect::kPreferNoSchedule;
  if (text == "NoExecute") return TaintEffect::kNoExecute;
  return std::nullopt;
}

}  // namespace cloudoptim
