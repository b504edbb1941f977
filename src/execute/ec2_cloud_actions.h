// CloudActions over CloudOptim's EC2 client: launches as an instant fleet (falling back to
// RunInstances pool by pool) like the spec's model node — its launch template and version,
// the subnet its node group uses in the requested zone (launch_discovery.h) — with the step's
// client token. The cluster's settings may name the template and subnets instead.
//
//   aws::Ec2Client ec2(session.transport(), session.config().Endpoint("ec2"));
//   Ec2CloudActions cloud(ec2, {});   // or {.overrides = {.launch_template = "lt-0abc"}}
//   auto ids = cloud.Launch({.instance_types = {"m5.large"}, .zone = "us-east-1a",
//                            .client_token = token, .like = {"n1", "i-0abc", {}}});
#pragma once

#include <string>

#include "aws/ec2_client.h"
#include "execute/cloud_actions.h"
#include "execute/launch_discovery.h"

namespace cloudoptim {

struct Ec2CloudActionsOptions {
  // Empty: discovered from the model node of each launch.
  LaunchOverrides overrides;
};

class Ec2CloudActions final : public CloudActions {
 public:
  Ec2CloudActions(aws::Ec2Client& ec2, Ec2CloudActionsOptions options)
      : ec2_(ec2), options_(std::move(options)) {}

  Result<std::vector<std::string>> Launch(const LaunchSpec& spec) override;
  Result<std::vector<Ec2Instance>> DescribeInstances(const std::vector<std::string>& ids) override;
  Result<std::vector<Ec2Instance>> FindInstancesByTag(const std::string& key,
                                                      const std::string& value) override;
  Status TerminateInstances(const std::vector<std::string>& ids) override;
  Result<EbsSnapshot> CreateSnapshot(const std::string& volume_id, const std::string& description,
                                     const Tags& tags) override;
  Result<std::vector<EbsSnapshot>> DescribeSnapshots(const std::string& volume_id,
                                                     const std::string& tag_key,
                                                     const std::string& tag_value) override;
  Result<EbsVolume> DescribeVolume(const std::string& volume_id) override;
  Status DeleteVolume(const std::string& volume_id) override;

 private:
  aws::Ec2Client& ec2_;
  Ec2CloudActionsOptions options_;
};

}  // namespace cloudoptim
