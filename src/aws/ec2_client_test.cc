#include "aws/ec2_client.h"

#include <gtest/gtest.h>

#include "aws/aws_error.h"
#include "aws/ec2_xml.h"
#include "net/fake_http_client.h"

namespace cloudoptim::aws {
namespace {

HttpResponse Xml(std::string body, int status = 200) {
  return HttpResponse{.status = status, .body = std::move(body)};
}

std::string Ec2ErrorXml(const std::string& code) {
  return "<Response><Errors><Error><Code>" + code +
         "</Code><Message>m</Message></Error>"
         "</Errors></Response>";
}

class Ec2ClientTest : public ::testing::Test {
 protected:
  FakeHttpClient http_;
  FakeClock clock_{std::chrono::system_clock::from_time_t(1'764'000'000)};
  StaticCredentialsProvider credentials_{{.access_key_id = "AKID", .secret_access_key = "s"}};
  AwsTransport transport_{http_, &credentials_, clock_};
  Ec2Client ec2_{transport_, {"https://ec2.us-east-1.amazonaws.com", "us-east-1", "ec2"}};
};

TEST_F(Ec2ClientTest, SpotPriceHistorySendsTheTimeRangeAndFollowsNextToken) {
  http_.Enqueue(
      Xml("<DescribeSpotPriceHistoryResponse><spotPriceHistorySet><item><instanceType>m5.large"
          "</instanceType><productDescription>Linux/UNIX</productDescription><spotPrice>0.035400"
          "</spotPrice><timestamp>2026-11-25T10:00:00.000Z</timestamp><availabilityZone>us-east-1a"
          "</availabilityZone></item></spotPriceHistorySet><nextToken>tok/2=</nextToken>"
          "</DescribeSpotPriceHistoryResponse>"));
  http_.Enqueue(
      Xml("<DescribeSpotPriceHistoryResponse><spotPriceHistorySet><item><instanceType>m5.large"
          "</instanceType><spotPrice>0.0361</spotPrice><timestamp>2026-11-25T11:00:00Z</timestamp>"
          "<availabilityZone>us-east-1b</availabilityZone></item></spotPriceHistorySet>"
          "<nextToken/></DescribeSpotPriceHistoryResponse>"));
  const TimePoint end = clock_.Now();
  Result<std::vector<SpotPricePoint>> prices =
      ec2_.DescribeSpotPriceHistory({.instance_types = {"m5.large"},
                                     .start_time = end - std::chrono::hours(24),
                                     .end_time = end,
                                     .page_size = 1});
  ASSERT_TRUE(prices.has_value()) << prices.error().ToString();
  ASSERT_EQ(prices->size(), 2u);
  EXPECT_EQ((*prices)[0].usd_per_hour, Money::FromMicros(35'400));
  EXPECT_EQ((*prices)[1].availability_zone, "us-east-1b");
  EXPECT_EQ(FormatRfc3339((*prices)[0].timestamp), "2026-11-25T10:00:00Z");
  std::vector<HttpRequest> requests = http_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].body.find("StartTime=2025-11-23T16%3A00%3A00Z"), std::string::npos)
      << requests[0].body;
  EXPECT_NE(requests[0].body.find("ProductDescription.1=Linux%2FUNIX"), std::string::npos);
  EXPECT_NE(requests[0].body.find("MaxResults=1"), std::string::npos);
  EXPECT_NE(requests[1].body.find("NextToken=tok%2F2%3D"), std::string::npos);
}

TEST_F(Ec2ClientTest, CreateFleetEncodesStrategyOverridesAndTags) {
  http_.Enqueue(
      Xml("<CreateFleetResponse><fleetId>fleet-1</fleetId><fleetInstanceSet><item>"
          "<instanceIds><item>i-1</item><item>i-2</item></instanceIds></item>"
          "</fleetInstanceSet></CreateFleetResponse>"));
  FleetRequest request{.launch_template_id = "lt-1",
                       .overrides = {{"m5.large", "subnet-a"}, {"c5.large", "subnet-b"}},
                       .capacity = CapacityType::kSpot,
                       .count = 2,
                       .tags = {{"eks:cluster-name", "prod"}}};
  Result<FleetResult> fleet = ec2_.Launch(request);
  ASSERT_TRUE(fleet.has_value()) << fleet.error().ToString();
  EXPECT_EQ(fleet->instance_ids, (std::vector<std::string>{"i-1", "i-2"}));
  EXPECT_FALSE(fleet->used_run_instances_fallback);
  const std::string body = http_.requests()[0].body;
  for (const char* part :
       {"Type=instant", "SpotOptions.AllocationStrategy=price-capacity-optimized",
        "LaunchTemplateConfigs.1.Overrides.2.InstanceType=c5.large",
        "LaunchTemplateConfigs.1.Overrides.2.SubnetId=subnet-b",
        "TargetCapacitySpecification.DefaultTargetCapacityType=spot",
        "TagSpecification.1.ResourceType=instance",
        "TagSpecification.1.Tag.1.Key=eks%3Acluster-name"}) {
    EXPECT_NE(body.find(part), std::string::npos) << part << " in " << body;
  }
  http_.Enqueue(
      Xml("<CreateFleetResponse><fleetInstanceSet><item><instanceIds><item>i-3"
          "</item></instanceIds></item></fleetInstanceSet></CreateFleetResponse>"));
  request.capacity = CapacityType::kOnDemand;
  request.count = 1;
  ASSERT_TRUE(ec2_.Launch(request).has_value());
  EXPECT_NE(http_.requests()[1].body.find("OnDemandOptions.AllocationStrategy=lowest-price"),
            std::string::npos);
}

TEST_F(Ec2ClientTest, EmptyFleetFallsBackToRunInstancesPoolByPool) {
  http_.Enqueue(
      Xml("<CreateFleetResponse><errorSet><item><errorCode>"
          "InsufficientInstanceCapacity</errorCode><errorMessage>none</errorMessage>"
          "<launchTemplateAndOverrides><overrides><instanceType>m5.large"
          "</instanceType><subnetId>subnet-a</subnetId></overrides>"
          "</launchTemplateAndOverrides></item></errorSet></CreateFleetResponse>"));
  http_.Enqueue(Xml(Ec2ErrorXml("InsufficientInstanceCapacity"), 500));
  http_.Enqueue(
      Xml("<RunInstancesResponse><instancesSet><item><instanceId>i-9</instanceId>"
          "<instanceType>c5.large</instanceType><instanceState><name>pending</name>"
          "</instanceState></item></instancesSet></RunInstancesResponse>"));
  FleetRequest request{.launch_template_id = "lt-1",
                       .overrides = {{"m5.large", "subnet-a"}, {"c5.large", "subnet-b"}}};
  Result<FleetResult> result = ec2_.Launch(request);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_TRUE(result->used_run_instances_fallback);
  EXPECT_EQ(result->instance_ids, std::vector<std::string>{"i-9"});
  ASSERT_EQ(result->errors.size(), 2u);
  EXPECT_EQ(result->errors[0].code, "InsufficientInstanceCapacity");
  EXPECT_EQ(result->errors[1].override_used.instance_type, "m5.large");
  std::vector<HttpRequest> requests = http_.requests();
  ASSERT_EQ(requests.size(), 3u) << "capacity errors must not be retried in place";
  EXPECT_NE(requests[2].body.find("InstanceType=c5.large"), std::string::npos);
}

TEST_F(Ec2ClientTest, NoCapacityAnywhereIsReturnedAsTheCapacityError) {
  http_.SetHandler([](const HttpRequest&) -> Result<HttpResponse> {
    return Xml(Ec2ErrorXml("InsufficientInstanceCapacity"), 500);
  });
  FleetRequest request{.launch_template_id = "lt-1", .overrides = {{"m5.large", "subnet-a"}}};
  Result<FleetResult> result = ec2_.Launch(request);
  ASSERT_FALSE(result.has_value());
  EXPECT_TRUE(IsInsufficientCapacity(result.error()));
}

TEST_F(Ec2ClientTest, UnauthorizedIsPermissionDeniedAndNotFallenBackFrom) {
  http_.Enqueue(Xml(Ec2ErrorXml("UnauthorizedOperation"), 403));
  FleetRequest request{.launch_template_id = "lt-1", .overrides = {{"m5.large", "subnet-a"}}};
  Result<FleetResult> result = ec2_.Launch(request);
  ASSERT_FALSE(result.has_value());
  EXPECT_TRUE(IsPermissionDenied(result.error()));
  EXPECT_NE(result.error().message.find("ec2:CreateFleet"), std::string::npos);
  EXPECT_EQ(http_.requests().size(), 1u);
}

TEST(Ec2XmlTest, DecodesAnInstanceWithEveryField) {
  Result<Ec2Page<Ec2Instance>> page = DecodeDescribeInstances(
      "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
      "<reservationSet><item><instancesSet><item><instanceId>i-1</instanceId><instanceType>"
      "m5.large</instanceType><placement><availabilityZone>us-east-1c</availabilityZone>"
      "</placement><subnetId>subnet-c</subnetId><privateDnsName>ip-10-0-1-2.ec2.internal"
      "</privateDnsName><privateIpAddress>10.0.1.2</privateIpAddress><instanceLifecycle>spot"
      "</instanceLifecycle><instanceState><code>16</code><name>running</name></instanceState>"
      "<launchTime>2026-11-20T08:00:00.000Z</launchTime><tagSet><item><key>Name</key><value>"
      "node</value></item></tagSet></item></instancesSet></item></reservationSet>"
      "<nextToken>n2</nextToken></DescribeInstancesResponse>");
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->items.size(), 1u);
  const Ec2Instance& i = page->items[0];
  EXPECT_EQ(i.availability_zone, "us-east-1c");
  EXPECT_EQ(i.private_dns_name, "ip-10-0-1-2.ec2.internal");
  EXPECT_EQ(i.capacity, CapacityType::kSpot);
  EXPECT_EQ(i.state, InstanceState::kRunning);
  EXPECT_EQ(FormatRfc3339(i.launch_time), "2026-11-20T08:00:00Z");
  EXPECT_EQ(i.tags.at("Name"), "node");
  EXPECT_EQ(page->next_token, "n2");
  EXPECT_TRUE(IsInvalidArgument(DecodeDescribeInstances("<oops").error()));
}

}  // namespace
}  // namespace cloudoptim::aws
