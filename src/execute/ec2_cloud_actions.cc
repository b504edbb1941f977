#include "execute/ec2_cloud_actions.h"

namespace cloudoptim {
namespace {

const std::vector<std::string> kLiveStates = {"pending", "running", "shutting-down", "stopping",
                                              "stopped"};

}  // namespace

Result<std::vector<std::string>> Ec2CloudActions::Launch(const LaunchSpec& spec) {
  if (spec.instance_types.empty()) return InvalidArgument("launch spec has no instance type");
  Ec2LaunchInventory inventory(ec2_);
  CO_ASSIGN_OR_RETURN(LaunchBlueprint blueprint,
                      DiscoverLaunchBlueprint(inventory, options_.overrides, spec.like));
  std::vector<std::string> subnets;
  for (const auto& [zone, subnet] : blueprint.subnet_by_zone) {
    if (spec.zone.empty() || zone == spec.zone) subnets.push_back(subnet);
  }
  if (subnets.empty()) {
    return FailedPrecondition("no subnet in zone \"" + spec.zone + "\" to launch a node like " +
                              spec.like.node_name +
                              " into (its template's nodes run elsewhere); "
                              "set subnet_ids for the cluster");
  }
  aws::FleetRequest request;
  request.launch_template_id = blueprint.launch_template_id;
  request.launch_template_name = blueprint.launch_template_name;
  request.launch_template_version = blueprint.launch_template_version;
  for (const std::string& type : spec.instance_types) {
    for (const std::string& subnet : subnets) request.overrides.push_back({type, subnet});
  }
  request.capacity = spec.capacity;
  request.count = spec.count;
  request.tags = spec.tags;
  request.client_token = spec.client_token;
  CO_ASSIGN_OR_RETURN(aws::FleetResult result, ec2_.Launch(request));
  if (result.instance_ids.empty()) {
    std::string why = result.errors.empty() ? "no capacity" : result.errors.front().code;
    return ResourceExhausted("launch of " + spec.instance_types.front() +
                             " launched nothing: " + why);
  }
  return result.instance_ids;
}

Result<std::vector<Ec2Instance>> Ec2CloudActions::DescribeInstances(
    const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<Ec2Instance>{};
  // Filtering by instance-id instead of naming the ids: EC2 answers an unknown id named in
  // InstanceId.N with an error for the whole call.
  return ec2_.DescribeInstances({{"instance-id", ids}});
}

Result<std::vector<Ec2Instance>> Ec2CloudActions::FindInstancesByTag(const std::string& key,
                                                                     const std::string& value) {
  return ec2_.DescribeInstances({{"tag:" + key, {value}}, {"instance-state-name", kLiveStates}});
}

Status Ec2CloudActions::TerminateInstances(const std::vector<std::string>& ids) {
  CO_ASSIGN_OR_RETURN(std::vector<aws::InstanceStateChange> changes, ec2_.TerminateInstances(ids));
  (void)changes;
  return Ok();
}

Result<EbsSnapshot> Ec2CloudActions::CreateSnapshot(const std::string& volume_id,
                                                    const std::string& description,
                                                    const Tags& tags) {
  return ec2_.CreateSnapshot(volume_id, description, tags);
}

Result<std::vector<EbsSnapshot>> Ec2CloudActions::DescribeSnapshots(const std::string& volume_id,
                                                                    const std::string& tag_key,
                                                                    const std::string& tag_value) {
  std::vector<aws::Ec2Filter> filters = {{"volume-id", {volume_id}}};
  if (!tag_key.empty()) filters.push_back({"tag:" + tag_key, {tag_value}});
  return ec2_.DescribeSnapshots(filters);
}

Result<EbsVolume> Ec2CloudActions::DescribeVolume(const std::string& volume_id) {
  CO_ASSIGN_OR_RETURN(std::vector<EbsVolume> volumes,
                      ec2_.DescribeVolumes({{"volume-id", {volume_id}}}));
  if (volumes.empty()) return NotFound("volume " + volume_id + " does not exist");
  return volumes.front();
}

Status Ec2CloudActions::DeleteVolume(const std::string& volume_id) {
  return ec2_.DeleteVolume(volume_id);
}

}  // namespace cloudoptim
