// What the executor asks of the cloud, as one small interface: launch with an idempotency
// token, describe, terminate, snapshot and delete volumes. Ec2CloudActions (ec2_cloud_actions.h)
// is the real one over the EC2 client; FakeCloudActions (fake_cloud_actions.h) an in-memory
// cloud for unit tests.
//
//   LaunchSpec spec{.instance_types = {"m5.large"}, .zone = "us-east-1a",
//                   .client_token = "co-3f2a...", .tags = {{"cloudoptim:step", key}}};
//   CO_ASSIGN_OR_RETURN(std::vector<std::string> ids, cloud.Launch(spec));
//   CO_ASSIGN_OR_RETURN(auto found, cloud.FindInstancesByTag("cloudoptim:step", key));
//
// Contracts (implementations and fakes honour them, the executor's recovery relies on them):
// - Launch with a client token already used returns the instances of that first launch and
//   launches nothing (EC2's ClientToken). The same token with other parameters is an error
//   (IdempotentParameterMismatch), never a second launch.
// - Tags given at launch or snapshot creation are applied atomically with the creation, so a
//   resource found by its tag after a crash is the one that step created.
// - TerminateInstances of an instance already shutting-down or terminated succeeds; of an
//   unknown id is NotFound.
// - DeleteVolume of a volume that no longer exists is NotFound.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "model/cloud.h"

namespace cloudoptim {

// The node to launch like, and the cluster's other nodes (one instance per zone is enough)
// whose subnets cover zones the node's group does not run in yet (launch_discovery.h).
struct LaunchModel {
  std::string node_name;  // for messages
  std::string instance_id;
  std::map<std::string, std::string> peers_by_zone;  // zone -> an instance id of the cluster
};

struct LaunchSpec {
  std::vector<std::string> instance_types;  // in preference order
  std::string zone;                         // empty: any zone
  CapacityType capacity = CapacityType::kOnDemand;
  int32_t count = 1;
  Tags tags;
  std::string client_token;  // at most 64 ASCII characters, as EC2 requires
  // What to launch like: the replaced node, or a node of the cluster (same launch template).
  LaunchModel like;
};

class CloudActions {
 public:
  virtual ~CloudActions() = default;

  // The launched instance ids (count of them), or the first launch's with a reused token.
  virtual Result<std::vector<std::string>> Launch(const LaunchSpec& spec) = 0;
  // Instances by id; unknown ids are left out (not an error).
  virtual Result<std::vector<Ec2Instance>> DescribeInstances(
      const std::vector<std::string>& ids) = 0;
  // Instances (any state but terminated) carrying tag key = value.
  virtual Result<std::vector<Ec2Instance>> FindInstancesByTag(const std::string& key,
                                                              const std::string& value) = 0;
  virtual Status TerminateInstances(const std::vector<std::string>& ids) = 0;

  virtual Result<EbsSnapshot> CreateSnapshot(const std::string& volume_id,
                                             const std::string& description, const Tags& tags) = 0;
  // Snapshots of `volume_id`; with a tag key, only those carrying tag key = value.
  virtual Result<std::vector<EbsSnapshot>> DescribeSnapshots(const std::string& volume_id,
                                                             const std::string& tag_key = "",
                                                             const std::string& tag_value = "") = 0;
  // Nullopt-like NotFound when the volume does not exist (any more).
  virtual Result<EbsVolume> DescribeVolume(const std::string& volume_id) = 0;
  virtual Status DeleteVolume(const std::string& volume_id) = 0;
};

}  // namespace cloudoptim
