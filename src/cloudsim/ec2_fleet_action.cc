// CreateFleet of type instant: the call Karpenter-style launchers use to get capacity from a
// list of pools in one request.
#include <algorithm>
#include <mutex>

#include "cloudsim/cloud_ids.h"
#include "cloudsim/ec2_filters.h"
#include "cloudsim/ec2_query_handler.h"

namespace cloudoptim {
namespace {

// One launch template override expanded to one pool: a type in a subnet (zone).
struct FleetPool {
  std::string launch_template_id;
  std::string launch_template_name;
  std::string version;
  std::string instance_type;
  std::string subnet_id;  // as given in the override (may be empty)
  std::string zone;
  double priority = 0;
  Money price;
  int range = 5;  // Spot Advisor interruption bucket (0 best), 5 when unknown
};

// EC2 resolves a fleet's launch templates before it launches anything: one the account does not
// have fails the whole request with RunInstances' codes (400), it is not a pool's failure in
// the errorSet. Karpenter relies on it (it invalidates its template cache on the request's
// error, and its logs read "creating fleet InvalidLaunchTemplateName.NotFoundException: ...").
Status RequireLaunchTemplate(const FleetPool& config,
                             const std::vector<SimulatedLaunchTemplate>& templates) {
  if (config.launch_template_id.empty() && config.launch_template_name.empty()) return Ok();
  const bool known = std::any_of(templates.begin(), templates.end(), [&](const auto& t) {
    return config.launch_template_id.empty() ? t.launch_template_name == config.launch_template_name
                                             : t.launch_template_id == config.launch_template_id;
  });
  if (known) return Ok();
  if (!config.launch_template_id.empty()) {
    return NotFound(
        "InvalidLaunchTemplateId.NotFound: The specified launch template, with template ID " +
        config.launch_template_id + ", does not exist.");
  }
  return NotFound(
      "InvalidLaunchTemplateName.NotFoundException: The specified launch template, with "
      "template name " +
      config.launch_template_name + ", does not exist.");
}

Result<std::vector<FleetPool>> ExpandOverrides(const FormParams& params, SimulatedCloud& cloud) {
  std::vector<FleetPool> pools;
  const auto subnets = cloud.Subnets();
  const std::vector<SimulatedLaunchTemplate> templates = cloud.LaunchTemplates();
  const std::vector<int> configs = params.Indices("LaunchTemplateConfigs");
  if (configs.empty()) {
    return InvalidArgument(
        "MissingParameter: The request must contain the parameter LaunchTemplateConfigs");
  }
  for (int config : configs) {
    const std::string prefix = "LaunchTemplateConfigs." + std::to_string(config);
    FleetPool base;
    base.launch_template_id =
        params.GetOr(prefix + ".LaunchTemplateSpecification.LaunchTemplateId", "");
    base.launch_template_name =
        params.GetOr(prefix + ".LaunchTemplateSpecification.LaunchTemplateName", "");
    base.version = params.GetOr(prefix + ".LaunchTemplateSpecification.Version", "$Default");
    CO_RETURN_IF_ERROR(RequireLaunchTemplate(base, templates));
    for (int index : params.Indices(prefix + ".Overrides")) {
      const std::string o = prefix + ".Overrides." + std::to_string(index);
      FleetPool pool = base;
      CO_ASSIGN_OR_RETURN(pool.instance_type, RequireParam(params, o + ".InstanceType"));
      pool.subnet_id = params.GetOr(o + ".SubnetId", "");
      pool.priority = std::atof(params.GetOr(o + ".Priority", "0").c_str());
      const std::string zone = params.GetOr(o + ".AvailabilityZone", "");
      // An override without subnet or zone may use any zone of the account.
      for (const auto& subnet : subnets) {
        if (!pool.subnet_id.empty() ? subnet.subnet_id == pool.subnet_id
                                    : zone.empty() || subnet.zone == zone) {
          FleetPool expanded = pool;
          expanded.zone = subnet.zone;
          pools.push_back(expanded);
        }
      }
      if (!pool.subnet_id.empty() &&
          std::none_of(subnets.begin(), subnets.end(),
                       [&](const auto& s) { return s.subnet_id == pool.subnet_id; })) {
        return NotFound("InvalidSubnetID.NotFound: The subnet ID '" + pool.subnet_id +
                        "' does not exist");
      }
    }
  }
  if (pools.empty()) {
    return InvalidArgument("InvalidParameterValue: LaunchTemplateConfigs has no usable overrides");
  }
  return pools;
}

void WriteLaunchTemplateAndOverrides(XmlWriter& xml, const FleetPool& pool) {
  xml.Open("launchTemplateAndOverrides").Open("launchTemplateSpecification");
  if (!pool.launch_template_id.empty()) xml.Leaf("launchTemplateId", pool.launch_template_id);
  if (!pool.launch_template_name.empty()) {
    xml.Leaf("launchTemplateName", pool.launch_template_name);
  }
  xml.Leaf("version", pool.version).Close();
  xml.Open("overrides").Leaf("instanceType", pool.instance_type);
  if (!pool.subnet_id.empty()) xml.Leaf("subnetId", pool.subnet_id);
  xml.Leaf("availabilityZone", pool.zone).Close().Close();
}

struct FleetOutcome {
  struct Launched {
    FleetPool pool;
    std::vector<Ec2Instance> instances;
  };
  struct Failed {
    FleetPool pool;
    CapacityType capacity;
    AwsError error;
  };
  std::vector<Launched> launched;
  std::vector<Failed> failed;
};

void WriteFleet(XmlWriter& xml, const std::string& fleet_id, const FleetOutcome& outcome) {
  xml.Leaf("fleetId", fleet_id);
  xml.Open("errorSet");
  for (const auto& failed : outcome.failed) {
    xml.Open("item");
    WriteLaunchTemplateAndOverrides(xml, failed.pool);
    xml.Leaf("lifecycle", CapacityTypeName(failed.capacity));
    xml.Leaf("errorCode", failed.error.code).Leaf("errorMessage", failed.error.message).Close();
  }
  xml.Close().Open("fleetInstanceSet");
  for (const auto& launched : outcome.launched) {
    xml.Open("item");
    WriteLaunchTemplateAndOverrides(xml, launched.pool);
    xml.Leaf("lifecycle", CapacityTypeName(launched.instances.front().capacity));
    xml.Open("instanceIds");
    for (const Ec2Instance& instance : launched.instances) xml.Leaf("item", instance.instance_id);
    xml.Close().Leaf("instanceType", launched.pool.instance_type).Close();
  }
  xml.Close();
}

// Every parameter but the token and the envelope, in key order: two requests with the same
// client token must agree on this, as EC2 requires.
std::string FleetFingerprint(const FormParams& params) {
  std::string fingerprint;
  for (const auto& [key, value] : params.values()) {
    if (key == "ClientToken" || key == "Action" || key == "Version") continue;
    fingerprint += key + "=" + value + "&";
  }
  return fingerprint;
}

}  // namespace

// Pool order decides what an instant fleet launches. lowest-price takes the cheapest pools
// first. price-capacity-optimized and capacity-optimized prefer pools with the most spare
// capacity and then the lower price; the sandbox has no capacity figures, so the Spot
// Advisor interruption bucket stands in for depth (a pool that is rarely interrupted has
// room). prioritized follows the overrides' Priority (lower first). diversified spreads the
// target over every pool. A pool that fails (not offered, no capacity) is reported in
// errorSet and the remaining capacity moves on to the next pool, as EC2 does; a launch
// template the account does not have fails the whole request (see RequireLaunchTemplate).
Status Ec2QueryHandler::CreateFleet(const FormParams& params, XmlWriter& xml) {
  const std::string type = params.GetOr("Type", "maintain");
  if (type != "instant") {
    return InvalidArgument(
        "InvalidParameterValue: the sandbox simulates only instant fleets, "
        "not Type '" +
        type + "'");
  }
  CO_ASSIGN_OR_RETURN(std::vector<FleetPool> pools, ExpandOverrides(params, cloud_));
  CO_ASSIGN_OR_RETURN(auto total, params.GetInt("TargetCapacitySpecification.TotalTargetCapacity"));
  if (!total || *total < 1 || *total > 1000) {
    return InvalidArgument(
        "InvalidParameterValue: TargetCapacitySpecification.TotalTargetCapacity must be 1..1000");
  }
  CO_ASSIGN_OR_RETURN(auto on_demand_target,
                      params.GetInt("TargetCapacitySpecification.OnDemandTargetCapacity"));
  CO_ASSIGN_OR_RETURN(auto spot_target,
                      params.GetInt("TargetCapacitySpecification.SpotTargetCapacity"));
  const std::string default_type =
      params.GetOr("TargetCapacitySpecification.DefaultTargetCapacityType", "on-demand");
  if (default_type != "spot" && default_type != "on-demand") {
    return InvalidArgument("InvalidParameterValue: Invalid value '" + default_type +
                           "' for DefaultTargetCapacityType");
  }
  int64_t spot = spot_target.value_or(0);
  int64_t on_demand = on_demand_target.value_or(0);
  if (default_type == "spot") {
    spot = std::max<int64_t>(spot, *total - on_demand);
  } else {
    on_demand = std::max<int64_t>(on_demand, *total - spot);
  }

  // ClientToken: a repeated token returns the first fleet's answer and launches nothing (spot
  // prices, and so the pool order, may have moved since); other parameters under the same
  // token are IdempotentParameterMismatch. The lock makes two racing retries one launch.
  const std::string token = params.GetOr("ClientToken", "");
  const std::string fingerprint = FleetFingerprint(params);
  std::unique_lock token_lock(fleets_mutex_, std::defer_lock);
  if (!token.empty()) {
    token_lock.lock();
    auto earlier = fleets_by_token_.find(token);
    if (earlier != fleets_by_token_.end()) {
      if (earlier->second.fingerprint != fingerprint) {
        return InvalidArgument("IdempotentParameterMismatch: client token '" + token +
                               "' was used for a different CreateFleet request");
      }
      earlier->second.write(xml);
      return Ok();
    }
  }
  const Catalog* catalog = cloud_.options().catalog;
  const std::string& region = cloud_.options().region;
  const TimePoint now = clock_.Now();
  const Tags tags = TagSpecificationTags(params, "instance");
  CloudIds fleet_ids(token.empty() ? Mix64(now.time_since_epoch().count()) : HashString(token));
  const std::string fleet_id = "fleet-" + fleet_ids.NextUuid();
  FleetOutcome outcome;

  auto launch_market = [&](CapacityType capacity, int64_t target, const std::string& strategy) {
    std::vector<FleetPool> ranked = pools;
    for (FleetPool& pool : ranked) {
      auto price = capacity == CapacityType::kSpot
                       ? cloud_.SpotPrice(pool.instance_type, pool.zone, now)
                       : (catalog ? catalog->OnDemandPrice(region, pool.instance_type)
                                  : Result<Money>(Money()));
      pool.price = price ? *price : Money::FromMicros(INT64_MAX / 2);
      auto advice = catalog ? catalog->Spot(region, pool.instance_type) : std::nullopt;
      pool.range = advice ? static_cast<int>(advice->range) : 5;
    }
    std::stable_sort(ranked.begin(), ranked.end(), [&](const FleetPool& a, const FleetPool& b) {
      if (strategy == "prioritized") return a.priority < b.priority;
      if (capacity == CapacityType::kSpot && strategy != "lowest-price" &&
          strategy != "diversified" && a.range != b.range) {
        return a.range < b.range;
      }
      return a.price < b.price;
    });
    int64_t remaining = target;
    for (size_t i = 0; i < ranked.size() && remaining > 0; ++i) {
      const FleetPool& pool = ranked[i];
      int64_t count = remaining;
      if (strategy == "diversified") {
        const int64_t pools_left = static_cast<int64_t>(ranked.size() - i);
        count = (remaining + pools_left - 1) / pools_left;
      }
      LaunchRequest request{.instance_type = pool.instance_type,
                            .zone = pool.zone,
                            .subnet_id = pool.subnet_id,
                            .capacity = capacity,
                            .count = static_cast<int32_t>(count),
                            .tags = tags,
                            .launch_template_id = pool.launch_template_id,
                            .launch_template_name = pool.launch_template_name,
                            .launch_template_version = pool.version};
      if (!token.empty()) {
        request.client_token = token + "/" + pool.instance_type + "/" + pool.zone + "/" +
                               std::string(CapacityTypeName(capacity));
      }
      auto launched = cloud_.RunInstances(request, now);
      if (!launched) {
        outcome.failed.push_back({pool, capacity, ToAwsError(launched.error())});
        continue;
      }
      remaining -= static_cast<int64_t>(launched->size());
      outcome.launched.push_back({pool, std::move(*launched)});
    }
  };
  if (spot > 0) {
    launch_market(CapacityType::kSpot, spot,
                  params.GetOr("SpotOptions.AllocationStrategy", "lowest-price"));
  }
  if (on_demand > 0) {
    launch_market(CapacityType::kOnDemand, on_demand,
                  params.GetOr("OnDemandOptions.AllocationStrategy", "lowest-price"));
  }

  WriteFleet(xml, fleet_id, outcome);
  if (!token.empty()) {
    fleets_by_token_[token] = {
        fingerprint, [fleet_id, outcome](XmlWriter& out) { WriteFleet(out, fleet_id, outcome); }};
  }
  return Ok();
}

}  // namespace cloudoptim
