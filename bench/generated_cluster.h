// The packing benchmarks' generated clusters: 20 pods per node's worth, four workload classes
// (web, JVM services, CPU-heavy batch, memory-heavy caches), CPU in 50m steps, memory in MiB.
// One definition, so packing_quality_benchmark and packing_search_benchmark measure the same
// pods. Two kinds:
//   - GeneratedRequests: every pod draws its own request (1,000 pods have ~950 distinct
//     requests): the hardest case for packing and for its lower bounds;
//   - GeneratedWorkloadRequests: pods come in workloads whose replicas share one request, as
//     a Deployment's pods share their template; replica counts are log-uniform from 1 to 40
//     (median ~6, mean ~10), so 1,000 pods have ~100 distinct requests. Still ~7x more varied
//     than the one real trace we have (the Alibaba openb trace: 8,152 pods, 103 distinct
//     requests; its 1,088 GPU-free pods, 25).
//
//   std::vector<Resources> pods = GeneratedRequests(/*nodes=*/50, /*seed=*/1);  // 1,000 pods
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "model/resources.h"

namespace cloudoptim {

// One request of a random workload class (CPU in 50m steps, memory in MiB, one pod slot).
inline Resources GeneratedRequest(std::mt19937& rng) {
  constexpr int64_t kMi = int64_t{1} << 20;
  struct Shape {
    int64_t cpu_lo, cpu_hi, mem_lo_mi, mem_hi_mi;
  };
  const Shape shapes[] = {{100, 1000, 128, 1024},     // web
                          {500, 2000, 1024, 8192},    // JVM services
                          {1000, 4000, 512, 2048},    // CPU-heavy batch
                          {250, 1000, 4096, 16384}};  // memory-heavy caches
  const Shape& s = shapes[rng() % 4];
  int64_t cpu = std::uniform_int_distribution<int64_t>(s.cpu_lo, s.cpu_hi)(rng);
  int64_t mem = std::uniform_int_distribution<int64_t>(s.mem_lo_mi, s.mem_hi_mi)(rng);
  return {cpu / 50 * 50, mem * kMi, 0, 1, 0};
}

inline std::vector<Resources> GeneratedRequests(int nodes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Resources> pods;
  for (int i = 0; i < nodes * 20; ++i) pods.push_back(GeneratedRequest(rng));
  return pods;
}

inline constexpr int kMaxGeneratedReplicas = 40;

inline std::vector<Resources> GeneratedWorkloadRequests(int nodes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Resources> pods;
  const size_t total = static_cast<size_t>(nodes) * 20;
  while (pods.size() < total) {
    Resources request = GeneratedRequest(rng);
    double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    auto replicas = static_cast<size_t>(std::exp(u * std::log(kMaxGeneratedReplicas + 1.0)));
    replicas = std::clamp<size_t>(replicas, 1, total - pods.size());
    pods.insert(pods.end(), replicas, request);
  }
  return pods;
}

}  // namespace cloudoptim
