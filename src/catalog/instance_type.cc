#include "catalog/instance_type.h"

#include <algorithm>

namespace cloudoptim {

std::string_view ArchitectureName(Architecture arch) {
  switch (arch) {
    case Architecture::kAmd64:
      return "amd64";
    case Architecture::kArm64:
      return "arm64";
  }
  return "unknown";
}

int32_t EniMaxPods(int32_t max_enis, int32_t ipv4_per_eni) {
  // The first address of every ENI belongs to the ENI itself; +2 for the host-network pods
  // (aws-node and kube-proxy) that need no address of their own.
  return max_enis * (ipv4_per_eni - 1) + 2;
}

int32_t EksMaxPods(int32_t max_enis, int32_t ipv4_per_eni, int32_t vcpus) {
  // EKS recommends these caps because kubelet and the CNI degrade past them on small nodes.
  const int32_t cap = vcpus < 30 ? 110 : 250;
  return std::min(EniMaxPods(max_enis, ipv4_per_eni), cap);
}

}  // namespace cloudoptim
