#include "execute/ec2_cloud_actions.h"

namespace cloudoptim {
namespace {

const std::vector<std::string> kLiveStates = {"pending", "running", "shutting-down", "stopping",
                                              "stopped"};

}  // namespace

Result<std::vector<std::string>> Ec2CloudActions::Launch(const LaunchSpec& spec) {
  if (spec.instance_types.empty()) return InvalidArgument("launch spec has no instance type");
  std::vector<aws::Ec2Filter> subnet_filters;
  if (!spec.zone.empty()) subnet_filters.push_back({"availability-zone", {spec.zone}});
  CO_ASSIGN_OR_RETURN(std::vector<aws::Subnet> subnets, ec2_.DescribeSubnets(subnet_filters));
  if (subnets.empty()) {
    return FailedPrecondition("no subnet in zone \"" + spec.zone + "\" to launch into");
  }
  aws::FleetRequest request;
  request.launch_template_id = options_.launch_template_id;
  request.launch_template_name =
      options_.launch_template_id.empty() ? options_.launch_template_name : "";
  for (const std::string& type : spec.instance_types) {
    for (const aws::Subnet& subnet : subnets) request.overrides.push_back({type, subnet.subnet_id});
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
