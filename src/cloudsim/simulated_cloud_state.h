// Internal to the simulated cloud: the state SimulatedCloud keeps behind its lock, shared by
// simulated_cloud.cc (instances, lifecycle, spot, queue) and simulated_cloud_storage.cc
// (volumes, snapshots, tags). Not part of the module's interface.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cloudsim/cloud_ids.h"
#include "cloudsim/simulated_cloud.h"
#include "cloudsim/simulated_queue.h"
#include "cloudsim/spot_price_model.h"

namespace cloudoptim {

struct SimulatedCloud::State {
  struct InstanceRecord {
    Ec2Instance instance;
    std::string reservation_id;
    bool joins_cluster = true;
    uint64_t launch_sequence = 0;
    TimePoint state_since{};                   // when the current state was entered
    std::optional<TimePoint> interruption_at;  // a spot warning was given; terminates then
  };
  struct SnapshotRecord {
    EbsSnapshot snapshot;
    std::string description;
  };
  struct LaunchRecord {  // what a client token launched
    std::string instance_type;
    std::string zone;
    int32_t count = 0;
    std::vector<std::string> instance_ids;
  };

  State(uint64_t seed) : ids(seed), queue(Mix64(seed ^ 0x51ab)), prices(Mix64(seed ^ 0x5907)) {}

  CloudIds ids;
  SimulatedQueue queue;
  SpotPriceModel prices;
  std::condition_variable queue_activity;
  uint64_t queue_generation = 0;

  std::string vpc_id;
  std::vector<Subnet> subnets;  // one per zone, in zone order
  std::map<std::string, int32_t> next_host_by_subnet;
  std::map<std::string, InstanceRecord, std::less<>> instances;
  uint64_t next_launch_sequence = 0;
  std::map<std::string, LaunchRecord, std::less<>> launches_by_token;
  std::map<std::string, SimulatedLaunchTemplate, std::less<>> launch_templates;  // by id
  std::map<std::string, EbsVolume, std::less<>> volumes;
  std::map<std::string, SnapshotRecord, std::less<>> snapshots;
  std::set<std::pair<std::string, std::string>> insufficient_capacity;  // (type, zone)
  std::optional<TimePoint> last_advance;

  const Subnet* FindSubnet(std::string_view subnet_id) const;
  const Subnet* SubnetInZone(std::string_view zone) const;
  // By id when `id` is given, else by name; null when unknown.
  const SimulatedLaunchTemplate* FindLaunchTemplate(std::string_view id,
                                                    std::string_view name) const;
  // Queues an EventBridge-shaped body and wakes long pollers.
  std::string Enqueue(std::string body, TimePoint now);
};

// "InvalidInstanceID.NotFound: The instance ID 'i-1' does not exist"
Error InstanceNotFound(std::string_view instance_id);

}  // namespace cloudoptim
