#include "cloudsim/event_bridge_events.h"

#include <nlohmann/json.hpp>

namespace cloudoptim {
namespace {

nlohmann::ordered_json Envelope(const EventEnvelope& envelope, std::string_view detail_type,
                                std::string_view instance_id) {
  nlohmann::ordered_json event;
  event["version"] = "0";
  event["id"] = envelope.id;
  event["detail-type"] = detail_type;
  event["source"] = "aws.ec2";
  event["account"] = envelope.account;
  event["time"] = FormatRfc3339(envelope.time);
  event["region"] = envelope.region;
  event["resources"] = {InstanceArn(envelope.region, envelope.account, instance_id)};
  event["detail"] = {{"instance-id", instance_id}};
  return event;
}

}  // namespace

std::string InstanceArn(std::string_view region, std::string_view account,
                        std::string_view instance_id) {
  return "arn:aws:ec2:" + std::string(region) + ":" + std::string(account) + ":instance/" +
         std::string(instance_id);
}

std::string SpotInterruptionWarningEvent(const EventEnvelope& envelope,
                                         std::string_view instance_id) {
  auto event = Envelope(envelope, "EC2 Spot Instance Interruption Warning", instance_id);
  event["detail"]["instance-action"] = "terminate";
  return event.dump();
}

std::string RebalanceRecommendationEvent(const EventEnvelope& envelope,
                                         std::string_view instance_id) {
  return Envelope(envelope, "EC2 Instance Rebalance Recommendation", instance_id).dump();
}

std::string InstanceStateChangeEvent(const EventEnvelope& envelope, std::string_view instance_id,
                                     std::string_view state) {
  auto event = Envelope(envelope, "EC2 Instance State-change Notification", instance_id);
  event["detail"]["state"] = state;
  return event.dump();
}

}  // namespace cloudoptim
