#include "aws/ec2_client.h"

#include "aws/aws_error.h"
#include "aws/ec2_xml.h"

namespace cloudoptim::aws {
namespace {

// A guard against a peer that keeps answering with the same token.
constexpr int kMaxPages = 10'000;

void AddFilters(QueryParams& params, const std::vector<Ec2Filter>& filters) {
  for (const Ec2Filter& filter : filters) params.AddFilter(filter.name, filter.values);
}

std::vector<std::pair<std::string, std::string>> TagPairs(const Tags& tags) {
  return {tags.begin(), tags.end()};
}

void AddTagSpecification(QueryParams& params, int index, std::string_view resource_type,
                         const Tags& tags) {
  if (tags.empty()) return;
  const std::string prefix = "TagSpecification." + std::to_string(index);
  params.Add(prefix + ".ResourceType", resource_type);
  params.AddTags(prefix + ".Tag", TagPairs(tags));
}

void AddLaunchTemplate(QueryParams& params, const std::string& prefix,
                       const FleetRequest& request) {
  if (!request.launch_template_id.empty()) {
    params.Add(prefix + ".LaunchTemplateId", request.launch_template_id);
  } else {
    params.Add(prefix + ".LaunchTemplateName", request.launch_template_name);
  }
  params.Add(prefix + ".Version", request.launch_template_version);
}

}  // namespace

Ec2Client::Ec2Client(AwsTransport& transport, ServiceEndpoint endpoint)
    : transport_(transport), endpoint_(std::move(endpoint)) {}

Result<std::string> Ec2Client::Call(const QueryParams& params) {
  return transport_.Post(endpoint_, params.action(), kQueryContentType, params.Encode());
}

// Pagination is the same for every Describe*: resend with NextToken until it comes back empty.
template <typename T, typename Decode>
Result<std::vector<T>> CollectPages(Ec2Client& client, const QueryParams& base, Decode decode) {
  std::vector<T> all;
  std::string token;
  for (int page = 0; page < kMaxPages; ++page) {
    QueryParams params = base;
    if (!token.empty()) params.Add("NextToken", token);
    CO_ASSIGN_OR_RETURN(std::string xml, client.Call(params));
    CO_ASSIGN_OR_RETURN(Ec2Page<T> decoded, decode(xml));
    for (T& item : decoded.items) all.push_back(std::move(item));
    if (decoded.next_token.empty() || decoded.next_token == token) return all;
    token = std::move(decoded.next_token);
  }
  return Internal("ec2:" + base.action() + " returned more than " + std::to_string(kMaxPages) +
                  " pages");
}

Result<std::vector<Ec2Instance>> Ec2Client::DescribeInstances(const std::vector<Ec2Filter>& filters,
                                                              const std::vector<std::string>& ids,
                                                              int32_t page_size) {
  QueryParams params("DescribeInstances", kEc2ApiVersion);
  AddFilters(params, filters);
  params.AddList("InstanceId", ids);
  // EC2 refuses MaxResults together with explicit ids.
  if (page_size > 0 && ids.empty()) params.Add("MaxResults", std::to_string(page_size));
  return CollectPages<Ec2Instance>(*this, params, DecodeDescribeInstances);
}

Result<std::vector<InstanceTypeInfo>> Ec2Client::DescribeInstanceTypes(
    const std::vector<std::string>& instance_types, int32_t page_size) {
  QueryParams params("DescribeInstanceTypes", kEc2ApiVersion);
  params.AddList("InstanceType", instance_types);
  if (page_size > 0) params.Add("MaxResults", std::to_string(page_size));
  return CollectPages<InstanceTypeInfo>(*this, params, DecodeDescribeInstanceTypes);
}

Result<std::vector<InstanceTypeOffering>> Ec2Client::DescribeInstanceTypeOfferings(
    const std::vector<Ec2Filter>& filters, std::string_view location_type) {
  QueryParams params("DescribeInstanceTypeOfferings", kEc2ApiVersion);
  params.Add("LocationType", location_type);
  AddFilters(params, filters);
  return CollectPages<InstanceTypeOffering>(*this, params, DecodeDescribeInstanceTypeOfferings);
}

Result<std::vector<SpotPricePoint>> Ec2Client::DescribeSpotPriceHistory(
    const SpotPriceQuery& query) {
  QueryParams params("DescribeSpotPriceHistory", kEc2ApiVersion);
  params.AddList("InstanceType", query.instance_types);
  params.AddList("ProductDescription", query.product_descriptions);
  if (!query.availability_zone.empty()) params.Add("AvailabilityZone", query.availability_zone);
  if (query.start_time != TimePoint{}) params.Add("StartTime", FormatRfc3339(query.start_time));
  if (query.end_time != TimePoint{}) params.Add("EndTime", FormatRfc3339(query.end_time));
  if (query.page_size > 0) params.Add("MaxResults", std::to_string(query.page_size));
  return CollectPages<SpotPricePoint>(*this, params, DecodeDescribeSpotPriceHistory);
}

Result<std::vector<EbsVolume>> Ec2Client::DescribeVolumes(const std::vector<Ec2Filter>& filters,
                                                          const std::vector<std::string>& ids,
                                                          int32_t page_size) {
  QueryParams params("DescribeVolumes", kEc2ApiVersion);
  AddFilters(params, filters);
  params.AddList("VolumeId", ids);
  if (page_size > 0 && ids.empty()) params.Add("MaxResults", std::to_string(page_size));
  return CollectPages<EbsVolume>(*this, params, DecodeDescribeVolumes);
}

Result<std::vector<EbsSnapshot>> Ec2Client::DescribeSnapshots(const std::vector<Ec2Filter>& filters,
                                                              const std::vector<std::string>& ids) {
  QueryParams params("DescribeSnapshots", kEc2ApiVersion);
  params.Add("Owner.1", "self");
  AddFilters(params, filters);
  params.AddList("SnapshotId", ids);
  return CollectPages<EbsSnapshot>(*this, params, DecodeDescribeSnapshots);
}

Result<std::vector<Subnet>> Ec2Client::DescribeSubnets(const std::vector<Ec2Filter>& filters) {
  QueryParams params("DescribeSubnets", kEc2ApiVersion);
  AddFilters(params, filters);
  return CollectPages<Subnet>(*this, params, DecodeDescribeSubnets);
}

Result<std::vector<AvailabilityZone>> Ec2Client::DescribeAvailabilityZones() {
  QueryParams params("DescribeAvailabilityZones", kEc2ApiVersion);
  CO_ASSIGN_OR_RETURN(std::string xml, Call(params));
  return DecodeDescribeAvailabilityZones(xml);
}

Result<FleetResult> Ec2Client::CreateFleet(const FleetRequest& request) {
  if (request.launch_template_id.empty() && request.launch_template_name.empty()) {
    return InvalidArgument("CreateFleet needs a launch template id or name");
  }
  if (request.overrides.empty()) {
    return InvalidArgument("CreateFleet needs at least one instance type x subnet override");
  }
  QueryParams params("CreateFleet", kEc2ApiVersion);
  params.Add("Type", "instant");
  const std::string config = "LaunchTemplateConfigs.1";
  AddLaunchTemplate(params, config + ".LaunchTemplateSpecification", request);
  for (size_t i = 0; i < request.overrides.size(); ++i) {
    const std::string prefix = config + ".Overrides." + std::to_string(i + 1);
    params.Add(prefix + ".InstanceType", request.overrides[i].instance_type);
    if (!request.overrides[i].subnet_id.empty()) {
      params.Add(prefix + ".SubnetId", request.overrides[i].subnet_id);
    }
  }
  const bool spot = request.capacity == CapacityType::kSpot;
  const std::string count = std::to_string(request.count);
  params.Add("TargetCapacitySpecification.TotalTargetCapacity", count);
  params.Add("TargetCapacitySpecification.DefaultTargetCapacityType", spot ? "spot" : "on-demand");
  if (spot) {
    params.Add("TargetCapacitySpecification.SpotTargetCapacity", count);
    params.Add("SpotOptions.AllocationStrategy", "price-capacity-optimized");
  } else {
    params.Add("TargetCapacitySpecification.OnDemandTargetCapacity", count);
    params.Add("OnDemandOptions.AllocationStrategy", "lowest-price");
  }
  AddTagSpecification(params, 1, "instance", request.tags);
  AddTagSpecification(params, 2, "fleet", request.tags);
  if (!request.client_token.empty()) params.Add("ClientToken", request.client_token);
  CO_ASSIGN_OR_RETURN(std::string xml, Call(params));
  return DecodeCreateFleet(xml);
}

QueryParams RunInstancesParams(const FleetRequest& request, const LaunchOverride& pool,
                               int32_t count) {
  QueryParams params("RunInstances", kEc2ApiVersion);
  AddLaunchTemplate(params, "LaunchTemplate", request);
  params.Add("InstanceType", pool.instance_type);
  if (!pool.subnet_id.empty()) params.Add("SubnetId", pool.subnet_id);
  params.Add("MinCount", std::to_string(count)).Add("MaxCount", std::to_string(count));
  if (request.capacity == CapacityType::kSpot) {
    params.Add("InstanceMarketOptions.MarketType", "spot");
  }
  AddTagSpecification(params, 1, "instance", request.tags);
  if (!request.client_token.empty()) {
    params.Add("ClientToken", request.client_token + "-" + pool.instance_type);
  }
  return params;
}

Result<std::vector<Ec2Instance>> Ec2Client::RunInstances(const FleetRequest& request,
                                                         const LaunchOverride& pool,
                                                         int32_t count) {
  CO_ASSIGN_OR_RETURN(std::string xml, Call(RunInstancesParams(request, pool, count)));
  return DecodeRunInstances(xml);
}

// Why a fallback: CreateFleet instant is the right call (one request, AWS picks the pool), but
// some accounts and emulators refuse it and an instant fleet can come back empty with only
// per-pool errors. RunInstances pool by pool, in the caller's preference order, still gets
// capacity; each pool's error is kept so the caller can learn which pools are short.
Result<FleetResult> Ec2Client::Launch(const FleetRequest& request) {
  FleetResult result;
  Result<FleetResult> fleet = CreateFleet(request);
  if (fleet) {
    result = std::move(*fleet);
    if (static_cast<int32_t>(result.instance_ids.size()) >= request.count) return result;
  } else if (IsInvalidArgument(fleet.error()) && AwsErrorCode(fleet.error()).empty()) {
    return std::unexpected(fleet.error());  // our own validation: nothing to fall back to
  } else if (IsPermissionDenied(fleet.error()) || IsUnauthenticated(fleet.error())) {
    return std::unexpected(fleet.error());
  }
  result.used_run_instances_fallback = true;
  std::optional<Error> last_error;
  for (const LaunchOverride& pool : request.overrides) {
    const int32_t missing = request.count - static_cast<int32_t>(result.instance_ids.size());
    if (missing <= 0) break;
    Result<std::vector<Ec2Instance>> launched = RunInstances(request, pool, missing);
    if (!launched) {
      result.errors.push_back({AwsErrorCode(launched.error()), launched.error().message, pool});
      last_error = launched.error();
      continue;
    }
    for (const Ec2Instance& instance : *launched)
      result.instance_ids.push_back(instance.instance_id);
  }
  if (result.instance_ids.empty() && last_error) return std::unexpected(*last_error);
  return result;
}

Result<std::vector<InstanceStateChange>> Ec2Client::TerminateInstances(
    const std::vector<std::string>& ids) {
  QueryParams params("TerminateInstances", kEc2ApiVersion);
  params.AddList("InstanceId", ids);
  CO_ASSIGN_OR_RETURN(std::string xml, Call(params));
  return DecodeTerminateInstances(xml);
}

Status Ec2Client::CreateTags(const std::vector<std::string>& resource_ids, const Tags& tags) {
  QueryParams params("CreateTags", kEc2ApiVersion);
  params.AddList("ResourceId", resource_ids);
  params.AddTags("Tag", TagPairs(tags));
  CO_RETURN_IF_ERROR(Call(params));
  return Ok();
}

Status Ec2Client::DeleteTags(const std::vector<std::string>& resource_ids,
                             const std::vector<std::string>& keys) {
  QueryParams params("DeleteTags", kEc2ApiVersion);
  params.AddList("ResourceId", resource_ids);
  for (size_t i = 0; i < keys.size(); ++i) {
    params.Add("Tag." + std::to_string(i + 1) + ".Key", keys[i]);
  }
  CO_RETURN_IF_ERROR(Call(params));
  return Ok();
}

Result<EbsSnapshot> Ec2Client::CreateSnapshot(const std::string& volume_id,
                                              const std::string& description, const Tags& tags) {
  QueryParams params("CreateSnapshot", kEc2ApiVersion);
  params.Add("VolumeId", volume_id).Add("Description", description);
  AddTagSpecification(params, 1, "snapshot", tags);
  CO_ASSIGN_OR_RETURN(std::string xml, Call(params));
  return DecodeCreateSnapshot(xml);
}

Status Ec2Client::DeleteVolume(const std::string& volume_id) {
  QueryParams params("DeleteVolume", kEc2ApiVersion);
  params.Add("VolumeId", volume_id);
  CO_RETURN_IF_ERROR(Call(params));
  return Ok();
}

Status Ec2Client::DryRun(QueryParams params) {
  params.Add("DryRun", "true");
  Result<std::string> result = Call(params);
  if (result) {
    return Internal("ec2:" + params.action() +
                    " with DryRun=true succeeded without DryRunOperation; nothing was checked");
  }
  if (IsDryRunSuccess(result.error())) return Ok();
  return std::unexpected(result.error());
}

}  // namespace cloudoptim::aws
