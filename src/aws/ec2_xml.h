// Decoding of EC2 Query-protocol XML responses (pugixml) into model and EC2 types. One
// function per response shape; each returns the page's items and its nextToken. Malformed XML
// is InvalidArgument naming the action; absent optional elements are left at defaults.
//
//   Result<Ec2Page<Ec2Instance>> page = DecodeDescribeInstances(xml);
//   for (const Ec2Instance& i : page->items) ...;  if (!page->next_token.empty()) ...
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aws/ec2_types.h"
#include "common/error.h"

namespace cloudoptim::aws {

template <typename T>
struct Ec2Page {
  std::vector<T> items;
  std::string next_token;
};

Result<Ec2Page<Ec2Instance>> DecodeDescribeInstances(std::string_view xml);
// RunInstances answers with the instances it launched (same item shape).
Result<std::vector<Ec2Instance>> DecodeRunInstances(std::string_view xml);
Result<Ec2Page<InstanceTypeInfo>> DecodeDescribeInstanceTypes(std::string_view xml);
Result<Ec2Page<InstanceTypeOffering>> DecodeDescribeInstanceTypeOfferings(std::string_view xml);
Result<Ec2Page<SpotPricePoint>> DecodeDescribeSpotPriceHistory(std::string_view xml);
Result<Ec2Page<EbsVolume>> DecodeDescribeVolumes(std::string_view xml);
Result<Ec2Page<EbsSnapshot>> DecodeDescribeSnapshots(std::string_view xml);
Result<Ec2Page<Subnet>> DecodeDescribeSubnets(std::string_view xml);
Result<std::vector<AvailabilityZone>> DecodeDescribeAvailabilityZones(std::string_view xml);
Result<FleetResult> DecodeCreateFleet(std::string_view xml);
Result<std::vector<InstanceStateChange>> DecodeTerminateInstances(std::string_view xml);
Result<EbsSnapshot> DecodeCreateSnapshot(std::string_view xml);

}  // namespace cloudoptim::aws
