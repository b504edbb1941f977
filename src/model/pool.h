// A capacity pool: one instance type in one availability zone bought one way (spot or
// on-demand). Spot interruptions, prices and risk are all per pool.
#pragma once

#include <compare>
#include <string>

#include "model/node.h"

namespace cloudoptim {

struct PoolKey {
  std::string instance_type;
  std::string availability_zone;
  CapacityType capacity = CapacityType::kSpot;

  auto operator<=>(const PoolKey&) const = default;
  // "m5.large/us-east-1a/spot"
  std::string ToString() const;
};

}  // namespace cloudoptim
