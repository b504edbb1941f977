#include "aws/ec2_xml.h"

#include <pugixml.hpp>

#include <charconv>
#include <cstdlib>

namespace cloudoptim::aws {
namespace {

using pugi::xml_node;

Result<pugi::xml_document*> Load(pugi::xml_document& document, std::string_view xml,
                                 std::string_view action) {
  pugi::xml_parse_result parsed = document.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return InvalidArgument("ec2:" + std::string(action) + " response is not valid XML: " +
                           parsed.description() + " at offset " + std::to_string(parsed.offset));
  }
  return &document;
}

// The document element (…Response), whatever it is called.
xml_node Root(const pugi::xml_document& document) { return document.document_element(); }

int64_t Int(xml_node node) {
  int64_t value = 0;
  std::string_view text = node.child_value();
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

TimePoint Time(xml_node node) {
  TimePoint t{};
  ParseRfc3339(node.child_value(), &t);
  return t;
}

Tags DecodeTags(xml_node tag_set) {
  Tags tags;
  for (xml_node item : tag_set.children("item")) {
    tags[item.child_value("key")] = item.child_value("value");
  }
  return tags;
}

Ec2Instance DecodeInstance(xml_node item) {
  Ec2Instance instance;
  instance.instance_id = item.child_value("instanceId");
  instance.instance_type = item.child_value("instanceType");
  instance.availability_zone = item.child("placement").child_value("availabilityZone");
  instance.subnet_id = item.child_value("subnetId");
  instance.private_dns_name = item.child_value("privateDnsName");
  instance.private_ip = item.child_value("privateIpAddress");
  instance.capacity = std::string_view(item.child_value("instanceLifecycle")) == "spot"
                          ? CapacityType::kSpot
                          : CapacityType::kOnDemand;
  instance.state = ParseInstanceState(item.child("instanceState").child_value("name"))
                       .value_or(InstanceState::kPending);
  instance.launch_time = Time(item.child("launchTime"));
  instance.tags = DecodeTags(item.child("tagSet"));
  return instance;
}

std::string NextToken(const pugi::xml_document& document) {
  return Root(document).child_value("nextToken");
}

}  // namespace

Result<Ec2Page<Ec2Instance>> DecodeDescribeInstances(std::string_view xml) {
  pugi::xml_document document;
  CO_RETURN_IF_ERROR(Load(document, xml, "DescribeInstances"));
  Ec2Page<Ec2Instance> page;
  for (xml_node reservation : Root(document).child("reservationSet").children("item")) {
    for (xml_node item : reservation.child("instancesSet").children("item")) {
      page.items.push_back(DecodeInstance(item));
    }
  }
  page.next_token = NextToken(document);
  return page;
}

Result<std::vector<Ec2Instance>> DecodeRunInstances(std::string_view xml) {
  pugi::xml_document document;
  CO_RETURN_IF_ERROR(Load(document, xml, "RunInstances"));
  std::vector<Ec2Instance> instances;
  for (xml_node item : Root(document).child("instancesSet").children("item")) {
    instances.push_back(DecodeInstance(item));
  }
  return instances;
}

Result<Ec2Page<InstanceTypeInfo>> DecodeDescribeInstanceTypes(std::string_view xml) {
  pugi::xml_document document;
  CO_RETURN_IF_ERROR(Load(document, xml, "DescribeInstanceTypes"));
  Ec2Page<InstanceTypeInfo> page;
  for (xml_node item : Root(document).child("instanceTypeSet").children("item")) {
    InstanceTypeInfo info;
    info.instance_type = item.child_value("instanceType");
    info.vcpus = static_cast<int32_t>(Int(item.child("vCpuInfo").child("defaultVCpus")));
    info.memory_mib = Int(item.child("memoryInfo").child("sizeInMiB"));
    for (xml_node arch :
         item.child("processorInfo").child("supportedArchitectures").children("item")) {
      info.architectures.emplace_back(arch.child_value());
    }
    for (xml_node usage : item.child("supportedUsageClasses").children("item")) {
      std::string_view value = usage.child_value();
      info.spot_supported |= value == "spot";
      info.on_demand_supported |= value == "on-demand";
    }
    xml_node network = item.child("networkInfo");
    info.max_network_interfaces =
        static_cast<int32_t>(Int(network.child("maximumNetworkInterfaces")));
    info.ipv4_addresses_per_interface =
        static_cast<int32_t>(Int(network.child("ipv4AddressesPerInterface")));
    for (xml_node gpu : item.child("gpuInfo").child("gpus").children("item")) {
      info.gpus += static_cast<int32_t>(Int(gpu.child("count")));
    }
    page.items.push_back(std::move(info));
  }
  page.next_token = NextToken(document);
  return page;
}

Result<Ec2Page<InstanceTypeOffering>> DecodeDescribeInstanceTypeOfferings(std::string_view xml) {
  pugi::xml_document document;
  CO_RETURN_IF_ERROR(Load(document, xml, "DescribeInstanceTypeOfferings"));
  Ec2Page<InstanceTypeOffering> page;
  for (xml_node item : Root(document).child("instanceTypeOfferingSet").children("item")) {
    page.items.push_back({item.child_value("instanceType"), item.child_value("location")});
  }
  page.next_token = NextToken(document);
  return page;
}

Result<Ec2Page<SpotPricePoint>> DecodeDescribeSpotPriceHistory(std::string_view xml) {
  pugi::xml_document document;
  CO_RETURN_IF_ERROR(Load(document, xml, "DescribeSpotPriceHistory"));
  Ec2Page<SpotPricePoint> page;
  for (xml_node item : Root(document).child("spotPriceHistorySet").children("item")) {
    const std::string price_text = item.child_value("spotPrice");
    char* end = nullptr;
    const double usd = std::strtod(price_text.c_str(), &end);
    if (price_text.empty() || end != price_text.c_str() + price_text.size() || usd < 0) {
      return InvalidArgument("ec2:DescribeSpotPriceHistory spotPrice \"" + price_text +
                             "\" is not a price");
    }
    page.items.push_back({.instance_type = item.child_value("instanceType"),
                          .availability_zone = item.child_value("availabilityZone"),
                          .product_description = item.child_value("productDescription"),
                          .usd_per_hour = Money::FromUsd(usd),
                          .timestamp = Time(item.child("timestamp"))});
  }
  page.next_token = NextToken(document);
  return page;
}

Result<Ec2Page<EbsVolume>> DecodeDescribeVolumes(std::string_view xml) {
  pugi::xml_document document;
  CO_RETURN_IF_ERROR(Load(document, xml, "DescribeVolumes"));
  Ec2Page<EbsVolume> page;
  for (xml_node item : Root(document).child("volumeSet").children("item")) {
    EbsVolume volume;
    volume.volume_id = item.child_value("volumeId");
    volume.volume_type = item.child_value("volumeType");
    volume.size_gib = Int(item.child("size"));
    volume.availability_zone = item.child_value("availabilityZone");
    volume.state = ParseVolumeState(item.child_value("status")).value_or(VolumeState::kError);
    volume.create_time = Time(item.child("createTime"));
    for (xml_node attachment : item.child("attachmentSet").children("item")) {
      volume.attachments.push_back({attachment.child_value("instanceId"),
                                    attachment.child_value("device"),
                                    attachment.child_value("status")});
    }
    volume.tags = DecodeTags(item.child("tagSet"));
    page.items.push_back(std::move(volume));
  }
  page.next_token = NextToken(document);
  return page;
}

namespace {
EbsSnapshot DecodeSnapshot(xml_node item) {
  return EbsSnapshot{.snapshot_id = item.child_value("snapshotId"),
                     .volume_id = item.child_value("volumeId"),
                     .state = item.child_value("status"),
                     .volume_size_gib = Int(item.child("volumeSize")),
                     .start_time = Time(item.child("startTime")),
                     .tags = DecodeTags(item.child("tagSet"))};
}
}  // namespace

Result<Ec2Page<EbsSnapshot>> DecodeDescribeSnapshots(std::string_view xml) {
  pugi::xml_document document;
  CO_RETURN_IF_ERROR(Load(document, xml, "DescribeSnapshots"));
  Ec2Page<EbsSnapshot> page;
  for (xml_node item : Root(document).child("snapshotSet").children("item")) {
    page.items.push_back(DecodeSnapshot(item));
  }
  page.next_token = NextToken(document);
  return page;
}

Result<EbsSnapshot> DecodeCreateSnapshot(std::string_view xml) {
  pugi::xml_document document;
  CO_RETURN_IF_ERROR(Load(document, xml, "CreateSnapshot"));
  EbsSnapshot snapshot = DecodeSnapshot(Root(document));
  if (snapshot.snapshot_id.empty()) {
    return InvalidArgument("ec2:CreateSnapshot response has no snapshotId");
  }
  return snapshot;
}

Result<Ec2Page<Subnet>> DecodeDescribeSubnets(std::string_view xml) {
  pugi::xml_document document;
  CO_RETURN_IF_ERROR(Load(document, xml, "DescribeSubnets"));
  Ec2Page<Subnet> page;
  for (xml_node item : Root(document).child("subnetSet").children("item")) {
    page.items.push_back({.subnet_id = item.child_value("subnetId"),
                          .vpc_id = item.child_value("vpcId"),
                          .availability_zone = item.child_value("availabilityZone"),
                          .cidr_block = item.child_value("cidrBlock"),
                          .available_ip_count = Int(item.child("availableIpAddressCount")),
                          .tags = DecodeTags(item.child("tagSet"))});
  }
  page.next_token = NextToken(document);
  return page;
}

Result<std::vector<AvailabilityZone>> DecodeDescribeAvailabilityZones(std::string_view xml) {
  pugi::xml_document document;
  CO_RETURN_IF_ERROR(Load(document, xml, "DescribeAvailabilityZones"));
  std::vector<AvailabilityZone> zones;
  for (xml_node item : Root(document).child("availabilityZoneInfo").children("item")) {
    zones.push_back(
        {item.child_value("zoneName"), item.child_value("zoneId"), item.child_value("zoneState")});
  }
  return zones;
}

Result<FleetResult> DecodeCreateFleet(std::string_view xml) {
  pugi::xml_document document;
  CO_RETURN_IF_ERROR(Load(document, xml, "CreateFleet"));
  FleetResult result;
  for (xml_node item : Root(document).child("fleetInstanceSet").children("item")) {
    for (xml_node id : item.child("instanceIds").children("item")) {
      result.instance_ids.emplace_back(id.child_value());
    }
  }
  for (xml_node item : Root(document).child("errorSet").children("item")) {
    xml_node overrides = item.child("launchTemplateAndOverrides").child("overrides");
    result.errors.push_back({.code = item.child_value("errorCode"),
                             .message = item.child_value("errorMessage"),
                             .override_used = {overrides.child_value("instanceType"),
                                               overrides.child_value("subnetId")}});
  }
  return result;
}

Result<std::vector<InstanceStateChange>> DecodeTerminateInstances(std::string_view xml) {
  pugi::xml_document document;
  CO_RETURN_IF_ERROR(Load(document, xml, "TerminateInstances"));
  std::vector<InstanceStateChange> changes;
  for (xml_node item : Root(document).child("instancesSet").children("item")) {
    changes.push_back({item.child_value("instanceId"),
                       item.child("previousState").child_value("name"),
                       item.child("currentState").child_value("name")});
  }
  return changes;
}

}  // namespace cloudoptim::aws
