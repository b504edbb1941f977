// SimulatedCloud's EBS side (volumes and snapshots) and tagging of any resource.
#include <algorithm>
#include <array>

#include "cloudsim/simulated_cloud.h"
#include "cloudsim/simulated_cloud_state.h"

namespace cloudoptim {
namespace {

constexpr std::array<std::string_view, 7> kVolumeTypes = {"gp2", "gp3", "io1",     "io2",
                                                          "st1", "sc1", "standard"};

Error VolumeNotFound(std::string_view volume_id) {
  return Error{ErrorCode::kNotFound, "InvalidVolume.NotFound: The volume '" +
                                         std::string(volume_id) + "' does not exist."};
}

Error SnapshotNotFound(std::string_view snapshot_id) {
  return Error{ErrorCode::kNotFound, "InvalidSnapshot.NotFound: The snapshot '" +
                                         std::string(snapshot_id) + "' does not exist."};
}

}  // namespace

Result<EbsVolume> SimulatedCloud::CreateVolume(std::string_view zone, int64_t size_gib,
                                               std::string_view volume_type, const Tags& tags,
                                               TimePoint now) {
  std::lock_guard lock(mutex_);
  if (state_->SubnetInZone(zone) == nullptr) {
    return InvalidArgument("InvalidParameterValue: Invalid availability zone: [" +
                           std::string(zone) + "]");
  }
  if (size_gib < 1 || size_gib > 65536) {
    return InvalidArgument("InvalidParameterValue: Volume size " + std::to_string(size_gib) +
                           " GiB is outside 1..65536");
  }
  const std::string_view type = volume_type.empty() ? std::string_view("gp3") : volume_type;
  if (std::find(kVolumeTypes.begin(), kVolumeTypes.end(), type) == kVolumeTypes.end()) {
    return InvalidArgument("InvalidParameterValue: Invalid value '" + std::string(type) +
                           "' for VolumeType");
  }
  EbsVolume volume;
  volume.volume_id = state_->ids.Next("vol-");
  volume.volume_type = std::string(type);
  volume.size_gib = size_gib;
  volume.availability_zone = std::string(zone);
  volume.state = VolumeState::kAvailable;
  volume.create_time = now;
  volume.tags = tags;
  state_->volumes.emplace(volume.volume_id, volume);
  return volume;
}

Status SimulatedCloud::AttachVolume(std::string_view volume_id, std::string_view instance_id) {
  std::lock_guard lock(mutex_);
  auto volume_it = state_->volumes.find(volume_id);
  if (volume_it == state_->volumes.end()) return std::unexpected(VolumeNotFound(volume_id));
  auto instance_it = state_->instances.find(instance_id);
  if (instance_it == state_->instances.end()) {
    return std::unexpected(InstanceNotFound(instance_id));
  }
  EbsVolume& volume = volume_it->second;
  const Ec2Instance& instance = instance_it->second.instance;
  if (instance.state != InstanceState::kPending && instance.state != InstanceState::kRunning) {
    return FailedPrecondition("IncorrectState: instance " + std::string(instance_id) + " is " +
                              std::string(InstanceStateName(instance.state)));
  }
  if (volume.availability_zone != instance.availability_zone) {
    return InvalidArgument("InvalidVolume.ZoneMismatch: The volume '" + std::string(volume_id) +
                           "' is not in the same availability zone as instance '" +
                           std::string(instance_id) + "'");
  }
  if (volume.state != VolumeState::kAvailable) {
    return FailedPrecondition("VolumeInUse: vol " + std::string(volume_id) +
                              " is already attached to an instance");
  }
  // Devices /dev/xvdf onwards, one letter per volume already on the instance.
  int32_t on_instance = 0;
  for (const auto& [id, other] : state_->volumes) {
    for (const VolumeAttachment& a : other.attachments) on_instance += a.instance_id == instance_id;
  }
  volume.attachments.push_back({.instance_id = std::string(instance_id),
                                .device = "/dev/xvd" + std::string(1, 'f' + on_instance % 20),
                                .state = "attached"});
  volume.state = VolumeState::kInUse;
  return Ok();
}

Status SimulatedCloud::DeleteVolume(std::string_view volume_id) {
  std::lock_guard lock(mutex_);
  auto it = state_->volumes.find(volume_id);
  if (it == state_->volumes.end()) return std::unexpected(VolumeNotFound(volume_id));
  if (it->second.state == VolumeState::kInUse || !it->second.attachments.empty()) {
    return FailedPrecondition("VolumeInUse: Volume " + std::string(volume_id) +
                              " is currently attached to " +
                              it->second.attachments.front().instance_id);
  }
  state_->volumes.erase(it);
  return Ok();
}

std::vector<EbsVolume> SimulatedCloud::Volumes() const {
  std::lock_guard lock(mutex_);
  std::vector<EbsVolume> volumes;
  for (const auto& [id, volume] : state_->volumes) volumes.push_back(volume);
  std::sort(volumes.begin(), volumes.end(), [](const EbsVolume& a, const EbsVolume& b) {
    return std::tie(a.create_time, a.volume_id) < std::tie(b.create_time, b.volume_id);
  });
  return volumes;
}

Result<EbsSnapshot> SimulatedCloud::CreateSnapshot(std::string_view volume_id,
                                                   std::string_view description, TimePoint now) {
  std::lock_guard lock(mutex_);
  auto it = state_->volumes.find(volume_id);
  if (it == state_->volumes.end()) return std::unexpected(VolumeNotFound(volume_id));
  EbsSnapshot snapshot;
  snapshot.snapshot_id = state_->ids.Next("snap-");
  snapshot.volume_id = std::string(volume_id);
  snapshot.state = "pending";
  snapshot.volume_size_gib = it->second.size_gib;
  snapshot.start_time = now;
  state_->snapshots.emplace(snapshot.snapshot_id,
                            State::SnapshotRecord{snapshot, std::string(description)});
  return snapshot;
}

std::vector<EbsSnapshot> SimulatedCloud::Snapshots() const {
  std::lock_guard lock(mutex_);
  std::vector<EbsSnapshot> snapshots;
  for (const auto& [id, record] : state_->snapshots) snapshots.push_back(record.snapshot);
  std::sort(snapshots.begin(), snapshots.end(), [](const EbsSnapshot& a, const EbsSnapshot& b) {
    return std::tie(a.start_time, a.snapshot_id) < std::tie(b.start_time, b.snapshot_id);
  });
  return snapshots;
}

std::string SimulatedCloud::SnapshotDescription(std::string_view snapshot_id) const {
  std::lock_guard lock(mutex_);
  auto it = state_->snapshots.find(snapshot_id);
  return it == state_->snapshots.end() ? std::string() : it->second.description;
}

// Tags: every id must name an existing resource before any is changed, as EC2 checks the
// whole request first.
static Result<Tags*> FindTags(SimulatedCloud::State& state, std::string_view id) {
  if (id.starts_with("i-")) {
    auto it = state.instances.find(id);
    if (it == state.instances.end()) return std::unexpected(InstanceNotFound(id));
    return &it->second.instance.tags;
  }
  if (id.starts_with("vol-")) {
    auto it = state.volumes.find(id);
    if (it == state.volumes.end()) return std::unexpected(VolumeNotFound(id));
    return &it->second.tags;
  }
  if (id.starts_with("snap-")) {
    auto it = state.snapshots.find(id);
    if (it == state.snapshots.end()) return std::unexpected(SnapshotNotFound(id));
    return &it->second.snapshot.tags;
  }
  if (id.starts_with("subnet-")) {
    for (SimulatedCloud::Subnet& subnet : state.subnets) {
      if (subnet.subnet_id == id) return &subnet.tags;
    }
    return NotFound("InvalidSubnetID.NotFound: The subnet ID '" + std::string(id) +
                    "' does not exist");
  }
  return InvalidArgument("InvalidID: The ID '" + std::string(id) + "' is not valid");
}

Status SimulatedCloud::CreateTags(const std::vector<std::string>& resource_ids, const Tags& tags) {
  std::lock_guard lock(mutex_);
  std::vector<Tags*> targets;
  for (const std::string& id : resource_ids) {
    CO_ASSIGN_OR_RETURN(Tags * target, FindTags(*state_, id));
    targets.push_back(target);
  }
  for (Tags* target : targets) {
    for (const auto& [key, value] : tags) (*target)[key] = value;
  }
  return Ok();
}

Status SimulatedCloud::DeleteTags(const std::vector<std::string>& resource_ids,
                                  const std::vector<std::string>& keys) {
  std::lock_guard lock(mutex_);
  std::vector<Tags*> targets;
  for (const std::string& id : resource_ids) {
    CO_ASSIGN_OR_RETURN(Tags * target, FindTags(*state_, id));
    targets.push_back(target);
  }
  for (Tags* target : targets) {
    if (keys.empty()) target->clear();
    for (const std::string& key : keys) target->erase(key);
  }
  return Ok();
}

}  // namespace cloudoptim
