// The shapes of the EC2 instance types the sandbox's scenarios use: vCPUs, memory,
// architecture and the EKS (AL2023) allocatable that Karpenter computes, copied from the
// shipped catalogue table (data: ec2-instance-catalog.csv, alloc_* columns).
//
//   const InstanceShape* shape = FindInstanceShape("m5.large");   // 1930m, 6903Mi, 29 pods
//
// TODO(sandbox): read these from catalog::Catalog (InstanceType::allocatable) once h/catalog's
// implementation is on main; this table only covers the types scenarios name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cloudoptim::sandbox {

struct InstanceShape {
  std::string name;
  int32_t vcpus = 0;
  int64_t memory_mib = 0;
  std::string arch;  // "amd64" | "arm64"
  int64_t allocatable_cpu_millis = 0;
  int64_t allocatable_memory_mib = 0;
  int32_t max_pods = 0;
};

const InstanceShape* FindInstanceShape(std::string_view name);

}  // namespace cloudoptim::sandbox
