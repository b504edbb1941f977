// The EventBridge events the simulated account puts on its queue, shaped exactly like the ones
// a real EventBridge rule delivers to SQS (see /work/shared/data/aws/eventbridge-events/):
// spot interruption warnings, rebalance recommendations and instance state changes.
//
//   std::string body = SpotInterruptionWarningEvent(
//       {.id = uuid, .account = "123456789012", .region = "us-east-1", .time = now},
//       "i-0abc...");
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"

namespace cloudoptim {

// The envelope fields every event carries.
struct EventEnvelope {
  std::string id;  // a UUID
  std::string account;
  std::string region;
  TimePoint time{};
};

// "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc..."
std::string InstanceArn(std::string_view region, std::string_view account,
                        std::string_view instance_id);

// detail-type "EC2 Spot Instance Interruption Warning", detail {instance-id, instance-action}.
std::string SpotInterruptionWarningEvent(const EventEnvelope& envelope,
                                         std::string_view instance_id);
// detail-type "EC2 Instance Rebalance Recommendation", detail {instance-id}.
std::string RebalanceRecommendationEvent(const EventEnvelope& envelope,
                                         std::string_view instance_id);
// detail-type "EC2 Instance State-change Notification", detail {instance-id, state}.
std::string InstanceStateChangeEvent(const EventEnvelope& envelope, std::string_view instance_id,
                                     std::string_view state);

}  // namespace cloudoptim
