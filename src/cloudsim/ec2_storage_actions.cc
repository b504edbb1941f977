// EC2's EBS actions over the simulated cloud: volumes and snapshots.
#include <algorithm>

#include "cloudsim/ec2_filters.h"
#include "cloudsim/ec2_query_handler.h"

namespace cloudoptim {
namespace {

void WriteVolumeFields(XmlWriter& xml, const EbsVolume& volume) {
  xml.Leaf("volumeId", volume.volume_id).Leaf("size", volume.size_gib).Leaf("snapshotId", "");
  xml.Leaf("availabilityZone", volume.availability_zone);
  xml.Leaf("status", VolumeStateName(volume.state));
  xml.Leaf("createTime", FormatRfc3339(volume.create_time));
  xml.Open("attachmentSet");
  for (const VolumeAttachment& attachment : volume.attachments) {
    xml.Open("item")
        .Leaf("volumeId", volume.volume_id)
        .Leaf("instanceId", attachment.instance_id)
        .Leaf("device", attachment.device)
        .Leaf("status", attachment.state)
        .Leaf("attachTime", FormatRfc3339(volume.create_time))
        .Bool("deleteOnTermination", false)
        .Close();
  }
  xml.Close();
  xml.Leaf("volumeType", volume.volume_type);
  if (volume.volume_type == "gp3") xml.Leaf("iops", 3000).Leaf("throughput", 125);
  xml.Bool("encrypted", false).Bool("multiAttachEnabled", false);
  WriteTagSet(xml, volume.tags);
}

void WriteSnapshotFields(XmlWriter& xml, const EbsSnapshot& snapshot, std::string_view description,
                         std::string_view owner) {
  xml.Leaf("snapshotId", snapshot.snapshot_id).Leaf("volumeId", snapshot.volume_id);
  xml.Leaf("status", snapshot.state).Leaf("startTime", FormatRfc3339(snapshot.start_time));
  xml.Leaf("progress", snapshot.state == "completed" ? "100%" : "0%");
  xml.Leaf("ownerId", owner).Leaf("description", description);
  xml.Leaf("volumeSize", snapshot.volume_size_gib).Bool("encrypted", false);
  xml.Leaf("storageTier", "standard");
  WriteTagSet(xml, snapshot.tags);
}

std::vector<std::string> VolumeField(const EbsVolume& volume, std::string_view name) {
  if (name == "volume-id") return {volume.volume_id};
  if (name == "status") return {std::string(VolumeStateName(volume.state))};
  if (name == "availability-zone") return {volume.availability_zone};
  if (name == "volume-type") return {volume.volume_type};
  if (name == "size") return {std::to_string(volume.size_gib)};
  std::vector<std::string> values;
  for (const VolumeAttachment& attachment : volume.attachments) {
    if (name == "attachment.instance-id") values.push_back(attachment.instance_id);
    if (name == "attachment.status") values.push_back(attachment.state);
    if (name == "attachment.device") values.push_back(attachment.device);
  }
  return values;
}

}  // namespace

Status Ec2QueryHandler::DescribeVolumes(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(auto filters,
                      ParseEc2Filters(params, {"volume-id", "status", "availability-zone",
                                               "volume-type", "size", "attachment.instance-id",
                                               "attachment.status", "attachment.device"}));
  const std::vector<std::string> ids = params.List("VolumeId");
  const std::vector<EbsVolume> volumes = cloud_.Volumes();
  for (const std::string& id : ids) {
    if (std::none_of(volumes.begin(), volumes.end(),
                     [&](const EbsVolume& v) { return v.volume_id == id; })) {
      return NotFound("InvalidVolume.NotFound: The volume '" + id + "' does not exist.");
    }
  }
  std::vector<const EbsVolume*> matches;
  for (const EbsVolume& volume : volumes) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), volume.volume_id) == ids.end()) continue;
    if (MatchesEc2Filters(filters, volume.tags,
                          [&](std::string_view name) { return VolumeField(volume, name); })) {
      matches.push_back(&volume);
    }
  }
  CO_ASSIGN_OR_RETURN(Ec2Page page, PaginateEc2(params, matches.size(), {5, 1000, 1000}));
  xml.Open("volumeSet");
  for (size_t i = page.begin; i < page.end; ++i) {
    xml.Open("item");
    WriteVolumeFields(xml, *matches[i]);
    xml.Close();
  }
  xml.Close();
  if (!page.next_token.empty()) xml.Leaf("nextToken", page.next_token);
  return Ok();
}

Status Ec2QueryHandler::CreateVolume(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(std::string zone, RequireParam(params, "AvailabilityZone"));
  CO_ASSIGN_OR_RETURN(std::string size_text, RequireParam(params, "Size"));
  CO_ASSIGN_OR_RETURN(std::optional<int64_t> size, params.GetInt("Size"));
  CO_ASSIGN_OR_RETURN(EbsVolume volume,
                      cloud_.CreateVolume(zone, *size, params.GetOr("VolumeType", "gp2"),
                                          TagSpecificationTags(params, "volume"), clock_.Now()));
  WriteVolumeFields(xml, volume);
  return Ok();
}

Status Ec2QueryHandler::AttachVolume(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(std::string volume_id, RequireParam(params, "VolumeId"));
  CO_ASSIGN_OR_RETURN(std::string instance_id, RequireParam(params, "InstanceId"));
  CO_ASSIGN_OR_RETURN(std::string device, RequireParam(params, "Device"));
  CO_RETURN_IF_ERROR(cloud_.AttachVolume(volume_id, instance_id));
  std::string attached_device = device;
  for (const EbsVolume& volume : cloud_.Volumes()) {
    if (volume.volume_id == volume_id && !volume.attachments.empty()) {
      attached_device = volume.attachments.front().device;
    }
  }
  xml.Leaf("volumeId", volume_id).Leaf("instanceId", instance_id);
  xml.Leaf("device", attached_device).Leaf("status", "attaching");
  xml.Leaf("attachTime", FormatRfc3339(clock_.Now()));
  return Ok();
}

Status Ec2QueryHandler::DeleteVolume(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(std::string volume_id, RequireParam(params, "VolumeId"));
  CO_RETURN_IF_ERROR(cloud_.DeleteVolume(volume_id));
  xml.Bool("return", true);
  return Ok();
}

Status Ec2QueryHandler::CreateSnapshot(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(std::string volume_id, RequireParam(params, "VolumeId"));
  const std::string description = params.GetOr("Description", "");
  CO_ASSIGN_OR_RETURN(EbsSnapshot snapshot,
                      cloud_.CreateSnapshot(volume_id, description, clock_.Now()));
  const Tags tags = TagSpecificationTags(params, "snapshot");
  if (!tags.empty()) {
    CO_RETURN_IF_ERROR(cloud_.CreateTags({snapshot.snapshot_id}, tags));
    snapshot.tags = tags;
  }
  WriteSnapshotFields(xml, snapshot, description, cloud_.options().account_id);
  return Ok();
}

Status Ec2QueryHandler::DescribeSnapshots(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(auto filters, ParseEc2Filters(params, {"snapshot-id", "volume-id", "status",
                                                             "owner-id", "description"}));
  const std::string& account = cloud_.options().account_id;
  for (const std::string& owner : params.List("Owner")) {
    if (owner != "self" && owner != account) {
      xml.Open("snapshotSet").Close();  // the sandbox holds no other account's snapshots
      return Ok();
    }
  }
  const std::vector<std::string> ids = params.List("SnapshotId");
  const std::vector<EbsSnapshot> snapshots = cloud_.Snapshots();
  for (const std::string& id : ids) {
    if (std::none_of(snapshots.begin(), snapshots.end(),
                     [&](const EbsSnapshot& s) { return s.snapshot_id == id; })) {
      return NotFound("InvalidSnapshot.NotFound: The snapshot '" + id + "' does not exist.");
    }
  }
  std::vector<std::pair<const EbsSnapshot*, std::string>> matches;
  for (const EbsSnapshot& snapshot : snapshots) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), snapshot.snapshot_id) == ids.end()) {
      continue;
    }
    std::string description = cloud_.SnapshotDescription(snapshot.snapshot_id);
    auto field = [&](std::string_view name) -> std::vector<std::string> {
      if (name == "snapshot-id") return {snapshot.snapshot_id};
      if (name == "volume-id") return {snapshot.volume_id};
      if (name == "status") return {snapshot.state};
      if (name == "owner-id") return {account};
      if (name == "description") return {description};
      return {};
    };
    if (MatchesEc2Filters(filters, snapshot.tags, field)) {
      matches.emplace_back(&snapshot, std::move(description));
    }
  }
  CO_ASSIGN_OR_RETURN(Ec2Page page, PaginateEc2(params, matches.size(), {5, 1000, 1000}));
  xml.Open("snapshotSet");
  for (size_t i = page.begin; i < page.end; ++i) {
    xml.Open("item");
    WriteSnapshotFields(xml, *matches[i].first, matches[i].second, account);
    xml.Close();
  }
  xml.Close();
  if (!page.next_token.empty()) xml.Leaf("nextToken", page.next_token);
  return Ok();
}

}  // namespace cloudoptim
