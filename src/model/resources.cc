#include "model/resources.h"

#include <algorithm>

#include "model/quantity.h"

namespace cloudoptim {

Resources Resources::operator+(const Resources& o) const {
  Resources r = *this;
  r += o;
  return r;
}

Resources Resources::operator-(const Resources& o) const {
  Resources r = *this;
  r -= o;
  return r;
}

Resources& Resources::operator+=(const Resources& o) {
  cpu_millis += o.cpu_millis;
  memory_bytes += o.memory_bytes;
  ephemeral_storage_bytes += o.ephemeral_storage_bytes;
  pods += o.pods;
  gpus += o.gpus;
  return *this;
}

Resources& Resources::operator-=(const Resources& o) {
  cpu_millis -= o.cpu_millis;
  memory_bytes -= o.memory_bytes;
  ephemeral_storage_bytes -= o.ephemeral_storage_bytes;
  pods -= o.pods;
  gpus -= o.gpus;
  return *this;
}

Resources Resources::operator*(int64_t n) const {
  return {cpu_millis * n, memory_bytes * n, ephemeral_storage_bytes * n, pods * n, gpus * n};
}

bool Resources::FitsIn(const Resources& c) const {
  return cpu_millis <= c.cpu_millis && memory_bytes <= c.memory_bytes &&
         ephemeral_storage_bytes <= c.ephemeral_storage_bytes && pods <= c.pods && gpus <= c.gpus;
}

Resources Resources::Max(const Resources& o) const {
  return {std::max(cpu_millis, o.cpu_millis), std::max(memory_bytes, o.memory_bytes),
          std::max(ephemeral_storage_bytes, o.ephemeral_storage_bytes), std::max(pods, o.pods),
          std::max(gpus, o.gpus)};
}

Resources Resources::Min(const Resources& o) const {
  return {std::min(cpu_millis, o.cpu_millis), std::min(memory_bytes, o.memory_bytes),
          std::min(ephemeral_storage_bytes, o.ephemeral_storage_bytes), std::min(pods, o.pods),
          std::min(gpus, o.gpus)};
}

Resources Resources::ClampedAtZero() const { return Max(Resources{}); }

std::string Resources::ToString() const {
  std::string out = "cpu=" + Quantity::FromMillis(cpu_millis).ToString() +
                    " memory=" + Quantity::FromBytes(memory_bytes).ToString();
  if (ephemeral_storage_bytes != 0) {
    out += " ephemeral-storage=" + Quantity::FromBytes(ephemeral_storage_bytes).ToString();
  }
  if (pods != 0) out += " pods=" + std::to_string(pods);
  if (gpus != 0) out += " gpus=" + std::to_string(gpus);
  return out;
}

}  // namespace cloudoptim
