#include "cloudsim/aws_endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "cloudsim/cloudsim_test_util.h"

namespace cloudoptim {
namespace {

using ::testing::HasSubstr;

using cloudsim_test::kStart;

std::string Authorization(std::string_view service) {
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/" + std::string(service) +
         "/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + std::string(64, '0');
}

class AwsEndpointTest : public ::testing::Test {
 protected:
  AwsEndpointTest() : clock_(kStart), cloud_({.seed = 9}), endpoint_(cloud_, clock_) {}
  WireResponse Post(std::string body, std::string service, std::string target = "") {
    WireRequest request;
    request.body = std::move(body);
    if (!service.empty()) request.headers["authorization"] = Authorization(service);
    if (!target.empty()) request.headers["x-amz-target"] = target;
    return endpoint_.Handle(request, "http://127.0.0.1:1");
  }
  FakeClock clock_;
  SimulatedCloud cloud_;
  AwsEndpoint endpoint_;
};

TEST_F(AwsEndpointTest, RoutesByTargetThenCredentialScopeThenAction) {
  WireResponse sqs =
      Post(R"({"QueueName":"cloudoptim-interruptions"})", "sqs", "AmazonSQS.GetQueueUrl");
  EXPECT_EQ(sqs.status, 200);
  EXPECT_EQ(nlohmann::json::parse(sqs.body)["QueueUrl"],
            "http://127.0.0.1:1/123456789012/cloudoptim-interruptions");
  WireResponse sts = Post("Action=GetCallerIdentity&Version=2011-06-15", "sts");
  EXPECT_THAT(sts.body, HasSubstr("<GetCallerIdentityResponse"));
  WireResponse ec2 = Post("Action=DescribeAvailabilityZones&Version=2016-11-15", "ec2");
  EXPECT_THAT(ec2.body, HasSubstr("<DescribeAvailabilityZonesResponse"));
  WireResponse sqs_query = Post("Action=ReceiveMessage", "sqs");
  EXPECT_THAT(sqs_query.body, HasSubstr("InvalidAction"));
  WireResponse other = Post("Action=ListBuckets", "s3");
  EXPECT_THAT(other.body, HasSubstr("InvalidAction"));
}

TEST_F(AwsEndpointTest, UnsignedRequestsFailInTheirServicesDialect) {
  WireResponse ec2 = Post("Action=DescribeInstances", "");
  EXPECT_EQ(ec2.status, 401);
  EXPECT_THAT(ec2.body, HasSubstr("<Response><Errors><Error><Code>MissingAuthenticationToken"));
  WireResponse sts = Post("Action=GetCallerIdentity", "");
  EXPECT_THAT(sts.body, HasSubstr("<ErrorResponse"));
  WireResponse sqs = Post("{}", "", "AmazonSQS.ReceiveMessage");
  EXPECT_EQ(sqs.status, 403);
  EXPECT_THAT(sqs.body, HasSubstr("MissingAuthenticationToken"));
  EXPECT_THAT(Post("{}", "sqs", "DynamoDB_20120810.ListTables").body,
              HasSubstr("UnknownOperationException"));
}

TEST_F(AwsEndpointTest, RequestsSeeTheCloudAtTheClocksTime) {
  auto launched = cloud_.RunInstances({.instance_type = "m5.large"}, clock_.Now());
  clock_.Advance(std::chrono::minutes(1));
  WireResponse described = Post("Action=DescribeInstances", "ec2");
  EXPECT_THAT(described.body, HasSubstr("<name>running</name>"));
}

TEST_F(AwsEndpointTest, ServesOverHttpOnAFreePortAndStops) {
  ASSERT_TRUE(endpoint_.Start("127.0.0.1", 0).has_value());
  ASSERT_GT(endpoint_.port(), 0);
  EXPECT_EQ(endpoint_.url(), "http://127.0.0.1:" + std::to_string(endpoint_.port()));
  EXPECT_FALSE(endpoint_.Start("127.0.0.1", 0).has_value()) << "already started";
  EXPECT_EQ(endpoint_.QueueUrl(), endpoint_.url() + "/123456789012/cloudoptim-interruptions");
  httplib::Client client("127.0.0.1", endpoint_.port());
  auto response =
      client.Post("/", {{"Authorization", Authorization("ec2")}},
                  "Action=DescribeSubnets&Version=2016-11-15", "application/x-www-form-urlencoded");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->body, HasSubstr("<subnetSet>"));
  auto by_get = client.Get("/?Action=DescribeAvailabilityZones&Version=2016-11-15",
                           {{"Authorization", Authorization("ec2")}});
  ASSERT_TRUE(by_get);
  EXPECT_THAT(by_get->body, HasSubstr("<availabilityZoneInfo>"));
  endpoint_.Stop();
  EXPECT_FALSE(client.Post("/", "Action=DescribeSubnets", "application/x-www-form-urlencoded"));
}

}  // namespace
}  // namespace cloudoptim
