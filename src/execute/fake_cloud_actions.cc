#include "execute/fake_cloud_actions.h"

#include <algorithm>
#include <cstdio>

namespace cloudoptim {
namespace {

std::string JoinWithCommas(const std::vector<std::string>& values) {
  std::string joined;
  for (const std::string& v : values) joined += (joined.empty() ? "" : ",") + v;
  return joined;
}

std::string Fingerprint(const LaunchSpec& spec) {
  return JoinWithCommas(spec.instance_types) + "|" + spec.zone + "|" +
         std::string(CapacityTypeName(spec.capacity)) + "|" + std::to_string(spec.count);
}

}  // namespace

void FakeCloudActions::AddInstance(Ec2Instance instance) {
  std::lock_guard lock(mutex_);
  instances_[instance.instance_id] = std::move(instance);
}

void FakeCloudActions::AddVolume(EbsVolume volume) {
  std::lock_guard lock(mutex_);
  volumes_[volume.volume_id] = std::move(volume);
}

void FakeCloudActions::FailNext(Error error) {
  std::lock_guard lock(mutex_);
  next_error_ = std::move(error);
}

void FakeCloudActions::CompleteSnapshots() {
  std::lock_guard lock(mutex_);
  for (EbsSnapshot& snapshot : snapshots_) snapshot.state = "completed";
}

std::vector<std::string> FakeCloudActions::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

int FakeCloudActions::CountCalls(std::string_view prefix) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(calls_.begin(), calls_.end(), [&](const std::string& c) {
    return std::string_view(c).starts_with(prefix);
  }));
}

std::optional<Ec2Instance> FakeCloudActions::Instance(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = instances_.find(id);
  if (it == instances_.end()) return std::nullopt;
  return it->second;
}

bool FakeCloudActions::HasVolume(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return volumes_.contains(id);
}

Status FakeCloudActions::Record(std::string call) {
  calls_.push_back(std::move(call));
  if (!next_error_) return Ok();
  Error error = std::move(*next_error_);
  next_error_.reset();
  return std::unexpected(std::move(error));
}

Result<std::vector<std::string>> FakeCloudActions::Launch(const LaunchSpec& spec) {
  std::vector<Ec2Instance> created;
  Result<std::vector<std::string>> ids = LaunchLocked(spec, &created);
  if (on_launch_) {
    for (const Ec2Instance& instance : created) on_launch_(instance);
  }
  return ids;
}

Result<std::vector<std::string>> FakeCloudActions::LaunchLocked(const LaunchSpec& spec,
                                                                std::vector<Ec2Instance>* created) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("Launch " + spec.client_token));
  if (!spec.client_token.empty()) {
    auto it = launches_by_token_.find(spec.client_token);
    if (it != launches_by_token_.end()) {
      if (it->second.fingerprint != Fingerprint(spec)) {
        return InvalidArgument("IdempotentParameterMismatch: client token " + spec.client_token);
      }
      return it->second.instance_ids;
    }
  }
  if (spec.instance_types.empty()) return InvalidArgument("launch spec has no instance type");
  std::vector<std::string> ids;
  for (int32_t i = 0; i < spec.count; ++i) {
    char id[32];
    std::snprintf(id, sizeof(id), "i-fake%05d", next_id_++);
    Ec2Instance instance;
    instance.instance_id = id;
    instance.instance_type = spec.instance_types.front();
    instance.availability_zone = spec.zone;
    instance.capacity = spec.capacity;
    instance.state = InstanceState::kPending;
    instance.tags = spec.tags;
    instances_[id] = instance;
    created->push_back(instance);
    ids.push_back(id);
  }
  if (!spec.client_token.empty()) launches_by_token_[spec.client_token] = {Fingerprint(spec), ids};
  return ids;
}

Result<std::vector<Ec2Instance>> FakeCloudActions::DescribeInstances(
    const std::vector<std::string>& ids) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("DescribeInstances " + JoinWithCommas(ids)));
  std::vector<Ec2Instance> found;
  for (const std::string& id : ids) {
    auto it = instances_.find(id);
    if (it != instances_.end()) found.push_back(it->second);
  }
  return found;
}

Result<std::vector<Ec2Instance>> FakeCloudActions::FindInstancesByTag(const std::string& key,
                                                                      const std::string& value) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("FindInstancesByTag " + key + "=" + value));
  std::vector<Ec2Instance> found;
  for (const auto& [id, instance] : instances_) {
    auto tag = instance.tags.find(key);
    if (tag != instance.tags.end() && tag->second == value &&
        instance.state != InstanceState::kTerminated) {
      found.push_back(instance);
    }
  }
  return found;
}

Status FakeCloudActions::TerminateInstances(const std::vector<std::string>& ids) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("TerminateInstances " + JoinWithCommas(ids)));
  for (const std::string& id : ids) {
    if (!instances_.contains(id)) return NotFound("InvalidInstanceID.NotFound: " + id);
  }
  for (const std::string& id : ids) instances_[id].state = InstanceState::kTerminated;
  return Ok();
}

Result<EbsSnapshot> FakeCloudActions::CreateSnapshot(const std::string& volume_id,
                                                     const std::string& description,
                                                     const Tags& tags) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("CreateSnapshot " + volume_id + " " + description));
  auto volume = volumes_.find(volume_id);
  if (volume == volumes_.end()) return NotFound("InvalidVolume.NotFound: " + volume_id);
  EbsSnapshot snapshot;
  snapshot.snapshot_id = "snap-fake" + std::to_string(next_id_++);
  snapshot.volume_id = volume_id;
  snapshot.state = snapshots_complete_at_once_ ? "completed" : "pending";
  snapshot.volume_size_gib = volume->second.size_gib;
  snapshot.tags = tags;
  snapshots_.push_back(snapshot);
  return snapshot;
}

Result<std::vector<EbsSnapshot>> FakeCloudActions::DescribeSnapshots(const std::string& volume_id,
                                                                     const std::string& tag_key,
                                                                     const std::string& tag_value) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("DescribeSnapshots " + volume_id));
  std::vector<EbsSnapshot> found;
  for (const EbsSnapshot& snapshot : snapshots_) {
    if (snapshot.volume_id != volume_id) continue;
    if (!tag_key.empty()) {
      auto tag = snapshot.tags.find(tag_key);
      if (tag == snapshot.tags.end() || tag->second != tag_value) continue;
    }
    found.push_back(snapshot);
  }
  return found;
}

Result<EbsVolume> FakeCloudActions::DescribeVolume(const std::string& volume_id) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("DescribeVolume " + volume_id));
  auto it = volumes_.find(volume_id);
  if (it == volumes_.end()) return NotFound("InvalidVolume.NotFound: " + volume_id);
  return it->second;
}

Status FakeCloudActions::DeleteVolume(const std::string& volume_id) {
  std::lock_guard lock(mutex_);
  CO_RETURN_IF_ERROR(Record("DeleteVolume " + volume_id));
  if (volumes_.erase(volume_id) == 0) return NotFound("InvalidVolume.NotFound: " + volume_id);
  return Ok();
}

}  // namespace cloudoptim
