#include "cloudsim/ec2_query_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "cloudsim/cloudsim_test_util.h"

namespace cloudoptim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

using cloudsim_test::kStart;

class Ec2QueryHandlerTest : public ::testing::Test {
 protected:
  Ec2QueryHandlerTest()
      : catalog_(*Catalog::Load(std::string(CO_SOURCE_DIR) + "/src/cloudsim/testdata")),
        clock_(kStart),
        cloud_({.region = "us-east-1", .catalog = &catalog_, .seed = 5}),
        ec2_(cloud_, clock_) {
    // The fleets below launch from it: EC2 refuses a template it does not have.
    EXPECT_TRUE(cloud_.CreateLaunchTemplate("nodes", {}, {}, kStart).has_value());
  }

  // Sends a form body; returns the parsed document (the root element is its first child).
  WireResponse Send(const std::string& body) {
    auto params = FormParams::Decode(body);
    EXPECT_TRUE(params.has_value());
    return ec2_.Handle(*params, "req-7");
  }
  pugi::xml_node Parse(const WireResponse& response) {
    EXPECT_TRUE(doc_.load_string(response.body.c_str())) << response.body;
    return doc_.first_child();
  }
  std::string ErrorCode(const WireResponse& response) {
    return Parse(response).child("Errors").child("Error").child_value("Code");
  }
  std::vector<std::string> Ids(pugi::xml_node root) {
    std::vector<std::string> ids;
    for (pugi::xml_node reservation : root.child("reservationSet").children("item")) {
      for (pugi::xml_node instance : reservation.child("instancesSet").children("item")) {
        ids.push_back(instance.child_value("instanceId"));
      }
    }
    return ids;
  }
  std::vector<Ec2Instance> Launch(std::string type, int count, CapacityType capacity,
                                  std::string zone = "us-east-1a") {
    return *cloud_.RunInstances(
        {.instance_type = type, .zone = zone, .capacity = capacity, .count = count}, kStart);
  }

  Catalog catalog_;
  FakeClock clock_;
  SimulatedCloud cloud_;
  Ec2QueryHandler ec2_;
  pugi::xml_document doc_;
};

TEST_F(Ec2QueryHandlerTest, DescribeInstancesGroupsInstancesByReservationAsEc2Does) {
  auto first = Launch("m5.large", 2, CapacityType::kSpot);
  auto second = Launch("c5.large", 1, CapacityType::kOnDemand, "us-east-1b");
  WireResponse response = Send("Action=DescribeInstances&Version=2016-11-15");
  ASSERT_EQ(response.status, 200) << response.body;
  pugi::xml_node root = Parse(response);
  EXPECT_STREQ(root.name(), "DescribeInstancesResponse");
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://ec2.amazonaws.com/doc/2016-11-15/");
  EXPECT_STREQ(root.child_value("requestId"), "req-7");
  auto reservations = root.child("reservationSet").children("item");
  ASSERT_EQ(std::distance(reservations.begin(), reservations.end()), 2);
  pugi::xml_node spot =
      root.child("reservationSet").child("item").child("instancesSet").child("item");
  EXPECT_EQ(spot.child_value("instanceId"), first[0].instance_id);
  EXPECT_STREQ(spot.child("instanceState").child_value("name"), "pending");
  EXPECT_STREQ(spot.child("instanceState").child_value("code"), "0");
  EXPECT_STREQ(spot.child_value("instanceLifecycle"), "spot");
  EXPECT_STREQ(spot.child("placement").child_value("availabilityZone"), "us-east-1a");
  EXPECT_THAT(Ids(root),
              ElementsAre(first[0].instance_id, first[1].instance_id, second[0].instance_id));
}

TEST_F(Ec2QueryHandlerTest, DescribeInstancesFiltersAndPages) {
  auto spot = Launch("m5.large", 4, CapacityType::kSpot);
  Launch("c5.large", 3, CapacityType::kOnDemand);
  pugi::xml_node lifecycle = Parse(
      Send("Action=DescribeInstances&Filter.1.Name=instance-lifecycle&Filter.1.Value.1=spot"));
  EXPECT_THAT(Ids(lifecycle), SizeIs(4));
  pugi::xml_node page = Parse(Send("Action=DescribeInstances&MaxResults=5"));
  EXPECT_THAT(Ids(page), SizeIs(5));
  const std::string token = page.child_value("nextToken");
  ASSERT_FALSE(token.empty());
  pugi::xml_node rest = Parse(Send("Action=DescribeInstances&MaxResults=5&NextToken=" + token));
  EXPECT_THAT(Ids(rest), SizeIs(2));
  EXPECT_TRUE(rest.child("nextToken").empty());
  EXPECT_EQ(ErrorCode(Send("Action=DescribeInstances&Filter.1.Name=flavour&Filter.1.Value.1=x")),
            "InvalidParameterValue");
}

TEST_F(Ec2QueryHandlerTest, UnknownAndMalformedIdsGetEc2sCodes) {
  WireResponse unknown = Send("Action=DescribeInstances&InstanceId.1=i-0123456789abcdef0");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(ErrorCode(unknown), "InvalidInstanceID.NotFound");
  EXPECT_STREQ(Parse(unknown).child_value("RequestID"), "req-7");
  EXPECT_EQ(ErrorCode(Send("Action=TerminateInstances&InstanceId.1=vol-1")),
            "InvalidInstanceID.Malformed");
  EXPECT_EQ(ErrorCode(Send("Action=DeleteVolume&VolumeId=vol-0123")), "InvalidVolume.NotFound");
  EXPECT_EQ(ErrorCode(Send("Action=DescribeSnapshots&SnapshotId.1=snap-1")),
            "InvalidSnapshot.NotFound");
  EXPECT_EQ(ErrorCode(Send("Action=DescribeInstanceTypes&InstanceType.1=m5.huge")),
            "InvalidInstanceType");
}

TEST_F(Ec2QueryHandlerTest, MalformedRequestsGetErrorsNotCrashes) {
  EXPECT_EQ(ErrorCode(Send("Version=2016-11-15")), "MissingAction");
  EXPECT_EQ(ErrorCode(Send("Action=LaunchRockets")), "InvalidAction");
  EXPECT_EQ(ErrorCode(Send("Action=RunInstances&InstanceType=m5.large")), "MissingParameter");
  EXPECT_EQ(ErrorCode(Send("Action=RunInstances&MinCount=x&MaxCount=1&InstanceType=m5.large")),
            "InvalidParameterValue");
  EXPECT_EQ(ErrorCode(Send("Action=DescribeInstances&MaxResults=1")), "InvalidParameterValue");
  EXPECT_EQ(ErrorCode(Send("Action=CreateVolume&AvailabilityZone=us-east-1a")), "MissingParameter");
  WireResponse dry_run = Send("Action=TerminateInstances&InstanceId.1=i-1&DryRun=true");
  EXPECT_EQ(dry_run.status, 412);
  EXPECT_EQ(ErrorCode(dry_run), "DryRunOperation");
}

TEST_F(Ec2QueryHandlerTest, RunInstancesHonoursMarketZoneTagsAndClientToken) {
  const std::string body =
      "Action=RunInstances&InstanceType=m5.large&MinCount=2&MaxCount=2&"
      "Placement.AvailabilityZone=us-east-1b&InstanceMarketOptions.MarketType=spot&"
      "TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=team&"
      "TagSpecification.1.Tag.1.Value=web&ClientToken=abc";
  pugi::xml_node first = Parse(Send(body));
  auto items = first.child("instancesSet").children("item");
  ASSERT_EQ(std::distance(items.begin(), items.end()), 2);
  const std::string id = first.child("instancesSet").child("item").child_value("instanceId");
  Parse(Send(body));
  EXPECT_EQ(doc_.first_child().child("instancesSet").child("item").child_value("instanceId"), id);
  ASSERT_THAT(cloud_.Instances(), SizeIs(2));
  const Ec2Instance instance = cloud_.Instances().front();
  EXPECT_EQ(instance.capacity, CapacityType::kSpot);
  EXPECT_EQ(instance.availability_zone, "us-east-1b");
  EXPECT_EQ(instance.tags.at("team"), "web");
}

TEST_F(Ec2QueryHandlerTest, TerminateInstancesReportsPreviousAndCurrentState) {
  auto launched = Launch("m5.large", 1, CapacityType::kOnDemand);
  pugi::xml_node root =
      Parse(Send("Action=TerminateInstances&InstanceId.1=" + launched[0].instance_id));
  pugi::xml_node item = root.child("instancesSet").child("item");
  EXPECT_STREQ(item.child("currentState").child_value("name"), "shutting-down");
  EXPECT_STREQ(item.child("currentState").child_value("code"), "32");
  EXPECT_STREQ(item.child("previousState").child_value("name"), "pending");
}

TEST_F(Ec2QueryHandlerTest, TagsAreCreatedAndDeleted) {
  auto launched = Launch("m5.large", 1, CapacityType::kOnDemand);
  const std::string id = launched[0].instance_id;
  pugi::xml_node created =
      Parse(Send("Action=CreateTags&ResourceId.1=" + id + "&Tag.1.Key=owner&Tag.1.Value=ops"));
  EXPECT_STREQ(created.child_value("return"), "true");
  EXPECT_EQ(cloud_.FindInstance(id)->tags.at("owner"), "ops");
  Parse(Send("Action=DeleteTags&ResourceId.1=" + id + "&Tag.1.Key=owner"));
  EXPECT_TRUE(cloud_.FindInstance(id)->tags.empty());
  ASSERT_TRUE(cloud_.CreateTags({id}, {{"a", "1"}, {"b", "2"}}).has_value());
  Parse(Send("Action=DeleteTags&ResourceId.1=" + id));
  EXPECT_TRUE(cloud_.FindInstance(id)->tags.empty()) << "no keys deletes every tag";
}

TEST_F(Ec2QueryHandlerTest, LowestPriceFleetTakesTheCheapestPool) {
  // Spot estimates: m5.large $0.0326 (Spot Advisor bucket 15-20%), c5.large $0.0349 (<5%).
  const std::string overrides =
      "Action=CreateFleet&Type=instant&"
      "LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName=nodes&"
      "LaunchTemplateConfigs.1.Overrides.1.InstanceType=c5.large&"
      "LaunchTemplateConfigs.1.Overrides.1.AvailabilityZone=us-east-1a&"
      "LaunchTemplateConfigs.1.Overrides.2.InstanceType=m5.large&"
      "LaunchTemplateConfigs.1.Overrides.2.AvailabilityZone=us-east-1a&"
      "TargetCapacitySpecification.TotalTargetCapacity=3&"
      "TargetCapacitySpecification.DefaultTargetCapacityType=spot";
  pugi::xml_node lowest = Parse(Send(overrides + "&SpotOptions.AllocationStrategy=lowest-price"));
  pugi::xml_node launched = lowest.child("fleetInstanceSet").child("item");
  EXPECT_STREQ(launched.child_value("instanceType"), "m5.large");
  EXPECT_STREQ(launched.child_value("lifecycle"), "spot");
  auto ids = launched.child("instanceIds").children("item");
  EXPECT_EQ(std::distance(ids.begin(), ids.end()), 3);
  EXPECT_THAT(std::string(lowest.child_value("fleetId")), HasSubstr("fleet-"));

  pugi::xml_node capacity =
      Parse(Send(overrides + "&SpotOptions.AllocationStrategy=price-capacity-optimized"));
  EXPECT_STREQ(capacity.child("fleetInstanceSet").child("item").child_value("instanceType"),
               "c5.large");
}

// AWS: a repeated ClientToken with the same parameters returns the original fleet and
// launches nothing, even when prices (and so the pool order) moved in between; other
// parameters under that token are IdempotentParameterMismatch.
TEST_F(Ec2QueryHandlerTest, AFleetWithARepeatedClientTokenIsTheFirstFleet) {
  const std::string request =
      "Action=CreateFleet&Type=instant&ClientToken=co-step-1&"
      "LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName=nodes&"
      "LaunchTemplateConfigs.1.Overrides.1.InstanceType=c5.large&"
      "LaunchTemplateConfigs.1.Overrides.1.AvailabilityZone=us-east-1a&"
      "LaunchTemplateConfigs.1.Overrides.2.InstanceType=m5.large&"
      "LaunchTemplateConfigs.1.Overrides.2.AvailabilityZone=us-east-1a&"
      "TargetCapacitySpecification.TotalTargetCapacity=2&"
      "TargetCapacitySpecification.DefaultTargetCapacityType=spot&"
      "SpotOptions.AllocationStrategy=lowest-price";
  pugi::xml_node first = Parse(Send(request));
  const std::string fleet_id = first.child_value("fleetId");
  std::vector<std::string> ids;
  for (pugi::xml_node id :
       first.child("fleetInstanceSet").child("item").child("instanceIds").children("item")) {
    ids.push_back(id.child_value());
  }
  ASSERT_EQ(ids.size(), 2u);
  clock_.Advance(std::chrono::hours(6));
  pugi::xml_node again = Parse(Send(request));
  EXPECT_EQ(std::string(again.child_value("fleetId")), fleet_id);
  std::vector<std::string> again_ids;
  for (pugi::xml_node id :
       again.child("fleetInstanceSet").child("item").child("instanceIds").children("item")) {
    again_ids.push_back(id.child_value());
  }
  EXPECT_EQ(again_ids, ids);
  EXPECT_THAT(cloud_.Instances(), SizeIs(2));
  std::string changed = request;
  changed.replace(changed.find("TotalTargetCapacity=2"), 21, "TotalTargetCapacity=3");
  EXPECT_EQ(ErrorCode(Send(changed)), "IdempotentParameterMismatch");
  EXPECT_THAT(cloud_.Instances(), SizeIs(2));
}

TEST_F(Ec2QueryHandlerTest, AFleetReportsFailedPoolsAndFallsBackToTheNext) {
  cloud_.SetInsufficientCapacity("t3.medium", "us-east-1a", true);
  // Prioritized on-demand: t3.medium has no capacity, r5.large is not offered in us-east-1c
  // (test catalogue), so the fleet ends up on m5.large.
  pugi::xml_node root =
      Parse(Send("Action=CreateFleet&Type=instant&"
                 "LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName=nodes&"
                 "LaunchTemplateConfigs.1.Overrides.1.InstanceType=t3.medium&"
                 "LaunchTemplateConfigs.1.Overrides.1.AvailabilityZone=us-east-1a&"
                 "LaunchTemplateConfigs.1.Overrides.1.Priority=1&"
                 "LaunchTemplateConfigs.1.Overrides.2.InstanceType=r5.large&"
                 "LaunchTemplateConfigs.1.Overrides.2.AvailabilityZone=us-east-1c&"
                 "LaunchTemplateConfigs.1.Overrides.2.Priority=2&"
                 "LaunchTemplateConfigs.1.Overrides.3.InstanceType=m5.large&"
                 "LaunchTemplateConfigs.1.Overrides.3.AvailabilityZone=us-east-1b&"
                 "LaunchTemplateConfigs.1.Overrides.3.Priority=3&"
                 "TargetCapacitySpecification.TotalTargetCapacity=1&"
                 "OnDemandOptions.AllocationStrategy=prioritized"));
  std::vector<std::string> codes;
  for (pugi::xml_node error : root.child("errorSet").children("item")) {
    codes.push_back(error.child_value("errorCode"));
    EXPECT_STREQ(error.child_value("lifecycle"), "on-demand");
  }
  EXPECT_THAT(codes, ElementsAre("InsufficientInstanceCapacity", "Unsupported"));
  pugi::xml_node launched = root.child("fleetInstanceSet").child("item");
  EXPECT_STREQ(launched.child_value("instanceType"), "m5.large");
  EXPECT_STREQ(launched.child_value("lifecycle"), "on-demand");
  EXPECT_EQ(ErrorCode(Send("Action=CreateFleet&Type=maintain")), "InvalidParameterValue");
}

TEST_F(Ec2QueryHandlerTest, VolumesAreFilteredAndAttachedOnesCannotBeDeleted) {
  auto instance = Launch("m5.large", 1, CapacityType::kOnDemand);
  auto free_volume = cloud_.CreateVolume("us-east-1a", 10, "gp3", {}, kStart);
  pugi::xml_node created =
      Parse(Send("Action=CreateVolume&AvailabilityZone=us-east-1a&Size=30&VolumeType=gp3"));
  const std::string busy = created.child_value("volumeId");
  Parse(Send("Action=AttachVolume&VolumeId=" + busy + "&InstanceId=" + instance[0].instance_id +
             "&Device=/dev/sdf"));
  pugi::xml_node available =
      Parse(Send("Action=DescribeVolumes&Filter.1.Name=status&Filter.1.Value.1=available"));
  auto items = available.child("volumeSet").children("item");
  ASSERT_EQ(std::distance(items.begin(), items.end()), 1);
  EXPECT_EQ(available.child("volumeSet").child("item").child_value("volumeId"),
            free_volume->volume_id);
  EXPECT_EQ(ErrorCode(Send("Action=DeleteVolume&VolumeId=" + busy)), "VolumeInUse");
  pugi::xml_node snapshot = Parse(Send("Action=CreateSnapshot&VolumeId=" + busy));
  EXPECT_STREQ(snapshot.child_value("status"), "pending");
  EXPECT_STREQ(snapshot.child_value("volumeSize"), "30");
}

TEST_F(Ec2QueryHandlerTest, SpotPriceHistoryIsNewestFirstAndPaged) {
  clock_.Advance(std::chrono::hours(5));
  const std::string base =
      "Action=DescribeSpotPriceHistory&InstanceType.1=m5.large&StartTime=2026-11-26T00:00:00Z&"
      "ProductDescription.1=Linux%2FUNIX";
  pugi::xml_node all = Parse(Send(base));
  std::vector<std::string> timestamps;
  std::vector<std::string> prices;
  for (pugi::xml_node item : all.child("spotPriceHistorySet").children("item")) {
    timestamps.push_back(item.child_value("timestamp"));
    prices.push_back(item.child_value("spotPrice"));
  }
  ASSERT_THAT(timestamps, SizeIs(18));  // 3 zones x 6 hourly steps (00:00 .. 05:00)
  EXPECT_EQ(timestamps.front(), "2026-11-26T05:00:00Z");
  EXPECT_EQ(timestamps.back(), "2026-11-26T00:00:00Z");
  pugi::xml_node page = Parse(Send(base + "&MaxResults=5"));
  const std::string token = page.child_value("nextToken");
  EXPECT_EQ(token, "p5");
  pugi::xml_node next = Parse(Send(base + "&MaxResults=5&NextToken=" + token));
  EXPECT_EQ(next.child("spotPriceHistorySet").child("item").child_value("spotPrice"), prices[5]);
  pugi::xml_node windows =
      Parse(Send("Action=DescribeSpotPriceHistory&InstanceType.1=m5.large&"
                 "ProductDescription.1=Windows"));
  EXPECT_TRUE(windows.child("spotPriceHistorySet").first_child().empty());
}

TEST_F(Ec2QueryHandlerTest, TheAccountShapeIsDescribed) {
  pugi::xml_node zones = Parse(Send("Action=DescribeAvailabilityZones"));
  pugi::xml_node zone = zones.child("availabilityZoneInfo").child("item");
  EXPECT_STREQ(zone.child_value("zoneName"), "us-east-1a");
  EXPECT_STREQ(zone.child_value("zoneId"), "use1-az1");
  pugi::xml_node subnets = Parse(Send("Action=DescribeSubnets"));
  auto items = subnets.child("subnetSet").children("item");
  EXPECT_EQ(std::distance(items.begin(), items.end()), 3);
  pugi::xml_node offerings =
      Parse(Send("Action=DescribeInstanceTypeOfferings&LocationType=availability-zone&"
                 "Filter.1.Name=instance-type&Filter.1.Value.1=r5.large"));
  std::vector<std::string> locations;
  for (pugi::xml_node item : offerings.child("instanceTypeOfferingSet").children("item")) {
    locations.push_back(item.child_value("location"));
  }
  EXPECT_THAT(locations, ElementsAre("us-east-1a", "us-east-1b"));
  pugi::xml_node types = Parse(Send("Action=DescribeInstanceTypes&InstanceType.1=t3.medium"));
  pugi::xml_node type = types.child("instanceTypeSet").child("item");
  EXPECT_STREQ(type.child("vCpuInfo").child_value("defaultVCpus"), "2");
  EXPECT_STREQ(type.child_value("burstablePerformanceSupported"), "true");
}

TEST_F(Ec2QueryHandlerTest, InstancesLaunchedFromATemplateCarryItsTagsAndEc2sRecordOfIt) {
  WireResponse created = Send(
      "Action=CreateLaunchTemplate&LaunchTemplateName=eks-general&"
      "LaunchTemplateData.ImageId=ami-1&"
      "LaunchTemplateData.TagSpecification.1.ResourceType=instance&"
      "LaunchTemplateData.TagSpecification.1.Tag.1.Key=eks%3Anodegroup-name&"
      "LaunchTemplateData.TagSpecification.1.Tag.1.Value=general");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Parse(created).child("launchTemplate").child_value("launchTemplateId");
  EXPECT_TRUE(id.starts_with("lt-")) << created.body;
  EXPECT_EQ(ErrorCode(Send("Action=CreateLaunchTemplate&LaunchTemplateName=eks-general")),
            "InvalidLaunchTemplateName.AlreadyExistsException");

  WireResponse described = Send("Action=DescribeLaunchTemplates&LaunchTemplateId.1=" + id);
  ASSERT_EQ(described.status, 200) << described.body;
  pugi::xml_node item = Parse(described).child("launchTemplates").child("item");
  EXPECT_STREQ(item.child_value("launchTemplateName"), "eks-general");
  EXPECT_STREQ(item.child_value("defaultVersionNumber"), "1");
  EXPECT_EQ(ErrorCode(Send("Action=DescribeLaunchTemplates&LaunchTemplateId.1=lt-0nope")),
            "InvalidLaunchTemplateId.NotFound");

  WireResponse fleet = Send(
      "Action=CreateFleet&Type=instant&TargetCapacitySpecification.TotalTargetCapacity=1&"
      "TargetCapacitySpecification.DefaultTargetCapacityType=on-demand&"
      "LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId=" +
      id +
      "&LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version=1&"
      "LaunchTemplateConfigs.1.Overrides.1.InstanceType=m5.large&"
      "LaunchTemplateConfigs.1.Overrides.1.AvailabilityZone=us-east-1b");
  ASSERT_EQ(fleet.status, 200) << fleet.body;
  std::vector<Ec2Instance> instances = cloud_.Instances();
  ASSERT_THAT(instances, SizeIs(1));
  EXPECT_EQ(instances[0].tags.at("aws:ec2launchtemplate:id"), id);
  EXPECT_EQ(instances[0].tags.at("aws:ec2launchtemplate:version"), "1");
  EXPECT_EQ(instances[0].tags.at("eks:nodegroup-name"), "general");

  EXPECT_EQ(ErrorCode(Send("Action=RunInstances&MinCount=1&MaxCount=1&InstanceType=m5.large&"
                           "LaunchTemplate.LaunchTemplateName=eks-general&"
                           "LaunchTemplate.Version=9")),
            "InvalidLaunchTemplateId.VersionNotFound");
}

TEST_F(Ec2QueryHandlerTest, ALaunchFromATemplateEc2DoesNotHaveIsRefusedAndLaunchesNothing) {
  EXPECT_EQ(ErrorCode(Send("Action=RunInstances&MinCount=1&MaxCount=1&InstanceType=m5.large&"
                           "LaunchTemplate.LaunchTemplateId=lt-0123456789abcdef0")),
            "InvalidLaunchTemplateId.NotFound");
  EXPECT_EQ(ErrorCode(Send("Action=RunInstances&MinCount=1&MaxCount=1&InstanceType=m5.large&"
                           "LaunchTemplate.LaunchTemplateName=no-such-template")),
            "InvalidLaunchTemplateName.NotFoundException");
  // CreateFleet resolves its templates before it launches: an unknown one fails the whole
  // request (400, as Karpenter's "creating fleet InvalidLaunchTemplateName.NotFoundException"
  // shows), it is not a pool's failure in the errorSet.
  const std::string fleet =
      "Action=CreateFleet&Type=instant&TargetCapacitySpecification.TotalTargetCapacity=1&"
      "TargetCapacitySpecification.DefaultTargetCapacityType=on-demand&"
      "LaunchTemplateConfigs.1.Overrides.1.InstanceType=m5.large&"
      "LaunchTemplateConfigs.1.Overrides.1.AvailabilityZone=us-east-1b&"
      "LaunchTemplateConfigs.1.LaunchTemplateSpecification.";
  WireResponse by_id = Send(fleet + "LaunchTemplateId=lt-0123456789abcdef0");
  EXPECT_EQ(by_id.status, 400) << by_id.body;
  EXPECT_EQ(ErrorCode(by_id), "InvalidLaunchTemplateId.NotFound");
  EXPECT_THAT(by_id.body, HasSubstr("lt-0123456789abcdef0"));
  WireResponse by_name = Send(fleet + "LaunchTemplateName=no-such-template");
  EXPECT_EQ(by_name.status, 400) << by_name.body;
  EXPECT_EQ(ErrorCode(by_name), "InvalidLaunchTemplateName.NotFoundException");
  EXPECT_THAT(cloud_.Instances(), SizeIs(0));
}

}  // namespace
}  // namespace cloudoptim
