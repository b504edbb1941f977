// Values the EC2 client sends and receives beyond the model's instances, volumes and
// snapshots (src/model/cloud.h): filters, instance type facts, offerings, spot prices,
// subnets, zones, and launch requests/results.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/money.h"
#include "model/cloud.h"

namespace cloudoptim::aws {

// An EC2 filter: {"tag:eks:cluster-name", {"prod"}}, {"instance-state-name", {"running"}}.
struct Ec2Filter {
  std::string name;
  std::vector<std::string> values;
};

struct InstanceTypeInfo {
  std::string instance_type;
  int32_t vcpus = 0;
  int64_t memory_mib = 0;
  std::vector<std::string> architectures;  // "x86_64", "arm64"
  bool spot_supported = false;
  bool on_demand_supported = false;
  int32_t max_network_interfaces = 0;
  int32_t ipv4_addresses_per_interface = 0;
  int32_t gpus = 0;
};

struct InstanceTypeOffering {
  std::string instance_type;
  std::string location;  // a zone name, zone id or region, per location type
};

struct SpotPricePoint {
  std::string instance_type;
  std::string availability_zone;
  std::string product_description;  // "Linux/UNIX"
  Money usd_per_hour;
  TimePoint timestamp{};
};

struct SpotPriceQuery {
  std::vector<std::string> instance_types;
  std::vector<std::string> product_descriptions = {"Linux/UNIX"};
  std::string availability_zone;  // all zones when empty
  TimePoint start_time{};
  TimePoint end_time{};
  int32_t page_size = 0;  // MaxResults; 0 lets EC2 choose
};

struct Subnet {
  std::string subnet_id;
  std::string vpc_id;
  std::string availability_zone;
  std::string cidr_block;
  int64_t available_ip_count = 0;
  Tags tags;
};

struct AvailabilityZone {
  std::string zone_name;
  std::string zone_id;
  std::string state;  // "available"
};

// One instance type in one subnet, as a CreateFleet override.
struct LaunchOverride {
  std::string instance_type;
  std::string subnet_id;
};

// What to launch: a launch template (AMI, security groups, user data live there) with
// instance type x subnet overrides. Spot uses price-capacity-optimized, on-demand
// lowest-price.
struct FleetRequest {
  std::string launch_template_id;  // or launch_template_name
  std::string launch_template_name;
  std::string launch_template_version = "$Default";
  std::vector<LaunchOverride> overrides;
  CapacityType capacity = CapacityType::kOnDemand;
  int32_t count = 1;
  Tags tags;  // applied to the instances (and the fleet)
  std::string client_token;
};

struct LaunchError {
  std::string code;  // "InsufficientInstanceCapacity"
  std::string message;
  LaunchOverride override_used;
};

struct FleetResult {
  std::vector<std::string> instance_ids;
  std::vector<LaunchError> errors;  // pools that could not be filled
  bool used_run_instances_fallback = false;
};

struct InstanceStateChange {
  std::string instance_id;
  std::string previous_state;
  std::string current_state;
};

}  // namespace cloudoptim::aws
