// Structural risk of a spot pool: what the shape of an instance type says about how deep its
// spare capacity is. Old generations are being retired (their pools shrink), bare metal and
// GPU types have few hosts, the largest sizes take a whole host, rarely used families and types
// offered in few sizes or zones have shallow pools. Inputs are plain traits (no catalogue).
//
//   StructuralTraits t = StructuralTraitsOf(*catalog.FindType("m5.large"), 6, 6);
//   double risk = StructuralRisk(t);   // [0,1]; m5.large ~0
#pragma once

#include <cstdint>
#include <string>

#include "catalog/instance_type.h"

namespace cloudoptim {

struct StructuralTraits {
  std::string category;  // "m", "c", "r", "t", "g", ...
  int32_t generation = 0;
  bool current_generation = true;
  bool bare_metal = false;
  int32_t gpus = 0;
  int32_t vcpus = 0;
  int32_t sizes_in_family = 0;  // how many sizes the family offers in the region
  int32_t zones_offering = 0;   // how many zones of the region offer the type
};

StructuralTraits StructuralTraitsOf(const InstanceType& type, int32_t sizes_in_family,
                                    int32_t zones_offering);

// The sum of these penalties, clamped to [0,1]. Each is documented where it is defined.
struct StructuralPenalties {
  double previous_generation = 0.30;  // AWS no longer adds hosts; pools shrink year by year
  double old_generation = 0.15;       // generation <= 4 (m4, c4, r4): still current, fading
  double bare_metal = 0.30;           // one instance per host
  double gpu = 0.30;                  // GPU hosts are few and in demand for training runs
  double very_large = 0.15;           // >= 64 vCPUs: few fit per host
  double niche_category = 0.10;       // not m/c/r/t: x, z, i, d, h, u... fewer buyers, fewer hosts
  double few_sizes = 0.10;            // < 4 sizes in the family
  double few_zones = 0.10;            // offered in < 3 zones
};

double StructuralRisk(const StructuralTraits& traits, const StructuralPenalties& penalties = {});

}  // namespace cloudoptim
