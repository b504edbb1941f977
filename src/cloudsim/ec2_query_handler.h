// Serves the simulated cloud over EC2's Query protocol: form-encoded Action=... requests in,
// XML in the 2016-11-15 namespace out, AWS error XML for every failure. The actions CloudOptim
// and an engineer with the AWS CLI use: instances (describe, run, terminate, fleets, tags),
// volumes and snapshots, and the catalogue views (types, offerings, zones, subnets, spot
// price history).
//
//   Ec2QueryHandler ec2(cloud, clock);
//   WireResponse response = ec2.Handle(*FormParams::Decode(body), request_id);
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "cloudsim/aws_wire_encoding.h"
#include "cloudsim/simulated_cloud.h"
#include "common/clock.h"

namespace cloudoptim {

class Ec2QueryHandler {
 public:
  Ec2QueryHandler(SimulatedCloud& cloud, Clock& clock) : cloud_(cloud), clock_(clock) {}

  // Never fails: errors become EC2 error XML (400 for the caller's mistakes, 412 for DryRun).
  WireResponse Handle(const FormParams& params, std::string_view request_id);
  // Whether `action` is one this handler serves.
  static bool Serves(std::string_view action);

 private:
  // Each action writes the members of its <ActionResponse> element after <requestId>.
  using Action = Status (Ec2QueryHandler::*)(const FormParams&, XmlWriter&);
  static const std::map<std::string, Action, std::less<>>& Actions();

  // Instances (ec2_query_handler.cc).
  Status DescribeInstances(const FormParams& params, XmlWriter& xml);
  Status RunInstances(const FormParams& params, XmlWriter& xml);
  Status TerminateInstances(const FormParams& params, XmlWriter& xml);
  Status CreateTags(const FormParams& params, XmlWriter& xml);
  Status DeleteTags(const FormParams& params, XmlWriter& xml);
  void WriteInstance(XmlWriter& xml, const Ec2Instance& instance, int launch_index);
  // Fleets (ec2_fleet_action.cc).
  Status CreateFleet(const FormParams& params, XmlWriter& xml);
  // Launch templates (ec2_launch_template_actions.cc).
  Status CreateLaunchTemplate(const FormParams& params, XmlWriter& xml);
  Status DescribeLaunchTemplates(const FormParams& params, XmlWriter& xml);
  // Volumes and snapshots (ec2_storage_actions.cc).
  Status DescribeVolumes(const FormParams& params, XmlWriter& xml);
  Status CreateVolume(const FormParams& params, XmlWriter& xml);
  Status AttachVolume(const FormParams& params, XmlWriter& xml);
  Status DeleteVolume(const FormParams& params, XmlWriter& xml);
  Status CreateSnapshot(const FormParams& params, XmlWriter& xml);
  Status DescribeSnapshots(const FormParams& params, XmlWriter& xml);
  // The account's shape and the catalogue (ec2_catalog_actions.cc).
  Status DescribeInstanceTypes(const FormParams& params, XmlWriter& xml);
  Status DescribeInstanceTypeOfferings(const FormParams& params, XmlWriter& xml);
  Status DescribeAvailabilityZones(const FormParams& params, XmlWriter& xml);
  Status DescribeSubnets(const FormParams& params, XmlWriter& xml);
  Status DescribeSpotPriceHistory(const FormParams& params, XmlWriter& xml);

  SimulatedCloud& cloud_;
  Clock& clock_;
  // CreateFleet answers by client token, replayed for a repeated token as EC2 does.
  struct FleetAnswer {
    std::string fingerprint;
    std::function<void(XmlWriter&)> write;
  };
  std::mutex fleets_mutex_;
  std::map<std::string, FleetAnswer, std::less<>> fleets_by_token_;
};

// "use1-az1" for "us-east-1a": EC2's zone ids (account-independent in the sandbox).
std::string ZoneId(std::string_view zone);
// Required string parameter or MissingParameter naming it.
Result<std::string> RequireParam(const FormParams& params, std::string_view name);

}  // namespace cloudoptim
