// The simulated AWS account behind the sandbox: EC2 instances (launched, registering,
// interrupted, terminated), EBS volumes and snapshots, spot prices that move over time, and
// the SQS queue that EventBridge would fill with interruption, rebalance and state-change
// events. It knows nothing of Kubernetes: the sandbox cluster listens to it and turns
// running instances into Nodes (see Listener). The AWS wire endpoint (aws_endpoint.h) serves
// it to the AWS CLI and to CloudOptim's own AWS client.
//
//   SimulatedCloud cloud({.region = "us-east-1", .catalog = &catalog, .seed = 7});
//   cloud.AddListener(&cluster);
//   auto launched = cloud.RunInstances({.instance_type = "m5.large", .zone = "us-east-1a",
//                                       .capacity = CapacityType::kSpot, .count = 3}, now);
//   cloud.InjectSpotInterruption(launched->front().instance_id, now);
//   cloud.Advance(now + std::chrono::minutes(2));   // the instance terminates
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "cloudsim/simulated_queue.h"
#include "common/clock.h"
#include "common/error.h"
#include "model/cloud.h"

namespace cloudoptim {

struct LaunchRequest {
  std::string instance_type;
  std::string zone;
  std::string subnet_id;  // optional; the zone's default subnet when empty
  CapacityType capacity = CapacityType::kOnDemand;
  int32_t count = 1;
  Tags tags;
  // False for instances that never join the cluster (orphans / ghost instances).
  bool joins_cluster = true;
  std::string client_token;  // idempotency: a repeated token returns the first launch
  // Optional launch template (by id, else by name) and version ("$Default", "$Latest" or a
  // number). A known template adds its instance tags and, as EC2 does, the
  // aws:ec2launchtemplate:id / :version tags. An unknown one launches as if from an empty
  // template, without those tags (the sandbox keeps scripts that name no real template
  // working).
  std::string launch_template_id;
  std::string launch_template_name;
  std::string launch_template_version;
};

// A launch template of the simulated account. Only what launches use is kept: the tags its
// TagSpecifications give instances (an EKS node group's template tags eks:nodegroup-name).
struct SimulatedLaunchTemplate {
  std::string launch_template_id;  // "lt-" + 17 hex digits
  std::string launch_template_name;
  int64_t default_version = 1;
  int64_t latest_version = 1;
  Tags instance_tags;
  Tags tags;  // the template's own
  TimePoint create_time{};
};

class SimulatedCloud {
 public:
  struct Options {
    std::string region = "us-east-1";
    std::string account_id = "123456789012";
    const Catalog* catalog = nullptr;  // prices and types; required
    uint64_t seed = 1;
    // Time from launch to the instance running and (if it joins) its Node registering.
    Duration registration_delay = std::chrono::seconds(30);
    // Spot notice: the warning comes this long before the termination.
    Duration interruption_notice = std::chrono::minutes(2);
    std::string queue_name = "cloudoptim-interruptions";
    // Zones of the account; empty = the catalogue's zones of the region (else <region>a..c).
    std::vector<std::string> zones;
    // How long an instance stays shutting-down before it is terminated.
    Duration shutdown_delay = Duration::zero();
    // How long a snapshot stays pending.
    Duration snapshot_delay = std::chrono::seconds(30);
    // Terminated instances stay describable this long, as on AWS.
    Duration terminated_retention = std::chrono::hours(1);
    // Random spot interruptions: expected interruptions per running spot instance-hour
    // (0 = only injected ones).
    double spot_interruptions_per_instance_hour = 0;
  };

  // A subnet of the account's one VPC; one per zone.
  struct Subnet {
    std::string subnet_id;
    std::string zone;
    std::string cidr_block;
    Tags tags;
  };

  // The instances of one launch (RunInstances call or fleet pool), as DescribeInstances groups
  // them.
  struct Reservation {
    std::string reservation_id;
    std::vector<Ec2Instance> instances;
  };

  // Told about instance lifecycle changes. Called with the cloud's lock released, from
  // whichever thread calls Advance (the AWS endpoint advances on its request threads). An
  // instance terminated while still pending is reported terminated without having run.
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void OnInstanceRunning(const Ec2Instance& instance, bool joins_cluster) = 0;
    virtual void OnInstanceTerminated(const Ec2Instance& instance) = 0;
  };

  explicit SimulatedCloud(Options options);
  void AddListener(Listener* listener);

  // Moves simulated time forward: pending instances start, interrupted ones terminate.
  void Advance(TimePoint now);

  // EC2. Errors use AWS's codes in the message prefix, e.g. "InvalidInstanceID.NotFound: ...",
  // and canonical codes (NotFound, FailedPrecondition, InvalidArgument).
  Result<std::vector<Ec2Instance>> RunInstances(const LaunchRequest& request, TimePoint now);
  Result<std::vector<Ec2Instance>> TerminateInstances(const std::vector<std::string>& ids,
                                                      TimePoint now);
  // Instances in launch order (terminated ones until their retention ends).
  std::vector<Ec2Instance> Instances() const;
  std::vector<Reservation> Reservations() const;
  Result<Ec2Instance> FindInstance(std::string_view instance_id) const;
  Status CreateTags(const std::vector<std::string>& resource_ids, const Tags& tags);
  // Empty `keys` deletes every tag of the resources, as EC2's DeleteTags without Tag does.
  Status DeleteTags(const std::vector<std::string>& resource_ids,
                    const std::vector<std::string>& keys);

  // Launch templates. CreateLaunchTemplate: AlreadyExists
  // "InvalidLaunchTemplateName.AlreadyExistsException: ..." for a name in use.
  Result<SimulatedLaunchTemplate> CreateLaunchTemplate(std::string_view name,
                                                       const Tags& instance_tags, const Tags& tags,
                                                       TimePoint now);
  // The template named `name`, created with `instance_tags` when there is none yet.
  Result<SimulatedLaunchTemplate> EnsureLaunchTemplate(std::string_view name,
                                                       const Tags& instance_tags, TimePoint now);
  std::vector<SimulatedLaunchTemplate> LaunchTemplates() const;  // by id

  Result<EbsVolume> CreateVolume(std::string_view zone, int64_t size_gib,
                                 std::string_view volume_type, const Tags& tags, TimePoint now);
  Status AttachVolume(std::string_view volume_id, std::string_view instance_id);
  // FailedPrecondition "VolumeInUse: ..." while attached.
  Status DeleteVolume(std::string_view volume_id);
  std::vector<EbsVolume> Volumes() const;
  Result<EbsSnapshot> CreateSnapshot(std::string_view volume_id, std::string_view description,
                                     TimePoint now);
  std::vector<EbsSnapshot> Snapshots() const;

  std::vector<std::string> Zones() const;
  std::map<std::string, std::string> SubnetsByZone() const;  // zone -> subnet id
  std::vector<Subnet> Subnets() const;
  std::string VpcId() const;
  // Description given to CreateSnapshot (EbsSnapshot has no field for it).
  std::string SnapshotDescription(std::string_view snapshot_id) const;

  // Capacity shortage injection: launches of `instance_type` in `zone` fail with
  // ResourceExhausted "InsufficientInstanceCapacity: ..." while set.
  void SetInsufficientCapacity(std::string_view instance_type, std::string_view zone,
                               bool insufficient);

  // Spot price of a pool at a time: the catalogue's estimate with deterministic, per-zone
  // variation over time (a few percent, changing every hour or so).
  Result<Money> SpotPrice(std::string_view instance_type, std::string_view zone,
                          TimePoint at) const;

  // Spot interruption (spot instances only, pending or running): queues an "EC2 Spot Instance
  // Interruption Warning" event and terminates the instance `interruption_notice` later. NotFound
  // for unknown ids.
  Status InjectSpotInterruption(std::string_view instance_id, TimePoint now);
  Status InjectRebalanceRecommendation(std::string_view instance_id, TimePoint now);

  // SQS (one queue). Receive hides messages for `visibility`; Delete takes a receipt handle.
  std::string QueueUrl(std::string_view endpoint) const;
  const std::string& QueueName() const { return options_.queue_name; }
  std::vector<QueueMessage> ReceiveMessages(int32_t max_messages, Duration visibility,
                                            TimePoint now);
  Status DeleteMessage(std::string_view receipt_handle);
  Status ChangeVisibility(std::string_view receipt_handle, Duration visibility, TimePoint now);
  size_t ApproximateMessageCount(TimePoint now) const;
  // Returns the new message id.
  std::string SendEvent(std::string body, TimePoint now);
  // Blocks up to `max_wait` (wall time) until a message is sent or made visible again, for
  // long polling. Returns at once if that happened since `generation` (see QueueGeneration).
  void WaitForQueueActivity(uint64_t generation, std::chrono::milliseconds max_wait) const;
  uint64_t QueueGeneration() const;
  size_t ApproximateInFlightCount(TimePoint now) const;

  const Options& options() const { return options_; }

  // Opaque; defined in simulated_cloud_state.h for the cloud's own files.
  struct State;

 private:
  Options options_;
  // Serialises Advance so that listeners hear transitions in order. Listeners may call any
  // method of the cloud except Advance.
  std::mutex advance_mutex_;
  mutable std::mutex mutex_;
  std::vector<Listener*> listeners_;
  std::shared_ptr<State> state_;
};

}  // namespace cloudoptim
