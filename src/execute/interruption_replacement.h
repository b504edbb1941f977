// Replacement capacity for an interrupted node: which pools may take it (similar shape, not
// the interrupted pool, not a pool marked unavailable, spot pools only at or above the
// cluster's safety score, else on-demand), and the seam that launches it (EC2 through
// Ec2ReplacementLauncher; tests use a fake). The client token is derived from the event, so a
// redelivered event never launches twice even if the journal could not record the launch.
//
//   UnavailablePools unavailable;
//   unavailable.Mark(tenant_id, {"m5.large", "us-east-1a", CapacityType::kSpot}, now + 30min);
//   ReplacementRequest request = PlanReplacement(cluster, node, unavailable, now, token);
//   Result<Replacement> r = cluster.launcher->Launch(request);
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "aws/ec2_client.h"
#include "common/clock.h"
#include "execute/interruption_directory.h"
#include "execute/interruption_routing.h"
#include "execute/launch_discovery.h"
#include "execute/unavailable_pools.h"
#include "model/pool.h"
#include "safety/pool_finder.h"

namespace cloudoptim {

struct ReplacementRequest {
  std::string cluster_id;
  // The node being replaced and its instance: the replacement launches like it (same launch
  // template, so same node group).
  std::string node_name;
  std::string instance_id;
  std::vector<PoolCandidate> pools;  // preference order; never empty when launched
  CapacityType capacity = CapacityType::kSpot;
  std::string client_token;
  Tags tags;
};

struct Replacement {
  std::string instance_id;
  std::string instance_type;
  std::string availability_zone;
};

// Launches one instance in the first pool of the request that has capacity.
class ReplacementLauncher {
 public:
  virtual ~ReplacementLauncher() = default;
  // ResourceExhausted when no pool had capacity; other errors as the cloud API returned them.
  // Launching twice with the same client token must not create a second instance.
  virtual Result<Replacement> Launch(const ReplacementRequest& request) = 0;
};

// EC2: CreateFleet (instant) over the pools as overrides, falling back to RunInstances pool
// by pool (Ec2Client::Launch). The launch template and the subnet of each zone are those of
// the node being replaced (launch_discovery.h), unless the cluster's settings override them;
// pools in zones without a subnet are left out. Nothing is launched when discovery fails:
// FailedPrecondition naming the node and what is missing.
class Ec2ReplacementLauncher final : public ReplacementLauncher {
 public:
  // `api` lists the cluster's nodes (subnets of zones the node's group does not run in).
  Ec2ReplacementLauncher(aws::Ec2Client& ec2, ClusterApi& api, LaunchOverrides overrides = {});
  Result<Replacement> Launch(const ReplacementRequest& request) override;

 private:
  aws::Ec2Client& ec2_;
  ClusterApi& api_;
  LaunchOverrides overrides_;
};

// The fleet for `request` from `blueprint`: one override per pool whose zone has a subnet.
// FailedPrecondition naming the zones when none has.
Result<aws::FleetRequest> ReplacementFleet(const ReplacementRequest& request,
                                           const LaunchBlueprint& blueprint);

// "co-" + 16 hex digits of a hash of event id and instance id: stable across restarts and
// replicas, within EC2's 64-character ClientToken limit (Ec2Client adds "-<type>" for
// RunInstances).
std::string ReplacementClientToken(std::string_view event_id, std::string_view instance_id);

// The pools a replacement for `node` may use, best first, at most `max_pools`: for a spot
// node the safe spot pools of similar types (PoolFinder) other than its own pool and the
// unavailable ones; when there are none (or the node is on-demand), on-demand pools of
// similar types other than its own pool. Empty when the cluster has no catalogue.
ReplacementRequest PlanReplacement(const ClusterHandle& cluster, const NodeLocation& node,
                                   const UnavailablePools& unavailable, TimePoint now,
                                   size_t max_pools = 4);

}  // namespace cloudoptim
