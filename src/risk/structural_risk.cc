#include "risk/structural_risk.h"

#include <algorithm>

namespace cloudoptim {
namespace {

bool IsMainstreamCategory(const std::string& category) {
  return category == "m" || category == "c" || category == "r" || category == "t";
}

}  // namespace

StructuralTraits StructuralTraitsOf(const InstanceType& type, int32_t sizes_in_family,
                                    int32_t zones_offering) {
  // The shipped catalogue flags some current families (m5, c5, r5, m6i, ...) as previous
  // generation (its source, moto's snapshot, says so); AWS retires families by generation,
  // so generation 5 and later count as current whatever the flag says.
  return StructuralTraits{.category = type.category,
                          .generation = type.generation,
                          .current_generation = type.current_generation || type.generation >= 5,
                          .bare_metal = type.bare_metal,
                          .gpus = type.gpus,
                          .vcpus = type.vcpus,
                          .sizes_in_family = sizes_in_family,
                          .zones_offering = zones_offering};
}

double StructuralRisk(const StructuralTraits& traits, const StructuralPenalties& penalties) {
  double risk = 0;
  if (!traits.current_generation) risk += penalties.previous_generation;
  if (traits.generation > 0 && traits.generation <= 4) risk += penalties.old_generation;
  if (traits.bare_metal) risk += penalties.bare_metal;
  if (traits.gpus > 0) risk += penalties.gpu;
  if (traits.vcpus >= 64) risk += penalties.very_large;
  if (!IsMainstreamCategory(traits.category)) risk += penalties.niche_category;
  if (traits.sizes_in_family < 4) risk += penalties.few_sizes;
  if (traits.zones_offering < 3) risk += penalties.few_zones;
  return std::clamp(risk, 0.0, 1.0);
}

}  // namespace cloudoptim
