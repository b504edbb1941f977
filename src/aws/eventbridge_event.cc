#include "aws/eventbridge_event.h"

#include <nlohmann/json.hpp>

#include <ctime>
#include <iomanip>
#include <sstream>

#include "aws/json_member.h"

namespace cloudoptim::aws {
namespace {

using nlohmann::json;

constexpr std::string_view kSpotWarning = "EC2 Spot Instance Interruption Warning";
constexpr std::string_view kRebalance = "EC2 Instance Rebalance Recommendation";
constexpr std::string_view kStateChange = "EC2 Instance State-change Notification";
constexpr std::string_view kHealth = "AWS Health Event";
constexpr std::string_view kTerminateLifecycle = "EC2 Instance-terminate Lifecycle Action";
constexpr std::string_view kTerminating = "autoscaling:EC2_INSTANCE_TERMINATING";

bool IsInstanceId(std::string_view text) {
  return text.size() > 2 && text.starts_with("i-") &&
         text.find_first_of(" /:\"") == std::string_view::npos;
}

// Health events write startTime as RFC 1123 ("Sat, 05 Jun 2016 15:10:09 GMT"); accept RFC
// 3339 too.
std::optional<TimePoint> ParseEventTime(const std::string& text) {
  if (text.empty()) return std::nullopt;
  TimePoint t{};
  if (ParseRfc3339(text, &t)) return t;
  std::tm parsed{};
  std::istringstream in(text);
  in >> std::get_time(&parsed, "%a, %d %b %Y %H:%M:%S GMT");
  if (in.fail()) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&parsed));
}

Status RequireInstance(const InstanceEvent& event, std::string_view detail_type,
                       std::string_view field) {
  if (!event.instance_ids.empty()) return Ok();
  return InvalidArgument("\"" + std::string(detail_type) + "\" event " + event.event_id +
                         " has no instance id in " + std::string(field) + " or resources");
}

// The instance id of an EC2 event: detail's own field, else the resources' ARNs.
void AddInstanceIds(InstanceEvent& event, const std::string& from_detail, const json& envelope) {
  if (IsInstanceId(from_detail)) {
    event.instance_ids.push_back(from_detail);
    return;
  }
  auto resources = envelope.find("resources");
  if (resources == envelope.end() || !resources->is_array()) return;
  for (const json& resource : *resources) {
    if (!resource.is_string()) continue;
    std::string id = InstanceIdFromResource(resource.get<std::string>());
    if (!id.empty()) event.instance_ids.push_back(std::move(id));
  }
}

DecodedEvent Skip(std::string reason) { return DecodedEvent{std::nullopt, std::move(reason)}; }

// An ASG lifecycle hook can target SQS directly: no EventBridge envelope, capitalised keys.
Result<DecodedEvent> DecodeDirectLifecycle(const json& body) {
  const std::string transition = StringMember(body, "LifecycleTransition");
  if (transition != kTerminating) {
    return Skip("ASG lifecycle notification \"" + transition + "\" is not a termination");
  }
  InstanceEvent event{.kind = InstanceEventKind::kTerminateLifecycleAction,
                      .event_id = StringMember(body, "RequestId"),
                      .auto_scaling_group = StringMember(body, "AutoScalingGroupName"),
                      .lifecycle_hook_name = StringMember(body, "LifecycleHookName"),
                      .lifecycle_action_token = StringMember(body, "LifecycleActionToken")};
  if (auto time = ParseEventTime(StringMember(body, "Time"))) event.time = *time;
  const std::string id = StringMember(body, "EC2InstanceId");
  if (IsInstanceId(id)) event.instance_ids.push_back(id);
  CO_RETURN_IF_ERROR(RequireInstance(event, "ASG lifecycle notification", "EC2InstanceId"));
  return DecodedEvent{std::move(event), {}};
}

Result<DecodedEvent> DecodeHealth(InstanceEvent event, const json& detail, const json& body) {
  const std::string service = StringMember(detail, "service");
  const std::string category = StringMember(detail, "eventTypeCategory");
  if (service != "EC2" || category != "scheduledChange") {
    return Skip("AWS Health event for service \"" + service + "\" category \"" + category +
                "\" is not an EC2 scheduled change");
  }
  event.event_type_code = StringMember(detail, "eventTypeCode");
  event.start_time = ParseEventTime(StringMember(detail, "startTime"));
  if (auto entities = detail.find("affectedEntities");
      entities != detail.end() && entities->is_array()) {
    for (const json& entity : *entities) {
      const std::string value = StringMember(entity, "entityValue");
      if (IsInstanceId(value)) event.instance_ids.push_back(value);
    }
  }
  if (event.instance_ids.empty()) AddInstanceIds(event, "", body);
  CO_RETURN_IF_ERROR(RequireInstance(event, kHealth, "detail.affectedEntities"));
  return DecodedEvent{std::move(event), {}};
}

}  // namespace

std::string_view InstanceEventKindName(InstanceEventKind kind) {
  switch (kind) {
    case InstanceEventKind::kSpotInterruptionWarning:
      return "spot-interruption-warning";
    case InstanceEventKind::kRebalanceRecommendation:
      return "rebalance-recommendation";
    case InstanceEventKind::kStateChange:
      return "state-change";
    case InstanceEventKind::kScheduledChange:
      return "scheduled-change";
    case InstanceEventKind::kTerminateLifecycleAction:
      return "terminate-lifecycle-action";
  }
  return "unknown";
}

std::string InstanceIdFromResource(std::string_view resource) {
  const size_t slash = resource.rfind("instance/");
  std::string_view candidate =
      slash == std::string_view::npos ? resource : resource.substr(slash + 9);
  return IsInstanceId(candidate) ? std::string(candidate) : std::string();
}

Result<DecodedEvent> DecodeEventBridgeEvent(std::string_view text) {
  json body = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return InvalidArgument("SQS message body is not valid JSON");
  if (!body.is_object()) return InvalidArgument("SQS message body is JSON but not an object");
  auto type_field = body.find("detail-type");
  if (type_field == body.end()) {
    if (body.contains("LifecycleTransition")) return DecodeDirectLifecycle(body);
    return InvalidArgument("SQS message body has no \"detail-type\": not an EventBridge event");
  }
  if (!type_field->is_string()) return InvalidArgument("\"detail-type\" is not a string");
  const std::string detail_type = type_field->get<std::string>();
  if (detail_type != kSpotWarning && detail_type != kRebalance && detail_type != kStateChange &&
      detail_type != kHealth && detail_type != kTerminateLifecycle) {
    return Skip("detail-type \"" + detail_type + "\" is not one CloudOptim acts on");
  }
  auto detail_field = body.find("detail");
  if (detail_field == body.end() || !detail_field->is_object()) {
    return InvalidArgument("\"" + detail_type + "\" event has no \"detail\" object");
  }
  const json& detail = *detail_field;
  InstanceEvent event{.event_id = StringMember(body, "id"),
                      .region = StringMember(body, "region"),
                      .account = StringMember(body, "account")};
  const std::string time = StringMember(body, "time");
  if (!time.empty() && !ParseRfc3339(time, &event.time)) {
    return InvalidArgument("\"" + detail_type + "\" event " + event.event_id + " has time \"" +
                           time + "\" that is not RFC 3339");
  }
  if (detail_type == kHealth) {
    event.kind = InstanceEventKind::kScheduledChange;
    return DecodeHealth(std::move(event), detail, body);
  }
  if (detail_type == kTerminateLifecycle) {
    const std::string transition = StringMember(detail, "LifecycleTransition");
    if (transition != kTerminating) {
      return Skip("lifecycle transition \"" + transition + "\" is not a termination");
    }
    event.kind = InstanceEventKind::kTerminateLifecycleAction;
    event.auto_scaling_group = StringMember(detail, "AutoScalingGroupName");
    event.lifecycle_hook_name = StringMember(detail, "LifecycleHookName");
    event.lifecycle_action_token = StringMember(detail, "LifecycleActionToken");
    AddInstanceIds(event, StringMember(detail, "EC2InstanceId"), json::object());
    CO_RETURN_IF_ERROR(RequireInstance(event, detail_type, "detail.EC2InstanceId"));
    return DecodedEvent{std::move(event), {}};
  }
  event.kind = detail_type == kSpotWarning ? InstanceEventKind::kSpotInterruptionWarning
               : detail_type == kRebalance ? InstanceEventKind::kRebalanceRecommendation
                                           : InstanceEventKind::kStateChange;
  event.instance_action = StringMember(detail, "instance-action");
  event.state = StringMember(detail, "state");
  AddInstanceIds(event, StringMember(detail, "instance-id"), body);
  CO_RETURN_IF_ERROR(RequireInstance(event, detail_type, "detail.instance-id"));
  if (event.kind == InstanceEventKind::kStateChange && event.state.empty()) {
    return InvalidArgument("\"" + detail_type + "\" event " + event.event_id +
                           " has no detail.state");
  }
  return DecodedEvent{std::move(event), {}};
}

}  // namespace cloudoptim::aws
