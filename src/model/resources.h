// A vector of the resources the scheduler counts: CPU in millicores, memory and ephemeral
// storage in bytes, pod slots and GPUs. Arithmetic is element-wise; Fits() is the
// scheduler's "requests <= free" test on every dimension.
//
//   Resources free = node.allocatable - used;
//   if (pod.Requests().FitsIn(free)) { ... }
#pragma once

#include <cstdint>
#include <string>

namespace cloudoptim {

struct Resources {
  int64_t cpu_millis = 0;
  int64_t memory_bytes = 0;
  int64_t ephemeral_storage_bytes = 0;
  int64_t pods = 0;
  int64_t gpus = 0;

  Resources operator+(const Resources& o) const;
  Resources operator-(const Resources& o) const;
  Resources& operator+=(const Resources& o);
  Resources& operator-=(const Resources& o);
  Resources operator*(int64_t n) const;
  bool operator==(const Resources&) const = default;

  // True when every dimension of *this is <= the same dimension of `capacity`.
  bool FitsIn(const Resources& capacity) const;
  // Element-wise max / min.
  Resources Max(const Resources& o) const;
  Resources Min(const Resources& o) const;
  // Negative dimensions clamped to zero.
  Resources ClampedAtZero() const;
  bool IsZero() const { return *this == Resources{}; }
  // "cpu=1500m memory=2Gi pods=3" for logs and explanations.
  std::string ToString() const;
};

// part ÷ whole, 0 when whole is 0: how much of a capacity (one dimension) a request takes.
inline double Share(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

}  // namespace cloudoptim
