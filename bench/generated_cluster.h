// The packing benchmarks' generated clusters: 20 pods per node's worth, four workload classes
// (web, JVM services, CPU-heavy batch, memory-heavy caches), CPU in 50m steps, memory in MiB.
// One definition, so packing_quality_benchmark and packing_search_benchmark measure the same
// pods.
//
//   std::vector<Resources> pods = GeneratedRequests(/*nodes=*/50, /*seed=*/1);  // 1,000 pods
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "model/resources.h"

namespace cloudoptim {

inline std::vector<Resources> GeneratedRequests(int nodes, uint32_t seed) {
  constexpr int64_t kMi = int64_t{1} << 20;
  std::mt19937 rng(seed);
  struct Shape {
    int64_t cpu_lo, cpu_hi, mem_lo_mi, mem_hi_mi;
  };
  const Shape shapes[] = {{100, 1000, 128, 1024},     // web
                          {500, 2000, 1024, 8192},    // JVM services
                          {1000, 4000, 512, 2048},    // CPU-heavy batch
                          {250, 1000, 4096, 16384}};  // memory-heavy caches
  std::vector<Resources> pods;
  for (int i = 0; i < nodes * 20; ++i) {
    const Shape& s = shapes[rng() % 4];
    int64_t cpu = std::uniform_int_distribution<int64_t>(s.cpu_lo, s.cpu_hi)(rng);
    int64_t mem = std::uniform_int_distribution<int64_t>(s.mem_lo_mi, s.mem_hi_mi)(rng);
    pods.push_back({cpu / 50 * 50, mem * kMi, 0, 1, 0});
  }
  return pods;
}

}  // namespace cloudoptim
