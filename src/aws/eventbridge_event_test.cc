#include "aws/eventbridge_event.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace cloudoptim::aws {
namespace {

namespace fs = std::filesystem;

fs::path Corpus() { return fs::path(CO_SOURCE_DIR) / "testdata/aws/eventbridge-events"; }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// What each recorded sample must decode to: a kind and instance, or skipped.
struct Expectation {
  std::optional<InstanceEventKind> kind;  // nullopt: skipped
  std::string instance_id;
};

const std::map<std::string, Expectation>& Expectations() {
  using K = InstanceEventKind;
  static const std::map<std::string, Expectation> kTable = {
      {"karpenter-aws-health-scheduled-change.json", {K::kScheduledChange, "i-0123456789abcdef0"}},
      {"karpenter-capacity-reservation-interruption-warning.json", {std::nullopt, ""}},
      {"karpenter-ec2-state-change-stopping.json", {K::kStateChange, "i-0123456789abcdef0"}},
      {"karpenter-spot-interruption-warning.json",
       {K::kSpotInterruptionWarning, "i-0123456789abcdef0"}},
      {"nth-doc-asg-terminate-lifecycle-action.json",
       {K::kTerminateLifecycleAction, "i-0633ac2b0d9769723"}},
      {"nth-doc-aws-health-scheduled-change.json", {K::kScheduledChange, "i-12345678"}},
      {"nth-doc-ec2-state-change.json", {K::kStateChange, "i-abcd1111"}},
      {"nth-doc-rebalance-recommendation.json",
       {K::kRebalanceRecommendation, "i-0b662ef9931388ba0"}},
      {"nth-doc-spot-interruption-warning.json",
       {K::kSpotInterruptionWarning, "i-0b662ef9931388ba0"}},
      {"nth-e2e-asg-terminate-lifecycle-action.json",
       {K::kTerminateLifecycleAction, "i-0123456789abcdef0"}},
      {"nth-e2e-aws-health-scheduled-change.json", {K::kScheduledChange, "i-0123456789abcdef0"}},
      {"nth-e2e-ec2-state-change-stopping.json", {K::kStateChange, "i-0123456789abcdef0"}},
      {"nth-e2e-rebalance-recommendation.json",
       {K::kRebalanceRecommendation, "i-0123456789abcdef0"}},
      {"nth-e2e-spot-interruption-warning.json",
       {K::kSpotInterruptionWarning, "i-0123456789abcdef0"}},
      {"nth-unit-asg-launch-lifecycle-action.json", {std::nullopt, ""}},
      {"nth-unit-asg-lifecycle-direct-to-sqs.json",
       {K::kTerminateLifecycleAction, "i-040107f6ba000e5ee"}},
      {"nth-unit-asg-terminate-lifecycle-action.json",
       {K::kTerminateLifecycleAction, "i-0633ac2b0d9769723"}},
      {"nth-unit-asg-test-notification-direct-to-sqs.json", {std::nullopt, ""}},
      {"nth-unit-asg-test-notification-eventbridge.json", {std::nullopt, ""}},
      {"nth-unit-rebalance-recommendation.json",
       {K::kRebalanceRecommendation, "i-0b662ef9931388ba0"}},
      {"nth-unit-spot-interruption-warning.json",
       {K::kSpotInterruptionWarning, "i-0b662ef9931388ba0"}},
  };
  return kTable;
}

std::vector<fs::path> Samples() {
  std::vector<fs::path> samples;
  for (const auto& entry : fs::directory_iterator(Corpus())) {
    if (entry.path().extension() == ".json" && entry.path().filename() != "index.json") {
      samples.push_back(entry.path());
    }
  }
  std::sort(samples.begin(), samples.end());
  return samples;
}

TEST(EventBridgeEventTest, EveryRecordedSampleDecodesAsExpected) {
  const std::vector<fs::path> samples = Samples();
  ASSERT_EQ(samples.size(), Expectations().size()) << "a sample was added: add its expectation";
  for (const fs::path& sample : samples) {
    const std::string name = sample.filename().string();
    SCOPED_TRACE(name);
    ASSERT_TRUE(Expectations().contains(name));
    const Expectation& expected = Expectations().at(name);
    Result<DecodedEvent> decoded = DecodeEventBridgeEvent(ReadFile(sample));
    ASSERT_TRUE(decoded.has_value()) << decoded.error().ToString();
    if (!expected.kind) {
      EXPECT_FALSE(decoded->event.has_value());
      EXPECT_FALSE(decoded->skip_reason.empty());
      continue;
    }
    ASSERT_TRUE(decoded->event.has_value()) << decoded->skip_reason;
    EXPECT_EQ(decoded->event->kind, *expected.kind);
    ASSERT_FALSE(decoded->event->instance_ids.empty());
    EXPECT_EQ(decoded->event->instance_ids.front(), expected.instance_id);
  }
}

TEST(EventBridgeEventTest, SpotWarningCarriesActionTimeAndRegion) {
  Result<DecodedEvent> decoded =
      DecodeEventBridgeEvent(ReadFile(Corpus() / "karpenter-spot-interruption-warning.json"));
  ASSERT_TRUE(decoded.has_value() && decoded->event.has_value());
  EXPECT_EQ(decoded->event->instance_action, "terminate");
  EXPECT_EQ(decoded->event->region, "us-west-2");
  EXPECT_EQ(FormatRfc3339(decoded->event->time), "2024-01-01T00:00:00Z");
}

TEST(EventBridgeEventTest, HealthEventReadsItsRfc1123StartTime) {
  Result<DecodedEvent> decoded =
      DecodeEventBridgeEvent(ReadFile(Corpus() / "nth-doc-aws-health-scheduled-change.json"));
  ASSERT_TRUE(decoded.has_value() && decoded->event.has_value());
  ASSERT_TRUE(decoded->event->start_time.has_value());
  EXPECT_EQ(FormatRfc3339(*decoded->event->start_time), "2016-06-05T15:10:09Z");
  EXPECT_EQ(decoded->event->event_type_code,
            "AWS_EC2_DEDICATED_HOST_NETWORK_MAINTENANCE_SCHEDULED");
}

TEST(EventBridgeEventTest, InstanceIdsComeFromEitherArnShape) {
  EXPECT_EQ(InstanceIdFromResource("arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"),
            "i-abcd1111");
  EXPECT_EQ(InstanceIdFromResource("arn:aws:ec2:us-east-1b:instance/i-0b662ef9931388ba0"),
            "i-0b662ef9931388ba0");
  EXPECT_EQ(InstanceIdFromResource("i-12345678"), "i-12345678");
  EXPECT_EQ(InstanceIdFromResource("arn:aws:autoscaling:us-east-1:1:autoScalingGroup:x"), "");
  // With only the resource ARN to go by, the id is still found.
  Result<DecodedEvent> decoded = DecodeEventBridgeEvent(
      R"({"detail-type":"EC2 Spot Instance Interruption Warning","id":"e1",)"
      R"("resources":["arn:aws:ec2:us-east-1:1:instance/i-0abc"],"detail":{}})");
  ASSERT_TRUE(decoded.has_value() && decoded->event.has_value());
  EXPECT_EQ(decoded->event->instance_ids.front(), "i-0abc");
}

TEST(EventBridgeEventTest, MalformedBodiesAreClearInvalidArguments) {
  struct Case {
    std::string body;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {"not json", "not valid JSON"},
      {"[1,2]", "not an object"},
      {R"({"source":"aws.ec2"})", "detail-type"},
      {R"({"detail-type":7})", "not a string"},
      {R"({"detail-type":"EC2 Spot Instance Interruption Warning"})", "\"detail\""},
      {R"({"detail-type":"EC2 Spot Instance Interruption Warning","id":"x","detail":{}})",
       "no instance id"},
      {R"({"detail-type":"EC2 Instance State-change Notification","detail":{"instance-id":"i-1"}})",
       "detail.state"},
      {R"({"detail-type":"EC2 Instance Rebalance Recommendation","time":"yesterday",)"
       R"("detail":{"instance-id":"i-1"}})",
       "RFC 3339"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    Result<DecodedEvent> decoded = DecodeEventBridgeEvent(c.body);
    ASSERT_FALSE(decoded.has_value());
    EXPECT_TRUE(IsInvalidArgument(decoded.error()));
    EXPECT_NE(decoded.error().message.find(c.mentions), std::string::npos)
        << decoded.error().message;
  }
}

TEST(EventBridgeEventTest, UnknownTypesAndOtherHealthEventsAreSkippedNotErrors) {
  Result<DecodedEvent> other =
      DecodeEventBridgeEvent(R"({"detail-type":"EC2 AMI State Change","detail":{}})");
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->event.has_value());
  EXPECT_NE(other->skip_reason.find("EC2 AMI State Change"), std::string::npos);
  Result<DecodedEvent> rds =
      DecodeEventBridgeEvent(R"({"detail-type":"AWS Health Event","detail":{"service":"RDS",)"
                             R"("eventTypeCategory":"scheduledChange"}})");
  ASSERT_TRUE(rds.has_value());
  EXPECT_FALSE(rds->event.has_value());
}

// Fuzz-style regression over the corpus: every truncation and many random byte garbles of
// every sample must give a value or an error, never a crash (run under ASan in CI).
TEST(EventBridgeEventTest, TruncatedAndGarbledBodiesNeverCrash) {
  std::mt19937 random(20261126);
  int decoded_count = 0;
  int error_count = 0;
  auto run = [&](const std::string& body) {
    Result<DecodedEvent> r = DecodeEventBridgeEvent(body);
    (r ? decoded_count : error_count)++;
  };
  for (const fs::path& sample : Samples()) {
    const std::string body = ReadFile(sample);
    for (size_t length = 0; length <= body.size(); ++length) run(body.substr(0, length));
    for (int round = 0; round < 200; ++round) {
      std::string garbled = body;
      const int edits = 1 + static_cast<int>(random() % 4);
      for (int e = 0; e < edits; ++e) {
        const size_t at = random() % garbled.size();
        switch (random() % 3) {
          case 0:
            garbled[at] = static_cast<char>(random() % 256);
            break;
          case 1:
            garbled.erase(at, 1 + random() % 8);
            break;
          default:
            garbled.insert(at, std::string(1 + random() % 3, "{}[]\":,0"[random() % 8]));
        }
      }
      run(garbled);
    }
  }
  EXPECT_GT(error_count, 0);
  EXPECT_GT(decoded_count, 0);
}

}  // namespace
}  // namespace cloudoptim::aws
