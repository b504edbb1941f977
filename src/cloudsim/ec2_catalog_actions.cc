// EC2's views of the account's shape and of the catalogue: instance types and where they are
// offered, zones, subnets, and spot price history from the simulated price model.
#include <algorithm>

#include "cloudsim/ec2_filters.h"
#include "cloudsim/ec2_query_handler.h"
#include "cloudsim/spot_price_model.h"

namespace cloudoptim {
namespace {

std::string RegionCode(std::string_view region) {
  // "us-east-1" -> "use1", "ap-southeast-2" -> "apse2", "eu-central-1" -> "euc1".
  static const std::map<std::string, std::string, std::less<>> kWords = {
      {"north", "n"},      {"south", "s"},      {"east", "e"},       {"west", "w"},
      {"central", "c"},    {"northeast", "ne"}, {"southeast", "se"}, {"northwest", "nw"},
      {"southwest", "sw"}, {"gov", "gov"}};
  std::string code;
  size_t start = 0;
  int part = 0;
  while (start <= region.size()) {
    size_t end = region.find('-', start);
    if (end == std::string_view::npos) end = region.size();
    const std::string_view word = region.substr(start, end - start);
    auto it = kWords.find(word);
    code += part == 0 || it == kWords.end() ? std::string(word) : it->second;
    ++part;
    start = end + 1;
  }
  return code;
}

std::string RegionOf(std::string_view zone) {
  std::string region(zone);
  while (!region.empty() && std::isalpha(static_cast<unsigned char>(region.back()))) {
    region.pop_back();
  }
  return region;
}

bool AnyOf(const std::vector<std::string>& wanted, std::string_view value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

// Types the account can launch: those the catalogue says some zone of the region offers
// (or every type when the catalogue has no offering data for the region).
std::vector<const InstanceType*> RegionTypes(const Catalog* catalog, std::string_view region) {
  std::vector<const InstanceType*> types;
  if (catalog == nullptr) return types;
  const bool has_offerings = !catalog->Zones(region).empty();
  for (const InstanceType& type : catalog->Types()) {
    if (!has_offerings || !catalog->ZonesOffering(region, type.name).empty()) {
      types.push_back(&type);
    }
  }
  return types;
}

void WriteInstanceType(XmlWriter& xml, const InstanceType& type) {
  xml.Open("item").Leaf("instanceType", type.name);
  xml.Bool("currentGeneration", type.current_generation).Bool("freeTierEligible", false);
  xml.Open("supportedUsageClasses").Leaf("item", "on-demand").Leaf("item", "spot").Close();
  xml.Open("supportedRootDeviceTypes").Leaf("item", "ebs").Close();
  xml.Open("supportedVirtualizationTypes").Leaf("item", "hvm").Close();
  xml.Bool("bareMetal", type.bare_metal);
  if (!type.bare_metal) xml.Leaf("hypervisor", "nitro");
  xml.Open("processorInfo").Open("supportedArchitectures");
  xml.Leaf("item", type.arch == Architecture::kArm64 ? "arm64" : "x86_64").Close().Close();
  xml.Open("vCpuInfo").Leaf("defaultVCpus", type.vcpus).Close();
  xml.Open("memoryInfo").Leaf("sizeInMiB", type.memory_mib).Close();
  xml.Bool("instanceStorageSupported", false);
  xml.Open("networkInfo");
  if (type.network_bandwidth_mbps > 0) {
    xml.Leaf("networkPerformance", std::to_string(type.network_bandwidth_mbps / 1000) + " Gigabit");
  }
  xml.Leaf("maximumNetworkInterfaces", type.max_enis);
  xml.Leaf("ipv4AddressesPerInterface", type.ipv4_per_eni);
  xml.Bool("ipv6Supported", true).Leaf("enaSupport", "required").Close();
  if (type.gpus > 0) {
    xml.Open("gpuInfo").Open("gpus").Open("item");
    xml.Leaf("name", type.gpu_name).Leaf("count", type.gpus).Close().Close().Close();
  }
  xml.Bool("burstablePerformanceSupported", type.burstable);
  xml.Bool("hibernationSupported", false);
  xml.Close();
}

std::vector<std::string> TypeField(const InstanceType& type, std::string_view name) {
  if (name == "instance-type") return {type.name};
  if (name == "current-generation") return {type.current_generation ? "true" : "false"};
  if (name == "processor-info.supported-architecture") {
    return {type.arch == Architecture::kArm64 ? "arm64" : "x86_64"};
  }
  if (name == "vcpu-info.default-vcpus") return {std::to_string(type.vcpus)};
  if (name == "memory-info.size-in-mib") return {std::to_string(type.memory_mib)};
  if (name == "burstable-performance-supported") return {type.burstable ? "true" : "false"};
  if (name == "bare-metal") return {type.bare_metal ? "true" : "false"};
  return {};
}

}  // namespace

std::string ZoneId(std::string_view zone) {
  if (zone.empty()) return "";
  return RegionCode(RegionOf(zone)) + "-az" + std::to_string(zone.back() - 'a' + 1);
}

Status Ec2QueryHandler::DescribeInstanceTypes(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(auto filters,
                      ParseEc2Filters(params, {"instance-type", "current-generation",
                                               "processor-info.supported-architecture",
                                               "vcpu-info.default-vcpus", "memory-info.size-in-mib",
                                               "burstable-performance-supported", "bare-metal"}));
  const Catalog* catalog = cloud_.options().catalog;
  const std::vector<std::string> names = params.List("InstanceType");
  std::vector<std::string> unknown;
  for (const std::string& name : names) {
    if (catalog == nullptr || catalog->FindType(name) == nullptr) unknown.push_back(name);
  }
  if (!unknown.empty()) {
    std::string list;
    for (const std::string& name : unknown) list += (list.empty() ? "" : ", ") + name;
    return InvalidArgument(
        "InvalidInstanceType: The following supplied instance types do not "
        "exist: [" +
        list + "]");
  }
  std::vector<const InstanceType*> matches;
  for (const InstanceType* type : RegionTypes(catalog, cloud_.options().region)) {
    if (!AnyOf(names, type->name)) continue;
    if (MatchesEc2Filters(filters, {},
                          [&](std::string_view name) { return TypeField(*type, name); })) {
      matches.push_back(type);
    }
  }
  CO_ASSIGN_OR_RETURN(Ec2Page page, PaginateEc2(params, matches.size(), {5, 100, 100}));
  xml.Open("instanceTypeSet");
  for (size_t i = page.begin; i < page.end; ++i) WriteInstanceType(xml, *matches[i]);
  xml.Close();
  if (!page.next_token.empty()) xml.Leaf("nextToken", page.next_token);
  return Ok();
}

Status Ec2QueryHandler::DescribeInstanceTypeOfferings(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(auto filters, ParseEc2Filters(params, {"instance-type", "location"}));
  const std::string location_type = params.GetOr("LocationType", "region");
  if (location_type != "region" && location_type != "availability-zone" &&
      location_type != "availability-zone-id") {
    return InvalidArgument("InvalidParameterValue: Invalid value '" + location_type +
                           "' for LocationType");
  }
  const Catalog* catalog = cloud_.options().catalog;
  const std::string& region = cloud_.options().region;
  const std::vector<std::string> zones = cloud_.Zones();
  std::vector<std::pair<std::string, std::string>> matches;  // type, location
  for (const InstanceType* type : RegionTypes(catalog, region)) {
    std::vector<std::string> locations;
    if (location_type == "region") {
      locations.push_back(region);
    } else {
      std::vector<std::string> offered = catalog->ZonesOffering(region, type->name);
      if (offered.empty() && catalog->Zones(region).empty()) offered = zones;
      for (const std::string& zone : offered) {
        if (std::find(zones.begin(), zones.end(), zone) == zones.end()) continue;
        locations.push_back(location_type == "availability-zone" ? zone : ZoneId(zone));
      }
    }
    for (const std::string& location : locations) {
      auto field = [&](std::string_view name) -> std::vector<std::string> {
        if (name == "instance-type") return {type->name};
        return {location};
      };
      if (MatchesEc2Filters(filters, {}, field)) matches.emplace_back(type->name, location);
    }
  }
  CO_ASSIGN_OR_RETURN(Ec2Page page, PaginateEc2(params, matches.size(), {5, 1000, 1000}));
  xml.Open("instanceTypeOfferingSet");
  for (size_t i = page.begin; i < page.end; ++i) {
    xml.Open("item").Leaf("instanceType", matches[i].first);
    xml.Leaf("locationType", location_type).Leaf("location", matches[i].second).Close();
  }
  xml.Close();
  if (!page.next_token.empty()) xml.Leaf("nextToken", page.next_token);
  return Ok();
}

Status Ec2QueryHandler::DescribeAvailabilityZones(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(auto filters,
                      ParseEc2Filters(params, {"zone-name", "zone-id", "state", "region-name",
                                               "zone-type", "opt-in-status"}));
  const std::vector<std::string> names = params.List("ZoneName");
  const std::string& region = cloud_.options().region;
  xml.Open("availabilityZoneInfo");
  for (const std::string& zone : cloud_.Zones()) {
    if (!AnyOf(names, zone)) continue;
    auto field = [&](std::string_view name) -> std::vector<std::string> {
      if (name == "zone-name") return {zone};
      if (name == "zone-id") return {ZoneId(zone)};
      if (name == "state") return {"available"};
      if (name == "region-name") return {region};
      if (name == "zone-type") return {"availability-zone"};
      return {"opt-in-not-required"};
    };
    if (!MatchesEc2Filters(filters, {}, field)) continue;
    xml.Open("item").Leaf("zoneName", zone).Leaf("zoneState", "available");
    xml.Leaf("regionName", region).Leaf("zoneId", ZoneId(zone));
    xml.Leaf("zoneType", "availability-zone").Leaf("optInStatus", "opt-in-not-required");
    xml.Leaf("groupName", region).Leaf("networkBorderGroup", region);
    xml.Open("messageSet").Close().Close();
  }
  xml.Close();
  return Ok();
}

Status Ec2QueryHandler::DescribeSubnets(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(
      auto filters,
      ParseEc2Filters(params, {"subnet-id", "availability-zone", "availability-zone-id", "vpc-id",
                               "state", "default-for-az", "cidr-block"}));
  const std::vector<std::string> ids = params.List("SubnetId");
  const auto subnets = cloud_.Subnets();
  for (const std::string& id : ids) {
    if (std::none_of(subnets.begin(), subnets.end(),
                     [&](const auto& s) { return s.subnet_id == id; })) {
      return NotFound("InvalidSubnetID.NotFound: The subnet ID '" + id + "' does not exist");
    }
  }
  const std::string vpc_id = cloud_.VpcId();
  const auto& options = cloud_.options();
  xml.Open("subnetSet");
  for (const auto& subnet : subnets) {
    if (!AnyOf(ids, subnet.subnet_id)) continue;
    auto field = [&](std::string_view name) -> std::vector<std::string> {
      if (name == "subnet-id") return {subnet.subnet_id};
      if (name == "availability-zone") return {subnet.zone};
      if (name == "availability-zone-id") return {ZoneId(subnet.zone)};
      if (name == "vpc-id") return {vpc_id};
      if (name == "state") return {"available"};
      if (name == "cidr-block") return {subnet.cidr_block};
      return {"false"};
    };
    if (!MatchesEc2Filters(filters, subnet.tags, field)) continue;
    xml.Open("item").Leaf("subnetId", subnet.subnet_id);
    xml.Leaf("subnetArn", "arn:aws:ec2:" + options.region + ":" + options.account_id + ":subnet/" +
                              subnet.subnet_id);
    xml.Leaf("state", "available").Leaf("vpcId", vpc_id).Leaf("cidrBlock", subnet.cidr_block);
    xml.Leaf("availableIpAddressCount", 4091).Leaf("availabilityZone", subnet.zone);
    xml.Leaf("availabilityZoneId", ZoneId(subnet.zone)).Bool("defaultForAz", false);
    xml.Bool("mapPublicIpOnLaunch", false).Leaf("ownerId", options.account_id);
    WriteTagSet(xml, subnet.tags);
    xml.Close();
  }
  xml.Close();
  return Ok();
}

// Spot price history, newest first as EC2 returns it. Each pool's price steps every hour
// (SpotPriceModel); the first entry of a pool is the step in effect at StartTime, as EC2
// also returns the last change before the window. Without StartTime and EndTime only the
// current price of each pool is returned. Only Linux/UNIX prices are simulated.
Status Ec2QueryHandler::DescribeSpotPriceHistory(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(auto filters,
                      ParseEc2Filters(params, {"availability-zone", "instance-type",
                                               "product-description", "spot-price", "timestamp"}));
  const TimePoint now = clock_.Now();
  TimePoint end = now;
  if (auto text = params.Get("EndTime"); text && !ParseRfc3339(*text, &end)) {
    return InvalidArgument("InvalidParameterValue: Invalid value '" + *text + "' for EndTime");
  }
  TimePoint start = end;
  if (auto text = params.Get("StartTime"); text && !ParseRfc3339(*text, &start)) {
    return InvalidArgument("InvalidParameterValue: Invalid value '" + *text + "' for StartTime");
  }
  if (end > now) end = now;
  if (start > end) start = end;
  start = std::max(start, end - std::chrono::hours(24 * 90));  // EC2 keeps 90 days
  const std::vector<std::string> products = params.List("ProductDescription");
  const bool linux_wanted =
      products.empty() || std::any_of(products.begin(), products.end(), [](const std::string& p) {
        return p == "Linux/UNIX" || p == "Linux/UNIX (Amazon VPC)";
      });
  const std::string product = products.empty() ? "Linux/UNIX" : products.front();
  const std::vector<std::string> types = params.List("InstanceType");
  const std::string wanted_zone = params.GetOr("AvailabilityZone", "");
  const Catalog* catalog = cloud_.options().catalog;
  const std::string& region = cloud_.options().region;

  // The pools asked for; entries are then generated lazily, newest step first, so that a
  // 90-day history of every pool is paged through without being built in memory.
  struct Pool {
    std::string type;
    std::string zone;
  };
  std::vector<Pool> pools;
  for (const InstanceType* type :
       linux_wanted ? RegionTypes(catalog, region) : std::vector<const InstanceType*>{}) {
    if (!AnyOf(types, type->name)) continue;
    std::vector<std::string> zones = catalog->ZonesOffering(region, type->name);
    if (zones.empty()) zones = cloud_.Zones();
    for (const std::string& zone : zones) {
      if (!wanted_zone.empty() && zone != wanted_zone) continue;
      if (cloud_.SpotPrice(type->name, zone, end)) pools.push_back({type->name, zone});
    }
  }
  const TimePoint first_step = SpotPriceModel::StepStart(start);
  const size_t steps = static_cast<size_t>((end - first_step) / SpotPriceModel::kStep) + 1;
  const size_t total = steps * pools.size();
  CO_ASSIGN_OR_RETURN(Ec2PageRequest page, ParseEc2PageRequest(params, {5, 1000, 1000}));
  xml.Open("spotPriceHistorySet");
  size_t position = page.offset;
  for (size_t written = 0; position < total && written < page.size; ++position) {
    const Pool& pool = pools[position % pools.size()];
    const TimePoint step =
        first_step + (steps - 1 - position / pools.size()) * SpotPriceModel::kStep;
    auto price = cloud_.SpotPrice(pool.type, pool.zone, step);
    if (!price) continue;
    const std::string price_text = price->ToDecimalString(6);
    auto field = [&](std::string_view name) -> std::vector<std::string> {
      if (name == "availability-zone") return {pool.zone};
      if (name == "instance-type") return {pool.type};
      if (name == "product-description") return {product};
      if (name == "spot-price") return {price_text};
      return {FormatRfc3339(step)};
    };
    if (!MatchesEc2Filters(filters, {}, field)) continue;
    xml.Open("item").Leaf("instanceType", pool.type).Leaf("productDescription", product);
    xml.Leaf("spotPrice", price_text).Leaf("timestamp", FormatRfc3339(step));
    xml.Leaf("availabilityZone", pool.zone).Leaf("availabilityZoneId", ZoneId(pool.zone));
    xml.Close();
    ++written;
  }
  xml.Close();
  // EC2 sends an empty nextToken on the last page.
  xml.Leaf("nextToken", position < total ? Ec2PageToken(position) : "");
  return Ok();
}

}  // namespace cloudoptim
