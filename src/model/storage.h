// PersistentVolumes and PersistentVolumeClaims: which EBS volume backs a claim and in which
// zone it lives (a pod with such a claim can only run in that zone).
#pragma once

#include <cstdint>
#include <string>

#include "model/object_meta.h"

namespace cloudoptim {

struct PersistentVolume {
  ObjectMeta meta;
  int64_t capacity_bytes = 0;
  std::string storage_class;
  std::string ebs_volume_id;  // csi.volumeHandle (ebs.csi.aws.com) or awsElasticBlockStore
  std::string zone;           // from nodeAffinity topology.kubernetes.io/zone (or the CSI key)
  std::string phase;          // "Available" | "Bound" | "Released" | "Failed"
  std::string claim_ref;      // "namespace/name" of the bound claim
};

struct PersistentVolumeClaim {
  ObjectMeta meta;
  int64_t requested_bytes = 0;
  std::string storage_class;
  std::string volume_name;  // the bound PV
  std::string phase;        // "Pending" | "Bound" | "Lost"
};

}  // namespace cloudoptim
