// Decoding of the events EventBridge (or an ASG lifecycle hook) puts on CloudOptim's SQS
// queue: spot interruption warnings, rebalance recommendations, instance state changes, AWS
// Health scheduled changes for EC2, and ASG terminate lifecycle actions. These drive the short
// path: SQS -> decode -> cordon and drain within the two-minute notice.
//
//   Result<DecodedEvent> decoded = DecodeEventBridgeEvent(message.body);
//   if (!decoded) log(decoded.error());                       // malformed: InvalidArgument
//   else if (decoded->event) handle(*decoded->event);         // one of the five kinds
//   else log("skipped: " + decoded->skip_reason);             // well-formed but not ours
//
// Never asserts or throws on input: every body gives a value or an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"

namespace cloudoptim::aws {

enum class InstanceEventKind {
  kSpotInterruptionWarning,   // "EC2 Spot Instance Interruption Warning": 2 minutes left
  kRebalanceRecommendation,   // "EC2 Instance Rebalance Recommendation": elevated risk
  kStateChange,               // "EC2 Instance State-change Notification"
  kScheduledChange,           // "AWS Health Event", service EC2, category scheduledChange
  kTerminateLifecycleAction,  // "EC2 Instance-terminate Lifecycle Action" (or direct ASG hook)
};
std::string_view InstanceEventKindName(InstanceEventKind kind);

struct InstanceEvent {
  InstanceEventKind kind = InstanceEventKind::kSpotInterruptionWarning;
  std::string event_id;
  std::string region;
  std::string account;
  TimePoint time{};
  // The instances concerned (health events may name several). Never empty.
  std::vector<std::string> instance_ids;
  std::string instance_action;          // spot warning: "terminate" | "stop" | "hibernate"
  std::string state;                    // state change: "pending", "running", "stopping", ...
  std::string event_type_code;          // health: "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", ...
  std::optional<TimePoint> start_time;  // health: when the change begins, if given
  std::string auto_scaling_group;       // lifecycle action
  std::string lifecycle_hook_name;
  std::string lifecycle_action_token;
};

struct DecodedEvent {
  std::optional<InstanceEvent> event;  // set when the body is one of the five kinds
  std::string skip_reason;             // otherwise why it was skipped (detail-type named)
};

// InvalidArgument, naming the field, for bodies that are not JSON objects, lack
// "detail-type"/"detail", or lack the instance id a known kind must carry.
Result<DecodedEvent> DecodeEventBridgeEvent(std::string_view body);

// "i-0123" from "arn:aws:ec2:us-east-1:123456789012:instance/i-0123",
// "arn:aws:ec2:us-east-1b:instance/i-0123" (no account, a zone) or a bare "i-0123";
// empty for anything else.
std::string InstanceIdFromResource(std::string_view resource);

}  // namespace cloudoptim::aws
