// One EC2 instance type as the catalogue knows it: shape, generation, network limits and the
// EKS max-pods figure that decides how many pods a node of this type can hold.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/resources.h"

namespace cloudoptim {

enum class Architecture { kAmd64, kArm64 };
std::string_view ArchitectureName(Architecture arch);  // "amd64" | "arm64"

struct InstanceType {
  std::string name;      // "m5.large"
  std::string family;    // "m5"
  std::string category;  // "m" (general purpose), "c", "r", "t", "g", ...
  int32_t generation = 0;
  std::string size;  // "large"
  int32_t vcpus = 0;
  int64_t memory_mib = 0;
  Architecture arch = Architecture::kAmd64;
  int32_t gpus = 0;
  std::string gpu_name;
  bool burstable = false;  // t2/t3/t3a/t4g
  bool current_generation = true;
  bool bare_metal = false;
  int32_t max_enis = 0;
  int32_t ipv4_per_eni = 0;
  // EKS's formula without the cap (what eni-max-pods.txt lists and Karpenter uses).
  int32_t eni_max_pods = 0;
  // EKS max pods: ENIs * (IPv4 per ENI - 1) + 2, capped at 110 below 30 vCPUs, 250 above.
  int32_t max_pods = 0;
  int64_t network_bandwidth_mbps = 0;

  // What a node of this type offers pods after kubelet/system reservations (EKS AL2023
  // defaults, as Karpenter computes them): cpu, memory, ephemeral storage, pods, gpus.
  Resources allocatable;
};

// EKS's formula, without the cap: enis * (ipv4_per_eni - 1) + 2.
int32_t EniMaxPods(int32_t max_enis, int32_t ipv4_per_eni);
// The formula with EKS's recommended cap (110 for < 30 vCPUs, 250 otherwise).
int32_t EksMaxPods(int32_t max_enis, int32_t ipv4_per_eni, int32_t vcpus);

}  // namespace cloudoptim
