#include "model/node.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

TEST(ParseAwsProviderIdTest, AcceptsBothAwsForms) {
  std::string zone, id;
  ASSERT_TRUE(ParseAwsProviderId("aws:///us-east-1a/i-0abc", &zone, &id));
  EXPECT_EQ(zone, "us-east-1a");
  EXPECT_EQ(id, "i-0abc");
  ASSERT_TRUE(ParseAwsProviderId("aws://us-west-2b/i-0123456789abcdef0", &zone, &id));
  EXPECT_EQ(zone, "us-west-2b");
  EXPECT_EQ(id, "i-0123456789abcdef0");
  EXPECT_TRUE(ParseAwsProviderId("aws:///eu-west-1c/i-1", nullptr, nullptr));
}

TEST(ParseAwsProviderIdTest, RejectsOtherProvidersAndMalformedIds) {
  std::string zone = "unchanged", id = "unchanged";
  for (const char* bad : {"", "gce://project/us-central1-a/vm", "kind://docker/kind/node",
                          "aws:///", "aws:///us-east-1a", "aws:///us-east-1a/", "aws:////i-0abc",
                          "aws:///us-east-1a/i-0abc/extra", "i-0abc"}) {
    EXPECT_FALSE(ParseAwsProviderId(bad, &zone, &id)) << bad;
  }
  EXPECT_EQ(zone, "unchanged");
  EXPECT_EQ(id, "unchanged");
}

Node MakeNode() {
  Node node;
  node.meta.name = "ip-10-0-1-2.ec2.internal";
  node.provider_id = "aws:///us-east-1a/i-0abc";
  node.conditions = {{"MemoryPressure", "False", ""}, {"Ready", "True", "KubeletReady"}};
  return node;
}

TEST(NodeTest, IsReadyFollowsTheReadyCondition) {
  Node node = MakeNode();
  EXPECT_TRUE(node.IsReady());
  node.conditions[1].status = "False";
  EXPECT_FALSE(node.IsReady());
  node.conditions[1].status = "Unknown";
  EXPECT_FALSE(node.IsReady());
  node.conditions.clear();
  EXPECT_FALSE(node.IsReady());
}

TEST(NodeTest, InstanceIdAndZoneComeFromProviderIdUnlessLabelled) {
  Node node = MakeNode();
  EXPECT_EQ(node.InstanceId(), "i-0abc");
  EXPECT_EQ(node.Zone(), "us-east-1a");
  node.meta.labels[std::string(labels::kZone)] = "us-east-1b";
  EXPECT_EQ(node.Zone(), "us-east-1b");
  node.provider_id = "kind://docker/kind/kind-worker";
  EXPECT_EQ(node.InstanceId(), "");
  // Fargate uses the AWS form with a non-EC2 ID: the zone is known, the instance is not.
  node.meta.labels.clear();
  node.provider_id = "aws:///us-east-1a/fargate-ip-10-0-1-2";
  EXPECT_EQ(node.InstanceId(), "");
  EXPECT_EQ(node.Zone(), "us-east-1a");
}

TEST(NodeTest, InstanceTypeComesFromTheWellKnownLabel) {
  Node node = MakeNode();
  EXPECT_EQ(node.InstanceType(), "");
  node.meta.labels[std::string(labels::kInstanceType)] = "m5.large";
  EXPECT_EQ(node.InstanceType(), "m5.large");
}

TEST(NodeTest, CapacityTypeComesFromKarpenterOrEksLabels) {
  Node node = MakeNode();
  EXPECT_EQ(node.Capacity(), CapacityType::kOnDemand);
  node.meta.labels[std::string(labels::kKarpenterCapacityType)] = "spot";
  EXPECT_EQ(node.Capacity(), CapacityType::kSpot);
  node.meta.labels[std::string(labels::kKarpenterCapacityType)] = "on-demand";
  EXPECT_EQ(node.Capacity(), CapacityType::kOnDemand);
  node.meta.labels.clear();
  node.meta.labels[std::string(labels::kEksCapacityType)] = "SPOT";
  EXPECT_EQ(node.Capacity(), CapacityType::kSpot);
  node.meta.labels[std::string(labels::kEksCapacityType)] = "ON_DEMAND";
  EXPECT_EQ(node.Capacity(), CapacityType::kOnDemand);
}

TEST(CapacityTypeTest, HasKarpenterNames) {
  EXPECT_EQ(CapacityTypeName(CapacityType::kSpot), "spot");
  EXPECT_EQ(CapacityTypeName(CapacityType::kOnDemand), "on-demand");
}

}  // namespace
}  // namespace cloudoptim
