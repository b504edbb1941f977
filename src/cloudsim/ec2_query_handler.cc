#include "cloudsim/ec2_query_handler.h"

#include "cloudsim/ec2_filters.h"

namespace cloudoptim {
namespace {

// EC2's numeric state codes (the low byte of instanceState.code).
int StateCode(InstanceState state) {
  switch (state) {
    case InstanceState::kPending:
      return 0;
    case InstanceState::kRunning:
      return 16;
    case InstanceState::kShuttingDown:
      return 32;
    case InstanceState::kTerminated:
      return 48;
    case InstanceState::kStopping:
      return 64;
    case InstanceState::kStopped:
      return 80;
  }
  return 0;
}

void WriteState(XmlWriter& xml, std::string_view element, InstanceState state) {
  xml.Open(element).Leaf("code", StateCode(state)).Leaf("name", InstanceStateName(state)).Close();
}

Status CheckInstanceIds(const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    if (!id.starts_with("i-") || id.size() < 10) {
      return InvalidArgument("InvalidInstanceID.Malformed: Invalid id: \"" + id + "\"");
    }
  }
  return Ok();
}

std::vector<std::string> InstanceField(const Ec2Instance& instance, std::string_view name,
                                       std::string_view vpc_id, std::string_view reservation_id) {
  if (name == "instance-id") return {instance.instance_id};
  if (name == "instance-state-name") return {std::string(InstanceStateName(instance.state))};
  if (name == "instance-state-code") return {std::to_string(StateCode(instance.state))};
  if (name == "instance-type") return {instance.instance_type};
  if (name == "availability-zone") return {instance.availability_zone};
  if (name == "instance-lifecycle") {
    if (instance.capacity == CapacityType::kSpot) return {"spot"};
    return {};  // on-demand instances have no lifecycle attribute, as on EC2
  }
  if (name == "subnet-id") return {instance.subnet_id};
  if (name == "vpc-id") return {std::string(vpc_id)};
  if (name == "private-dns-name") return {instance.private_dns_name};
  if (name == "private-ip-address") return {instance.private_ip};
  if (name == "reservation-id") return {std::string(reservation_id)};
  return {};
}

}  // namespace

Result<std::string> RequireParam(const FormParams& params, std::string_view name) {
  auto value = params.Get(name);
  if (!value || value->empty()) {
    return InvalidArgument("MissingParameter: The request must contain the parameter " +
                           std::string(name));
  }
  return *value;
}

const std::map<std::string, Ec2QueryHandler::Action, std::less<>>& Ec2QueryHandler::Actions() {
  static const std::map<std::string, Action, std::less<>> actions = {
      {"DescribeInstances", &Ec2QueryHandler::DescribeInstances},
      {"RunInstances", &Ec2QueryHandler::RunInstances},
      {"TerminateInstances", &Ec2QueryHandler::TerminateInstances},
      {"CreateTags", &Ec2QueryHandler::CreateTags},
      {"DeleteTags", &Ec2QueryHandler::DeleteTags},
      {"CreateFleet", &Ec2QueryHandler::CreateFleet},
      {"CreateLaunchTemplate", &Ec2QueryHandler::CreateLaunchTemplate},
      {"DescribeLaunchTemplates", &Ec2QueryHandler::DescribeLaunchTemplates},
      {"DescribeVolumes", &Ec2QueryHandler::DescribeVolumes},
      {"CreateVolume", &Ec2QueryHandler::CreateVolume},
      {"AttachVolume", &Ec2QueryHandler::AttachVolume},
      {"DeleteVolume", &Ec2QueryHandler::DeleteVolume},
      {"CreateSnapshot", &Ec2QueryHandler::CreateSnapshot},
      {"DescribeSnapshots", &Ec2QueryHandler::DescribeSnapshots},
      {"DescribeInstanceTypes", &Ec2QueryHandler::DescribeInstanceTypes},
      {"DescribeInstanceTypeOfferings", &Ec2QueryHandler::DescribeInstanceTypeOfferings},
      {"DescribeAvailabilityZones", &Ec2QueryHandler::DescribeAvailabilityZones},
      {"DescribeSubnets", &Ec2QueryHandler::DescribeSubnets},
      {"DescribeSpotPriceHistory", &Ec2QueryHandler::DescribeSpotPriceHistory},
  };
  return actions;
}

bool Ec2QueryHandler::Serves(std::string_view action) { return Actions().contains(action); }

WireResponse Ec2QueryHandler::Handle(const FormParams& params, std::string_view request_id) {
  auto action_name = params.Get("Action");
  if (!action_name || action_name->empty()) {
    return Ec2ErrorResponse({"MissingAction", "The request must contain the parameter Action"},
                            request_id);
  }
  auto action = Actions().find(*action_name);
  if (action == Actions().end()) {
    return Ec2ErrorResponse(
        {"InvalidAction", "The action " + *action_name + " is not valid for this web service."},
        request_id);
  }
  auto dry_run = params.GetBool("DryRun");
  if (!dry_run) return Ec2ErrorResponse(ToAwsError(dry_run.error()), request_id);
  if (*dry_run) {
    return Ec2ErrorResponse(
        {"DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412},
        request_id);
  }
  XmlWriter xml;
  xml.Open(*action_name + "Response", kEc2Namespace).Leaf("requestId", request_id);
  Status status = (this->*(action->second))(params, xml);
  if (!status) return Ec2ErrorResponse(ToAwsError(status.error()), request_id);
  return {.status = 200, .content_type = "text/xml;charset=UTF-8", .body = xml.Finish()};
}

void Ec2QueryHandler::WriteInstance(XmlWriter& xml, const Ec2Instance& instance, int launch_index) {
  const Catalog* catalog = cloud_.options().catalog;
  const InstanceType* type = catalog ? catalog->FindType(instance.instance_type) : nullptr;
  xml.Open("item");
  xml.Leaf("instanceId", instance.instance_id).Leaf("imageId", "ami-0sandbox00000000");
  WriteState(xml, "instanceState", instance.state);
  xml.Leaf("privateDnsName", instance.private_dns_name).Leaf("dnsName", "");
  xml.Leaf("amiLaunchIndex", launch_index);
  xml.Leaf("instanceType", instance.instance_type);
  xml.Leaf("launchTime", FormatRfc3339(instance.launch_time));
  xml.Open("placement")
      .Leaf("availabilityZone", instance.availability_zone)
      .Leaf("groupName", "")
      .Leaf("tenancy", "default")
      .Close();
  xml.Open("monitoring").Leaf("state", "disabled").Close();
  xml.Leaf("subnetId", instance.subnet_id).Leaf("vpcId", cloud_.VpcId());
  xml.Leaf("privateIpAddress", instance.private_ip);
  xml.Leaf("architecture", type && type->arch == Architecture::kArm64 ? "arm64" : "x86_64");
  xml.Leaf("rootDeviceType", "ebs").Leaf("rootDeviceName", "/dev/xvda");
  if (instance.capacity == CapacityType::kSpot) xml.Leaf("instanceLifecycle", "spot");
  xml.Leaf("virtualizationType", "hvm").Leaf("hypervisor", "xen");
  if (instance.state == InstanceState::kTerminated ||
      instance.state == InstanceState::kShuttingDown) {
    xml.Open("stateReason")
        .Leaf("code", "Client.UserInitiatedShutdown")
        .Leaf("message", "Client.UserInitiatedShutdown: User initiated shutdown")
        .Close();
  }
  WriteTagSet(xml, instance.tags);
  xml.Close();
}

// DescribeInstances pages over instances (not reservations), as EC2 does, and groups each
// page's instances back into their reservations.
Status Ec2QueryHandler::DescribeInstances(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(
      auto filters,
      ParseEc2Filters(params,
                      {"instance-id", "instance-state-name", "instance-state-code", "instance-type",
                       "availability-zone", "instance-lifecycle", "subnet-id", "vpc-id",
                       "private-dns-name", "private-ip-address", "reservation-id"}));
  const std::vector<std::string> ids = params.List("InstanceId");
  CO_RETURN_IF_ERROR(CheckInstanceIds(ids));
  if (!ids.empty() && params.Has("MaxResults")) {
    return InvalidArgument(
        "InvalidParameterCombination: The parameter instancesSet cannot be used with the "
        "parameter maxResults");
  }
  const std::string vpc_id = cloud_.VpcId();
  struct Match {
    const std::string* reservation_id;
    const Ec2Instance* instance;
  };
  const std::vector<SimulatedCloud::Reservation> reservations = cloud_.Reservations();
  std::vector<Match> matches;
  std::set<std::string, std::less<>> found;
  for (const auto& reservation : reservations) {
    for (const Ec2Instance& instance : reservation.instances) {
      if (!ids.empty() && std::find(ids.begin(), ids.end(), instance.instance_id) == ids.end()) {
        continue;
      }
      found.insert(instance.instance_id);
      auto field = [&](std::string_view name) {
        return InstanceField(instance, name, vpc_id, reservation.reservation_id);
      };
      if (MatchesEc2Filters(filters, instance.tags, field)) {
        matches.push_back({&reservation.reservation_id, &instance});
      }
    }
  }
  for (const std::string& id : ids) {
    if (!found.contains(id))
      return std::unexpected(
          Error{ErrorCode::kNotFound,
                "InvalidInstanceID.NotFound: The instance ID '" + id + "' does not exist"});
  }
  CO_ASSIGN_OR_RETURN(Ec2Page page, PaginateEc2(params, matches.size(), {5, 1000, 1000}));
  xml.Open("reservationSet");
  for (size_t i = page.begin; i < page.end; ++i) {
    if (i == page.begin || matches[i - 1].reservation_id != matches[i].reservation_id) {
      if (i != page.begin) xml.Close().Close();  // instancesSet, item
      xml.Open("item").Leaf("reservationId", *matches[i].reservation_id);
      xml.Leaf("ownerId", cloud_.options().account_id).Open("groupSet").Close();
      xml.Open("instancesSet");
    }
    WriteInstance(xml, *matches[i].instance, 0);
  }
  if (page.end > page.begin) xml.Close().Close();
  xml.Close();
  if (!page.next_token.empty()) xml.Leaf("nextToken", page.next_token);
  return Ok();
}

Status Ec2QueryHandler::RunInstances(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(std::string min_text, RequireParam(params, "MinCount"));
  CO_ASSIGN_OR_RETURN(std::string max_text, RequireParam(params, "MaxCount"));
  CO_ASSIGN_OR_RETURN(std::optional<int64_t> min_count, params.GetInt("MinCount"));
  CO_ASSIGN_OR_RETURN(std::optional<int64_t> max_count, params.GetInt("MaxCount"));
  if (*min_count < 1 || *max_count < *min_count) {
    return InvalidArgument("InvalidParameterValue: MinCount (" + min_text +
                           ") must be at least 1 and at most MaxCount (" + max_text + ")");
  }
  CO_ASSIGN_OR_RETURN(std::string instance_type, RequireParam(params, "InstanceType"));
  const std::string market = params.GetOr("InstanceMarketOptions.MarketType", "");
  if (!market.empty() && market != "spot" && market != "capacity-block") {
    return InvalidArgument("InvalidParameterValue: Invalid value '" + market +
                           "' for InstanceMarketOptions.MarketType");
  }
  LaunchRequest request{
      .instance_type = instance_type,
      .zone = params.GetOr("Placement.AvailabilityZone", ""),
      .subnet_id = params.GetOr("SubnetId", ""),
      .capacity = market == "spot" ? CapacityType::kSpot : CapacityType::kOnDemand,
      .count = static_cast<int32_t>(std::min<int64_t>(*max_count, 1000)),
      .tags = TagSpecificationTags(params, "instance"),
      .client_token = params.GetOr("ClientToken", ""),
      .launch_template_id = params.GetOr("LaunchTemplate.LaunchTemplateId", ""),
      .launch_template_name = params.GetOr("LaunchTemplate.LaunchTemplateName", ""),
      .launch_template_version = params.GetOr("LaunchTemplate.Version", "")};
  CO_ASSIGN_OR_RETURN(std::vector<Ec2Instance> launched,
                      cloud_.RunInstances(request, clock_.Now()));
  std::string reservation_id = "r-0";
  for (const auto& reservation : cloud_.Reservations()) {
    for (const Ec2Instance& instance : reservation.instances) {
      if (!launched.empty() && instance.instance_id == launched.front().instance_id) {
        reservation_id = reservation.reservation_id;
      }
    }
  }
  xml.Leaf("reservationId", reservation_id).Leaf("ownerId", cloud_.options().account_id);
  xml.Open("groupSet").Close().Open("instancesSet");
  for (size_t i = 0; i < launched.size(); ++i) {
    WriteInstance(xml, launched[i], static_cast<int>(i));
  }
  xml.Close();
  return Ok();
}

Status Ec2QueryHandler::TerminateInstances(const FormParams& params, XmlWriter& xml) {
  const std::vector<std::string> ids = params.List("InstanceId");
  if (ids.empty()) {
    return InvalidArgument("MissingParameter: The request must contain the parameter InstanceId");
  }
  CO_RETURN_IF_ERROR(CheckInstanceIds(ids));
  std::vector<InstanceState> previous;
  for (const std::string& id : ids) {
    CO_ASSIGN_OR_RETURN(Ec2Instance instance, cloud_.FindInstance(id));
    previous.push_back(instance.state);
  }
  CO_ASSIGN_OR_RETURN(std::vector<Ec2Instance> current,
                      cloud_.TerminateInstances(ids, clock_.Now()));
  xml.Open("instancesSet");
  for (size_t i = 0; i < current.size(); ++i) {
    xml.Open("item").Leaf("instanceId", current[i].instance_id);
    WriteState(xml, "currentState", current[i].state);
    WriteState(xml, "previousState", previous[i]);
    xml.Close();
  }
  xml.Close();
  return Ok();
}

Status Ec2QueryHandler::CreateTags(const FormParams& params, XmlWriter& xml) {
  const std::vector<std::string> ids = params.List("ResourceId");
  if (ids.empty()) {
    return InvalidArgument("MissingParameter: The request must contain the parameter ResourceId");
  }
  const Tags tags = TagParams(params);
  if (tags.empty()) {
    return InvalidArgument("MissingParameter: The request must contain the parameter Tag");
  }
  CO_RETURN_IF_ERROR(cloud_.CreateTags(ids, tags));
  xml.Bool("return", true);
  return Ok();
}

Status Ec2QueryHandler::DeleteTags(const FormParams& params, XmlWriter& xml) {
  const std::vector<std::string> ids = params.List("ResourceId");
  if (ids.empty()) {
    return InvalidArgument("MissingParameter: The request must contain the parameter ResourceId");
  }
  std::vector<std::string> keys;
  for (const auto& [key, value] : TagParams(params)) keys.push_back(key);
  CO_RETURN_IF_ERROR(cloud_.DeleteTags(ids, keys));
  xml.Bool("return", true);
  return Ok();
}

}  // namespace cloudoptim
