#include "cloudsim/simulated_cloud.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cloudsim/cloudsim_test_util.h"

namespace cloudoptim {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

using cloudsim_test::kStart;

// prefix + 17 lower-case hex digits, as EC2 writes ids.
bool IsAwsId(std::string_view prefix, std::string_view id) {
  if (!id.starts_with(prefix) || id.size() != prefix.size() + 17) return false;
  return id.substr(prefix.size()).find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool IsUuid(std::string_view id) {
  if (id.size() != 36 || id[14] != '4') return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (id[i] == '-')) return false;
    if (!dash && std::string_view("0123456789abcdef").find(id[i]) == std::string_view::npos) {
      return false;
    }
  }
  return std::string_view("89ab").find(id[19]) != std::string_view::npos;
}

Catalog LoadTestCatalog() {
  auto catalog = Catalog::Load(std::string(CO_SOURCE_DIR) + "/src/cloudsim/testdata");
  if (!catalog) throw std::runtime_error(catalog.error().ToString());
  return std::move(*catalog);
}

class RecordingListener : public SimulatedCloud::Listener {
 public:
  void OnInstanceRunning(const Ec2Instance& instance, bool joins_cluster) override {
    running.push_back(instance.instance_id);
    joined.push_back(joins_cluster);
  }
  void OnInstanceTerminated(const Ec2Instance& instance) override {
    terminated.push_back(instance.instance_id);
  }
  std::vector<std::string> running;
  std::vector<bool> joined;
  std::vector<std::string> terminated;
};

class SimulatedCloudTest : public ::testing::Test {
 protected:
  SimulatedCloudTest() : catalog_(LoadTestCatalog()), cloud_(MakeOptions(7)) {
    cloud_.AddListener(&listener_);
  }
  SimulatedCloud::Options MakeOptions(uint64_t seed) {
    return {.region = "us-east-1", .catalog = &catalog_, .seed = seed};
  }
  Ec2Instance LaunchOne(CapacityType capacity = CapacityType::kSpot) {
    auto launched = cloud_.RunInstances(
        {.instance_type = "m5.large", .zone = "us-east-1a", .capacity = capacity}, kStart);
    EXPECT_TRUE(launched.has_value()) << launched.error().ToString();
    return launched->front();
  }
  std::vector<nlohmann::json> DrainQueue(TimePoint now) {
    std::vector<nlohmann::json> events;
    for (const QueueMessage& m : cloud_.ReceiveMessages(10, std::chrono::seconds(30), now)) {
      events.push_back(nlohmann::json::parse(m.body));
      EXPECT_TRUE(cloud_.DeleteMessage(m.receipt_handle).has_value());
    }
    return events;
  }

  Catalog catalog_;
  SimulatedCloud cloud_;
  RecordingListener listener_;
};

TEST_F(SimulatedCloudTest, LaunchedInstancesArePendingThenRunningAfterTheRegistrationDelay) {
  auto launched = cloud_.RunInstances({.instance_type = "m5.large",
                                       .zone = "us-east-1b",
                                       .capacity = CapacityType::kSpot,
                                       .count = 3,
                                       .tags = {{"team", "web"}}},
                                      kStart);
  ASSERT_TRUE(launched.has_value()) << launched.error().ToString();
  ASSERT_THAT(*launched, SizeIs(3));
  for (const Ec2Instance& instance : *launched) {
    EXPECT_TRUE(IsAwsId("i-", instance.instance_id)) << instance.instance_id;
    EXPECT_EQ(instance.state, InstanceState::kPending);
    EXPECT_EQ(instance.availability_zone, "us-east-1b");
    EXPECT_EQ(instance.subnet_id, cloud_.SubnetsByZone().at("us-east-1b"));
    EXPECT_THAT(instance.private_dns_name, HasSubstr(".ec2.internal"));
    EXPECT_EQ(instance.tags.at("team"), "web");
  }
  cloud_.Advance(kStart + std::chrono::seconds(29));
  EXPECT_TRUE(listener_.running.empty());
  cloud_.Advance(kStart + std::chrono::seconds(30));
  EXPECT_THAT(listener_.running, SizeIs(3));
  EXPECT_EQ(cloud_.FindInstance(launched->front().instance_id)->state, InstanceState::kRunning);
  cloud_.Advance(kStart + std::chrono::minutes(5));
  EXPECT_THAT(listener_.running, SizeIs(3)) << "each instance starts once";
}

TEST_F(SimulatedCloudTest, OrphanInstancesRunButAreReportedAsNotJoining) {
  ASSERT_TRUE(cloud_.RunInstances({.instance_type = "t3.medium", .joins_cluster = false}, kStart)
                  .has_value());
  cloud_.Advance(kStart + std::chrono::minutes(1));
  ASSERT_THAT(listener_.joined, SizeIs(1));
  EXPECT_FALSE(listener_.joined.front());
}

TEST_F(SimulatedCloudTest, TheSameSeedGivesTheSameIds) {
  SimulatedCloud twin(MakeOptions(7));
  SimulatedCloud other(MakeOptions(8));
  auto a = cloud_.RunInstances({.instance_type = "m5.large", .count = 2}, kStart);
  auto b = twin.RunInstances({.instance_type = "m5.large", .count = 2}, kStart);
  auto c = other.RunInstances({.instance_type = "m5.large", .count = 2}, kStart);
  EXPECT_EQ((*a)[1].instance_id, (*b)[1].instance_id);
  EXPECT_NE((*a)[1].instance_id, (*c)[1].instance_id);
  EXPECT_EQ(cloud_.SubnetsByZone(), twin.SubnetsByZone());
}

TEST_F(SimulatedCloudTest, ARepeatedClientTokenReturnsTheFirstLaunch) {
  LaunchRequest request{.instance_type = "c5.large", .count = 2, .client_token = "token-1"};
  auto first = cloud_.RunInstances(request, kStart);
  auto again = cloud_.RunInstances(request, kStart + std::chrono::seconds(5));
  ASSERT_TRUE(first.has_value() && again.has_value());
  EXPECT_EQ((*first)[0].instance_id, (*again)[0].instance_id);
  EXPECT_THAT(cloud_.Instances(), SizeIs(2));
  request.count = 3;
  auto mismatch = cloud_.RunInstances(request, kStart);
  ASSERT_FALSE(mismatch.has_value());
  EXPECT_THAT(mismatch.error().message, HasSubstr("IdempotentParameterMismatch"));
}

TEST_F(SimulatedCloudTest, LaunchesAreCheckedAsEc2ChecksThem) {
  auto unknown_type = cloud_.RunInstances({.instance_type = "m5.huge"}, kStart);
  EXPECT_THAT(unknown_type.error().message, HasSubstr("InvalidParameterValue"));
  auto unknown_zone = cloud_.RunInstances({.instance_type = "m5.large", .zone = "mars-1a"}, kStart);
  EXPECT_THAT(unknown_zone.error().message, HasSubstr("Invalid availability zone"));
  auto unknown_subnet =
      cloud_.RunInstances({.instance_type = "m5.large", .subnet_id = "subnet-0"}, kStart);
  EXPECT_THAT(unknown_subnet.error().message, HasSubstr("InvalidSubnetID.NotFound"));
  EXPECT_TRUE(IsNotFound(unknown_subnet.error()));
  auto not_offered =
      cloud_.RunInstances({.instance_type = "r5.large", .zone = "us-east-1c"}, kStart);
  EXPECT_THAT(not_offered.error().message, HasSubstr("Unsupported"));
  cloud_.SetInsufficientCapacity("m5.large", "us-east-1a", true);
  auto no_capacity =
      cloud_.RunInstances({.instance_type = "m5.large", .zone = "us-east-1a"}, kStart);
  EXPECT_THAT(no_capacity.error().message, HasSubstr("InsufficientInstanceCapacity"));
  EXPECT_TRUE(IsResourceExhausted(no_capacity.error()));
  EXPECT_TRUE(cloud_.Instances().empty());
}

TEST_F(SimulatedCloudTest, TerminationGoesThroughShuttingDownAndStaysDescribableForAWhile) {
  const Ec2Instance instance = LaunchOne(CapacityType::kOnDemand);
  cloud_.Advance(kStart + std::chrono::minutes(1));
  auto terminated =
      cloud_.TerminateInstances({instance.instance_id}, kStart + std::chrono::minutes(2));
  ASSERT_TRUE(terminated.has_value());
  EXPECT_EQ(terminated->front().state, InstanceState::kShuttingDown);
  EXPECT_TRUE(listener_.terminated.empty());
  cloud_.Advance(kStart + std::chrono::minutes(2));
  EXPECT_EQ(listener_.terminated, std::vector<std::string>{instance.instance_id});
  EXPECT_EQ(cloud_.FindInstance(instance.instance_id)->state, InstanceState::kTerminated);
  auto events = DrainQueue(kStart + std::chrono::minutes(2));
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0]["detail-type"], "EC2 Instance State-change Notification");
  EXPECT_EQ(events[0]["detail"]["state"], "shutting-down");
  EXPECT_EQ(events[1]["detail"]["state"], "terminated");
  EXPECT_EQ(events[1]["detail"]["instance-id"], instance.instance_id);
  cloud_.Advance(kStart + std::chrono::minutes(2) + std::chrono::hours(1));
  EXPECT_TRUE(IsNotFound(cloud_.FindInstance(instance.instance_id).error()));
}

TEST_F(SimulatedCloudTest, TerminatingAnUnknownInstanceNamesIt) {
  auto result = cloud_.TerminateInstances({"i-00000000000000000"}, kStart);
  ASSERT_FALSE(result.has_value());
  EXPECT_TRUE(IsNotFound(result.error()));
  EXPECT_THAT(result.error().message,
              HasSubstr("InvalidInstanceID.NotFound: The instance ID 'i-00000000000000000'"));
}

TEST_F(SimulatedCloudTest, ASpotInterruptionQueuesAWarningAndTerminatesTwoMinutesLater) {
  const Ec2Instance instance = LaunchOne();
  cloud_.Advance(kStart + std::chrono::minutes(1));
  const TimePoint warned = kStart + std::chrono::minutes(10);
  ASSERT_TRUE(cloud_.InjectSpotInterruption(instance.instance_id, warned).has_value());
  auto events = DrainQueue(warned);
  ASSERT_THAT(events, SizeIs(1));
  const nlohmann::json& warning = events[0];
  EXPECT_EQ(warning["version"], "0");
  EXPECT_EQ(warning["detail-type"], "EC2 Spot Instance Interruption Warning");
  EXPECT_EQ(warning["source"], "aws.ec2");
  EXPECT_EQ(warning["account"], "123456789012");
  EXPECT_EQ(warning["region"], "us-east-1");
  EXPECT_EQ(warning["time"], "2026-11-26T00:10:00Z");
  EXPECT_EQ(warning["resources"][0],
            "arn:aws:ec2:us-east-1:123456789012:instance/" + instance.instance_id);
  EXPECT_EQ(warning["detail"]["instance-id"], instance.instance_id);
  EXPECT_EQ(warning["detail"]["instance-action"], "terminate");
  EXPECT_TRUE(IsUuid(warning["id"].get<std::string>())) << warning["id"];

  cloud_.Advance(warned + std::chrono::seconds(119));
  EXPECT_EQ(cloud_.FindInstance(instance.instance_id)->state, InstanceState::kRunning);
  EXPECT_TRUE(listener_.terminated.empty());
  cloud_.Advance(warned + std::chrono::minutes(2));
  EXPECT_EQ(cloud_.FindInstance(instance.instance_id)->state, InstanceState::kTerminated);
  EXPECT_EQ(listener_.terminated, std::vector<std::string>{instance.instance_id});
}

TEST_F(SimulatedCloudTest, OnlySpotInstancesAreInterrupted) {
  const Ec2Instance instance = LaunchOne(CapacityType::kOnDemand);
  EXPECT_TRUE(
      IsInvalidArgument(cloud_.InjectSpotInterruption(instance.instance_id, kStart).error()));
  EXPECT_TRUE(IsNotFound(cloud_.InjectSpotInterruption("i-00000000000000001", kStart).error()));
  EXPECT_EQ(cloud_.ApproximateMessageCount(kStart), 0u);
}

TEST_F(SimulatedCloudTest, ARebalanceRecommendationIsQueuedWithoutTerminating) {
  const Ec2Instance instance = LaunchOne();
  ASSERT_TRUE(cloud_.InjectRebalanceRecommendation(instance.instance_id, kStart).has_value());
  auto events = DrainQueue(kStart);
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0]["detail-type"], "EC2 Instance Rebalance Recommendation");
  EXPECT_FALSE(events[0]["detail"].contains("instance-action"));
  cloud_.Advance(kStart + std::chrono::hours(2));
  EXPECT_EQ(cloud_.FindInstance(instance.instance_id)->state, InstanceState::kRunning);
}

TEST_F(SimulatedCloudTest, RandomInterruptionsFollowTheConfiguredRate) {
  SimulatedCloud::Options options = MakeOptions(3);
  options.spot_interruptions_per_instance_hour = 0.5;
  SimulatedCloud cloud(options);
  ASSERT_TRUE(
      cloud
          .RunInstances(
              {.instance_type = "m5.large", .capacity = CapacityType::kSpot, .count = 100}, kStart)
          .has_value());
  for (int minute = 1; minute <= 60; ++minute) {
    cloud.Advance(kStart + std::chrono::minutes(minute));
  }
  // About 1 - e^-0.5 = 39% of 100 instances in an hour; the bounds are loose on purpose.
  size_t warnings = 0;
  for (const QueueMessage& m :
       cloud.ReceiveMessages(1000, std::chrono::seconds(30), kStart + std::chrono::minutes(60))) {
    warnings +=
        nlohmann::json::parse(m.body)["detail-type"] == "EC2 Spot Instance Interruption Warning";
  }
  EXPECT_GT(warnings, 20u);
  EXPECT_LT(warnings, 60u);
}

TEST_F(SimulatedCloudTest, AnAttachedVolumeCannotBeDeletedUntilItsInstanceIsGone) {
  const Ec2Instance instance = LaunchOne(CapacityType::kOnDemand);
  auto volume = cloud_.CreateVolume("us-east-1a", 20, "gp3", {{"kind", "data"}}, kStart);
  ASSERT_TRUE(volume.has_value());
  EXPECT_TRUE(IsAwsId("vol-", volume->volume_id));
  EXPECT_EQ(volume->state, VolumeState::kAvailable);
  ASSERT_TRUE(cloud_.AttachVolume(volume->volume_id, instance.instance_id).has_value());
  EXPECT_EQ(cloud_.Volumes().front().state, VolumeState::kInUse);
  EXPECT_EQ(cloud_.Volumes().front().attachments.front().device, "/dev/xvdf");
  auto in_use = cloud_.DeleteVolume(volume->volume_id);
  ASSERT_FALSE(in_use.has_value());
  EXPECT_TRUE(IsFailedPrecondition(in_use.error()));
  EXPECT_THAT(in_use.error().message, HasSubstr("VolumeInUse"));

  ASSERT_TRUE(cloud_.TerminateInstances({instance.instance_id}, kStart).has_value());
  cloud_.Advance(kStart + std::chrono::seconds(1));
  EXPECT_EQ(cloud_.Volumes().front().state, VolumeState::kAvailable);
  EXPECT_TRUE(cloud_.DeleteVolume(volume->volume_id).has_value());
  EXPECT_TRUE(cloud_.Volumes().empty());
  EXPECT_THAT(cloud_.DeleteVolume(volume->volume_id).error().message,
              HasSubstr("InvalidVolume.NotFound"));
}

TEST_F(SimulatedCloudTest, AVolumeOnlyAttachesInItsOwnZone) {
  const Ec2Instance instance = LaunchOne();
  auto volume = cloud_.CreateVolume("us-east-1b", 20, "gp3", {}, kStart);
  EXPECT_THAT(cloud_.AttachVolume(volume->volume_id, instance.instance_id).error().message,
              HasSubstr("ZoneMismatch"));
  EXPECT_THAT(cloud_.CreateVolume("us-east-1b", 20, "floppy", {}, kStart).error().message,
              HasSubstr("VolumeType"));
}

TEST_F(SimulatedCloudTest, SnapshotsArePendingThenCompleted) {
  auto volume = cloud_.CreateVolume("us-east-1a", 50, "gp2", {}, kStart);
  auto snapshot = cloud_.CreateSnapshot(volume->volume_id, "before delete", kStart);
  ASSERT_TRUE(snapshot.has_value());
  EXPECT_TRUE(IsAwsId("snap-", snapshot->snapshot_id));
  EXPECT_EQ(snapshot->state, "pending");
  EXPECT_EQ(snapshot->volume_size_gib, 50);
  EXPECT_EQ(cloud_.SnapshotDescription(snapshot->snapshot_id), "before delete");
  cloud_.Advance(kStart + std::chrono::seconds(30));
  EXPECT_EQ(cloud_.Snapshots().front().state, "completed");
  EXPECT_TRUE(IsNotFound(cloud_.CreateSnapshot("vol-0", "", kStart).error()));
}

TEST_F(SimulatedCloudTest, TagsAreAddedAndRemovedOnlyWhenEveryIdExists) {
  const Ec2Instance instance = LaunchOne();
  auto volume = cloud_.CreateVolume("us-east-1a", 8, "gp3", {}, kStart);
  ASSERT_TRUE(
      cloud_.CreateTags({instance.instance_id, volume->volume_id}, {{"owner", "ops"}}).has_value());
  EXPECT_EQ(cloud_.FindInstance(instance.instance_id)->tags.at("owner"), "ops");
  EXPECT_EQ(cloud_.Volumes().front().tags.at("owner"), "ops");
  auto partly_unknown =
      cloud_.CreateTags({instance.instance_id, "i-0ffffffffffffffff"}, {{"x", "y"}});
  EXPECT_THAT(partly_unknown.error().message, HasSubstr("InvalidInstanceID.NotFound"));
  EXPECT_FALSE(cloud_.FindInstance(instance.instance_id)->tags.contains("x"));
  ASSERT_TRUE(cloud_.DeleteTags({instance.instance_id}, {"owner"}).has_value());
  EXPECT_TRUE(cloud_.FindInstance(instance.instance_id)->tags.empty());
}

TEST_F(SimulatedCloudTest, SpotPricesVaryAFewPercentPerZoneAndHourAndRepeat) {
  const Money estimate = *catalog_.SpotPriceEstimate("us-east-1", "m5.large");
  std::set<int64_t> distinct;
  SimulatedCloud twin(MakeOptions(7));
  for (const std::string& zone : cloud_.Zones()) {
    for (int hour = 0; hour < 48; ++hour) {
      const TimePoint at = kStart + std::chrono::hours(hour) + std::chrono::minutes(17);
      auto price = cloud_.SpotPrice("m5.large", zone, at);
      ASSERT_TRUE(price.has_value());
      EXPECT_GE(price->micros(), estimate.Scaled(0.95).micros());
      EXPECT_LE(price->micros(), estimate.Scaled(1.05).micros());
      EXPECT_EQ(price->micros(), twin.SpotPrice("m5.large", zone, at)->micros());
      EXPECT_EQ(price->micros(),
                cloud_.SpotPrice("m5.large", zone, at + std::chrono::minutes(40))->micros())
          << "constant within the hour";
      distinct.insert(price->micros());
    }
  }
  EXPECT_GT(distinct.size(), 50u);
  EXPECT_TRUE(IsNotFound(cloud_.SpotPrice("m5.large", "us-east-1z", kStart).error()));
  EXPECT_FALSE(cloud_.SpotPrice("m5.huge", "us-east-1a", kStart).has_value());
}

TEST_F(SimulatedCloudTest, TheQueueUrlNamesTheAccountAndQueue) {
  EXPECT_EQ(cloud_.QueueUrl("http://127.0.0.1:4566/"),
            "http://127.0.0.1:4566/123456789012/cloudoptim-interruptions");
}

}  // namespace
}  // namespace cloudoptim
