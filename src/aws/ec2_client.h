// EC2 over the Query protocol (form-encoded POST, Version 2016-11-15, XML answers): the reads
// CloudOptim observes with and the writes its executor acts with. Listings follow NextToken
// to the end. Errors come from aws_error.h: UnauthorizedOperation -> PermissionDenied naming
// the action, InvalidInstanceID.NotFound -> NotFound, InsufficientInstanceCapacity ->
// ResourceExhausted (IsInsufficientCapacity), throttling and 5xx retried by the transport.
//
//   Ec2Client ec2(session.transport(), session.config().Endpoint("ec2"));
//   auto nodes = ec2.DescribeInstances({{"tag:eks:cluster-name", {"prod"}},
//                                       {"instance-state-name", {"running"}}});
//   auto launched = ec2.Launch({.launch_template_id = "lt-1", .overrides = {...},
//                               .capacity = CapacityType::kSpot, .count = 2});
#pragma once

#include <string>
#include <vector>

#include "aws/aws_config.h"
#include "aws/aws_transport.h"
#include "aws/ec2_types.h"
#include "aws/query_params.h"

namespace cloudoptim::aws {

inline constexpr std::string_view kEc2ApiVersion = "2016-11-15";

class Ec2Client {
 public:
  Ec2Client(AwsTransport& transport, ServiceEndpoint endpoint);

  // `page_size` sets MaxResults (5..1000 for DescribeInstances); 0 lets EC2 choose.
  Result<std::vector<Ec2Instance>> DescribeInstances(const std::vector<Ec2Filter>& filters,
                                                     const std::vector<std::string>& ids = {},
                                                     int32_t page_size = 0);
  Result<std::vector<InstanceTypeInfo>> DescribeInstanceTypes(
      const std::vector<std::string>& instance_types, int32_t page_size = 0);
  // location_type: "availability-zone" (default), "availability-zone-id" or "region".
  Result<std::vector<InstanceTypeOffering>> DescribeInstanceTypeOfferings(
      const std::vector<Ec2Filter>& filters, std::string_view location_type = "availability-zone");
  Result<std::vector<SpotPricePoint>> DescribeSpotPriceHistory(const SpotPriceQuery& query);
  Result<std::vector<EbsVolume>> DescribeVolumes(const std::vector<Ec2Filter>& filters,
                                                 const std::vector<std::string>& ids = {},
                                                 int32_t page_size = 0);
  // Snapshots owned by this account ("self").
  Result<std::vector<EbsSnapshot>> DescribeSnapshots(const std::vector<Ec2Filter>& filters,
                                                     const std::vector<std::string>& ids = {});
  Result<std::vector<Subnet>> DescribeSubnets(const std::vector<Ec2Filter>& filters);
  Result<std::vector<AvailabilityZone>> DescribeAvailabilityZones();

  // CreateFleet type "instant": one call, synchronous answer, per-pool errors reported.
  // InvalidArgument when the request has no launch template or no overrides.
  Result<FleetResult> CreateFleet(const FleetRequest& request);
  // CreateFleet, and when it launched nothing (or is refused as unsupported), RunInstances
  // on each override in order until `count` instances run. Errors of the pools tried are kept
  // in the result; an error is returned only when nothing could be launched at all (the last
  // pool's error, e.g. InsufficientInstanceCapacity).
  Result<FleetResult> Launch(const FleetRequest& request);
  Result<std::vector<Ec2Instance>> RunInstances(const FleetRequest& request,
                                                const LaunchOverride& pool, int32_t count);
  Result<std::vector<InstanceStateChange>> TerminateInstances(const std::vector<std::string>& ids);
  Status CreateTags(const std::vector<std::string>& resource_ids, const Tags& tags);
  Status DeleteTags(const std::vector<std::string>& resource_ids,
                    const std::vector<std::string>& keys);
  Result<EbsSnapshot> CreateSnapshot(const std::string& volume_id, const std::string& description,
                                     const Tags& tags = {});
  Status DeleteVolume(const std::string& volume_id);

  // Sends `params` with DryRun=true: Ok when AWS says the call would have succeeded
  // (DryRunOperation), the mapped error otherwise (UnauthorizedOperation -> PermissionDenied).
  Status DryRun(QueryParams params);

  // The raw call, for actions without a typed wrapper. Returns the XML body.
  Result<std::string> Call(const QueryParams& params);

 private:
  AwsTransport& transport_;
  ServiceEndpoint endpoint_;
};

// The form parameters of a RunInstances for `pool` (used by Launch and by `aws check`'s
// DryRun probe).
QueryParams RunInstancesParams(const FleetRequest& request, const LaunchOverride& pool,
                               int32_t count);

}  // namespace cloudoptim::aws
