#include "cloudsim/simulated_cloud.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "cloudsim/event_bridge_events.h"
#include "cloudsim/simulated_cloud_state.h"

namespace cloudoptim {
namespace {

std::vector<std::string> DefaultZones(const SimulatedCloud::Options& options) {
  if (!options.zones.empty()) return options.zones;
  if (options.catalog != nullptr) {
    auto zones = options.catalog->Zones(options.region);
    if (!zones.empty()) return zones;
  }
  return {options.region + "a", options.region + "b", options.region + "c"};
}

std::string PrivateDnsName(std::string_view region, std::string_view ip) {
  std::string name = "ip-" + std::string(ip);
  std::replace(name.begin(), name.end(), '.', '-');
  if (region == "us-east-1") return name + ".ec2.internal";
  return name + "." + std::string(region) + ".compute.internal";
}

}  // namespace

Error InstanceNotFound(std::string_view instance_id) {
  return Error{ErrorCode::kNotFound, "InvalidInstanceID.NotFound: The instance ID '" +
                                         std::string(instance_id) + "' does not exist"};
}

const SimulatedCloud::Subnet* SimulatedCloud::State::FindSubnet(std::string_view subnet_id) const {
  for (const Subnet& subnet : subnets) {
    if (subnet.subnet_id == subnet_id) return &subnet;
  }
  return nullptr;
}

const SimulatedCloud::Subnet* SimulatedCloud::State::SubnetInZone(std::string_view zone) const {
  for (const Subnet& subnet : subnets) {
    if (subnet.zone == zone) return &subnet;
  }
  return nullptr;
}

std::string SimulatedCloud::State::Enqueue(std::string body, TimePoint now) {
  std::string id = queue.Send(std::move(body), now);
  ++queue_generation;
  queue_activity.notify_all();
  return id;
}

SimulatedCloud::SimulatedCloud(Options options)
    : options_(std::move(options)), state_(std::make_shared<State>(options_.seed)) {
  state_->vpc_id = state_->ids.Next("vpc-");
  int32_t index = 0;
  for (const std::string& zone : DefaultZones(options_)) {
    // One /20 per zone in 10.0.0.0/16, as eksctl lays out private subnets.
    state_->subnets.push_back({.subnet_id = state_->ids.Next("subnet-"),
                               .zone = zone,
                               .cidr_block = "10.0." + std::to_string(index * 16) + ".0/20"});
    ++index;
  }
}

void SimulatedCloud::AddListener(Listener* listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(listener);
}

std::vector<std::string> SimulatedCloud::Zones() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> zones;
  for (const Subnet& subnet : state_->subnets) zones.push_back(subnet.zone);
  return zones;
}

std::map<std::string, std::string> SimulatedCloud::SubnetsByZone() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::string> by_zone;
  for (const Subnet& subnet : state_->subnets) by_zone[subnet.zone] = subnet.subnet_id;
  return by_zone;
}

std::vector<SimulatedCloud::Subnet> SimulatedCloud::Subnets() const {
  std::lock_guard lock(mutex_);
  return state_->subnets;
}

std::string SimulatedCloud::VpcId() const {
  std::lock_guard lock(mutex_);
  return state_->vpc_id;
}

void SimulatedCloud::SetInsufficientCapacity(std::string_view instance_type, std::string_view zone,
                                             bool insufficient) {
  std::lock_guard lock(mutex_);
  auto key = std::make_pair(std::string(instance_type), std::string(zone));
  if (insufficient) {
    state_->insufficient_capacity.insert(key);
  } else {
    state_->insufficient_capacity.erase(key);
  }
}

// Checks a launch the way EC2 does, in EC2's order: the type exists, the subnet or zone
// exists, the type is offered there, there is capacity. Returns the subnet to launch into.
// The tags of an instance launched by `request`: its template's instance tags, the request's
// own (which win, as TagSpecifications do), and EC2's record of the template and version.
static Result<Tags> LaunchTags(const SimulatedCloud::State& state, const LaunchRequest& request) {
  const SimulatedLaunchTemplate* launch_template =
      state.FindLaunchTemplate(request.launch_template_id, request.launch_template_name);
  // EC2 refuses a launch from a template it does not have (RunInstances fails; CreateFleet
  // reports it per pool in its errorSet), with these codes and messages.
  if (launch_template == nullptr && !request.launch_template_id.empty()) {
    return NotFound(
        "InvalidLaunchTemplateId.NotFound: The specified launch template, with "
        "template ID " +
        request.launch_template_id + ", does not exist.");
  }
  if (launch_template == nullptr && !request.launch_template_name.empty()) {
    return NotFound(
        "InvalidLaunchTemplateName.NotFoundException: The specified launch "
        "template, with template name " +
        request.launch_template_name + ", does not exist.");
  }
  if (launch_template == nullptr) return request.tags;
  int64_t version = launch_template->default_version;
  const std::string& asked = request.launch_template_version;
  if (asked == "$Latest") {
    version = launch_template->latest_version;
  } else if (!asked.empty() && asked != "$Default") {
    char* end = nullptr;
    version = std::strtoll(asked.c_str(), &end, 10);
    if (end == asked.c_str() || *end != '\0' || version < 1 ||
        version > launch_template->latest_version) {
      return InvalidArgument("InvalidLaunchTemplateId.VersionNotFound: version '" + asked +
                             "' of launch template " + launch_template->launch_template_id +
                             " does not exist");
    }
  }
  Tags tags = launch_template->instance_tags;
  for (const auto& [key, value] : request.tags) tags[key] = value;
  tags["aws:ec2launchtemplate:id"] = launch_template->launch_template_id;
  tags["aws:ec2launchtemplate:version"] = std::to_string(version);
  return tags;
}

static Result<const SimulatedCloud::Subnet*> ValidateLaunch(const SimulatedCloud::Options& options,
                                                            const SimulatedCloud::State& state,
                                                            const LaunchRequest& request) {
  if (request.count < 1 || request.count > 1000) {
    return InvalidArgument("InvalidParameterValue: count must be between 1 and 1000, got " +
                           std::to_string(request.count));
  }
  if (request.instance_type.empty()) {
    return InvalidArgument("MissingParameter: The request must contain the parameter InstanceType");
  }
  if (options.catalog != nullptr && !options.catalog->Types().empty() &&
      options.catalog->FindType(request.instance_type) == nullptr) {
    return InvalidArgument("InvalidParameterValue: Invalid value '" + request.instance_type +
                           "' for InstanceType.");
  }
  const SimulatedCloud::Subnet* subnet = nullptr;
  if (!request.subnet_id.empty()) {
    subnet = state.FindSubnet(request.subnet_id);
    if (subnet == nullptr) {
      return NotFound("InvalidSubnetID.NotFound: The subnet ID '" + request.subnet_id +
                      "' does not exist");
    }
    if (!request.zone.empty() && request.zone != subnet->zone) {
      return InvalidArgument("InvalidParameterCombination: subnet " + request.subnet_id +
                             " is in " + subnet->zone + ", not in " + request.zone);
    }
  } else if (!request.zone.empty()) {
    subnet = state.SubnetInZone(request.zone);
    if (subnet == nullptr) {
      return InvalidArgument("InvalidParameterValue: Invalid availability zone: [" + request.zone +
                             "]");
    }
  } else {
    subnet = &state.subnets.front();
  }
  if (options.catalog != nullptr) {
    auto offered = options.catalog->ZonesOffering(options.region, request.instance_type);
    if (!offered.empty() &&
        std::find(offered.begin(), offered.end(), subnet->zone) == offered.end()) {
      return InvalidArgument("Unsupported: Your requested instance type (" + request.instance_type +
                             ") is not supported in your requested Availability Zone (" +
                             subnet->zone + ").");
    }
  }
  if (state.insufficient_capacity.contains({request.instance_type, subnet->zone})) {
    return ResourceExhausted("InsufficientInstanceCapacity: We currently do not have sufficient " +
                             request.instance_type +
                             " capacity in the Availability Zone you requested (" + subnet->zone +
                             ").");
  }
  return subnet;
}

Result<std::vector<Ec2Instance>> SimulatedCloud::RunInstances(const LaunchRequest& request,
                                                              TimePoint now) {
  std::lock_guard lock(mutex_);
  State& state = *state_;
  if (!request.client_token.empty()) {
    auto it = state.launches_by_token.find(request.client_token);
    if (it != state.launches_by_token.end()) {
      const State::LaunchRecord& launch = it->second;
      if (launch.instance_type != request.instance_type || launch.count != request.count ||
          (!request.zone.empty() && launch.zone != request.zone)) {
        return InvalidArgument("IdempotentParameterMismatch: client token '" +
                               request.client_token + "' was used for a different launch");
      }
      std::vector<Ec2Instance> previous;
      for (const std::string& id : launch.instance_ids) {
        auto found = state.instances.find(id);
        if (found != state.instances.end()) previous.push_back(found->second.instance);
      }
      return previous;
    }
  }
  // The template first, as EC2 does: without it there is nothing to launch, whatever the pool.
  CO_ASSIGN_OR_RETURN(Tags tags, LaunchTags(state, request));
  CO_ASSIGN_OR_RETURN(const Subnet* subnet, ValidateLaunch(options_, state, request));
  const std::string reservation_id = state.ids.Next("r-");
  std::vector<Ec2Instance> launched;
  for (int32_t i = 0; i < request.count; ++i) {
    State::InstanceRecord record;
    Ec2Instance& instance = record.instance;
    instance.instance_id = state.ids.Next("i-");
    instance.instance_type = request.instance_type;
    instance.availability_zone = subnet->zone;
    instance.subnet_id = subnet->subnet_id;
    const int32_t host = 10 + state.next_host_by_subnet[subnet->subnet_id]++;
    const int32_t zone_index = static_cast<int32_t>(subnet - state.subnets.data());
    instance.private_ip =
        "10.0." + std::to_string(zone_index * 16 + host / 256) + "." + std::to_string(host % 256);
    instance.private_dns_name = PrivateDnsName(options_.region, instance.private_ip);
    instance.capacity = request.capacity;
    instance.state = InstanceState::kPending;
    instance.launch_time = now;
    instance.tags = tags;
    record.reservation_id = reservation_id;
    record.joins_cluster = request.joins_cluster;
    record.launch_sequence = state.next_launch_sequence++;
    record.state_since = now;
    launched.push_back(instance);
    state.instances.emplace(instance.instance_id, std::move(record));
  }
  if (!request.client_token.empty()) {
    State::LaunchRecord launch{request.instance_type, request.zone, request.count, {}};
    for (const Ec2Instance& instance : launched)
      launch.instance_ids.push_back(instance.instance_id);
    state.launches_by_token.emplace(request.client_token, std::move(launch));
  }
  return launched;
}

Result<std::vector<Ec2Instance>> SimulatedCloud::TerminateInstances(
    const std::vector<std::string>& ids, TimePoint now) {
  std::lock_guard lock(mutex_);
  for (const std::string& id : ids) {
    if (!state_->instances.contains(id)) return std::unexpected(InstanceNotFound(id));
  }
  std::vector<Ec2Instance> result;
  for (const std::string& id : ids) {
    State::InstanceRecord& record = state_->instances.find(id)->second;
    InstanceState& current = record.instance.state;
    if (current != InstanceState::kShuttingDown && current != InstanceState::kTerminated) {
      current = InstanceState::kShuttingDown;
      record.state_since = now;
      state_->Enqueue(InstanceStateChangeEvent(
                          {state_->ids.NextUuid(), options_.account_id, options_.region, now}, id,
                          "shutting-down"),
                      now);
    }
    result.push_back(record.instance);
  }
  return result;
}

std::vector<Ec2Instance> SimulatedCloud::Instances() const {
  std::vector<Ec2Instance> instances;
  for (Reservation& reservation : Reservations()) {
    for (Ec2Instance& instance : reservation.instances) instances.push_back(std::move(instance));
  }
  return instances;
}

std::vector<SimulatedCloud::Reservation> SimulatedCloud::Reservations() const {
  std::lock_guard lock(mutex_);
  std::vector<const State::InstanceRecord*> ordered;
  for (const auto& [id, record] : state_->instances) ordered.push_back(&record);
  std::sort(ordered.begin(), ordered.end(),
            [](auto* a, auto* b) { return a->launch_sequence < b->launch_sequence; });
  std::vector<Reservation> reservations;
  for (const State::InstanceRecord* record : ordered) {
    if (reservations.empty() || reservations.back().reservation_id != record->reservation_id) {
      reservations.push_back({record->reservation_id, {}});
    }
    reservations.back().instances.push_back(record->instance);
  }
  return reservations;
}

Result<Ec2Instance> SimulatedCloud::FindInstance(std::string_view instance_id) const {
  std::lock_guard lock(mutex_);
  auto it = state_->instances.find(instance_id);
  if (it == state_->instances.end()) return std::unexpected(InstanceNotFound(instance_id));
  return it->second.instance;
}

Result<Money> SimulatedCloud::SpotPrice(std::string_view instance_type, std::string_view zone,
                                        TimePoint at) const {
  if (options_.catalog == nullptr) {
    return FailedPrecondition("the simulated cloud has no catalogue for spot prices");
  }
  {
    std::lock_guard lock(mutex_);
    if (state_->SubnetInZone(zone) == nullptr) {
      return NotFound("InvalidParameterValue: unknown availability zone '" + std::string(zone) +
                      "'");
    }
  }
  CO_ASSIGN_OR_RETURN(Money estimate,
                      options_.catalog->SpotPriceEstimate(options_.region, instance_type));
  return state_->prices.Apply(estimate, instance_type, zone, at);
}

Status SimulatedCloud::InjectSpotInterruption(std::string_view instance_id, TimePoint now) {
  std::lock_guard lock(mutex_);
  auto it = state_->instances.find(instance_id);
  if (it == state_->instances.end()) return std::unexpected(InstanceNotFound(instance_id));
  State::InstanceRecord& record = it->second;
  if (record.instance.capacity != CapacityType::kSpot) {
    return InvalidArgument("instance " + std::string(instance_id) +
                           " is on-demand; only spot instances are interrupted");
  }
  if (record.instance.state != InstanceState::kPending &&
      record.instance.state != InstanceState::kRunning) {
    return FailedPrecondition("IncorrectInstanceState: instance " + std::string(instance_id) +
                              " is " + std::string(InstanceStateName(record.instance.state)));
  }
  if (record.interruption_at) return Ok();  // one warning per instance, as on AWS
  record.interruption_at = now + options_.interruption_notice;
  state_->Enqueue(
      SpotInterruptionWarningEvent(
          {state_->ids.NextUuid(), options_.account_id, options_.region, now}, instance_id),
      now);
  return Ok();
}

Status SimulatedCloud::InjectRebalanceRecommendation(std::string_view instance_id, TimePoint now) {
  std::lock_guard lock(mutex_);
  auto it = state_->instances.find(instance_id);
  if (it == state_->instances.end()) return std::unexpected(InstanceNotFound(instance_id));
  if (it->second.instance.capacity != CapacityType::kSpot) {
    return InvalidArgument("instance " + std::string(instance_id) +
                           " is on-demand; rebalance recommendations are for spot instances");
  }
  state_->Enqueue(
      RebalanceRecommendationEvent(
          {state_->ids.NextUuid(), options_.account_id, options_.region, now}, instance_id),
      now);
  return Ok();
}

}  // namespace cloudoptim
