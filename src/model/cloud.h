// The AWS side of a cluster: EC2 instances, EBS volumes and snapshots, as read from the
// customer's account. Times are UTC; tags are kept whole (cluster ownership lives in them).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/node.h"

namespace cloudoptim {

using Tags = std::map<std::string, std::string, std::less<>>;

enum class InstanceState { kPending, kRunning, kShuttingDown, kTerminated, kStopping, kStopped };
std::string_view InstanceStateName(InstanceState state);  // EC2's names: "running", ...
std::optional<InstanceState> ParseInstanceState(std::string_view name);

struct Ec2Instance {
  std::string instance_id;
  std::string instance_type;
  std::string availability_zone;
  std::string subnet_id;
  std::string private_dns_name;
  std::string private_ip;
  CapacityType capacity = CapacityType::kOnDemand;  // InstanceLifecycle "spot" or absent
  InstanceState state = InstanceState::kRunning;
  TimePoint launch_time{};
  Tags tags;
};

enum class VolumeState { kCreating, kAvailable, kInUse, kDeleting, kDeleted, kError };
std::string_view VolumeStateName(VolumeState state);  // "available", "in-use", ...
std::optional<VolumeState> ParseVolumeState(std::string_view name);

struct VolumeAttachment {
  std::string instance_id;
  std::string device;
  std::string state;  // "attached", "attaching", ...
};

struct EbsVolume {
  std::string volume_id;
  std::string volume_type;  // "gp3", "gp2", "io2", ...
  int64_t size_gib = 0;
  std::string availability_zone;
  VolumeState state = VolumeState::kAvailable;
  TimePoint create_time{};
  std::vector<VolumeAttachment> attachments;
  Tags tags;
};

struct EbsSnapshot {
  std::string snapshot_id;
  std::string volume_id;
  std::string state;  // "pending" | "completed" | "error"
  int64_t volume_size_gib = 0;
  TimePoint start_time{};
  Tags tags;
};

}  // namespace cloudoptim
