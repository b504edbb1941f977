#include "model/pool.h"

namespace cloudoptim {

std::string PoolKey::ToString() const {
  std::string out = instance_type;
  out += '/';
  out += availability_zone;
  out += '/';
  out += CapacityTypeName(capacity);
  return out;
}

}  // namespace cloudoptim
