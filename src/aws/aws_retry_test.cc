// Throttling and 5xx retries through the real HTTP stack, against a tiny local server that
// fails a chosen number of times before answering. Time runs on a FakeClock, so the backoff
// waits are recorded but not slept.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "aws/aws_error.h"
#include "aws/ec2_client.h"
#include "aws/sqs_client.h"
#include "net/curl_http_client.h"

namespace cloudoptim::aws {
namespace {

constexpr char kZones[] =
    "<DescribeAvailabilityZonesResponse><availabilityZoneInfo><item><zoneName>us-east-1a"
    "</zoneName><zoneState>available</zoneState><zoneId>use1-az1</zoneId></item>"
    "</availabilityZoneInfo></DescribeAvailabilityZonesResponse>";
constexpr char kThrottled[] =
    "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
    "exceeded.</Message></Error></Errors><RequestID>r</RequestID></Response>";

// Answers the first `failures` requests with `status`/`body` (+ Retry-After when set), then
// with `success_body`.
class FaultInjectingServer {
 public:
  FaultInjectingServer(int failures, int status, std::string body, std::string success_body,
                       std::string retry_after = "")
      : failures_(failures) {
    server_.Post("/", [=, this](const httplib::Request&, httplib::Response& res) {
      if (++requests_ <= failures_) {
        res.status = status;
        if (!retry_after.empty()) res.set_header("Retry-After", retry_after);
        res.set_content(body, "text/xml");
        return;
      }
      res.set_content(success_body, "text/xml");
    });
    server_.set_keep_alive_max_count(1);  // so stop() need not wait for idle connections
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~FaultInjectingServer() {
    server_.stop();
    thread_.join();
  }
  ServiceEndpoint Endpoint(const std::string& service) const {
    return {"http://127.0.0.1:" + std::to_string(port_), "us-east-1", service};
  }
  int requests() const { return requests_.load(); }

 private:
  httplib::Server server_;
  int failures_;
  std::atomic<int> requests_{0};
  int port_ = 0;
  std::thread thread_;
};

class AwsRetryTest : public ::testing::Test {
 protected:
  TimePoint start_ = std::chrono::system_clock::from_time_t(1'764'000'000);
  FakeClock clock_{start_};
  CurlHttpClient http_;
  StaticCredentialsProvider credentials_{{.access_key_id = "AKID", .secret_access_key = "s"}};
  AwsTransport transport_{http_, &credentials_, clock_,
                          RetryPolicy{.max_attempts = 4,
                                      .initial_backoff = std::chrono::milliseconds(100),
                                      .max_backoff = std::chrono::seconds(5),
                                      .max_total = std::chrono::seconds(30)}};
};

TEST_F(AwsRetryTest, ThrottlingIsRetriedUntilItSucceeds) {
  FaultInjectingServer server(3, 503, kThrottled, kZones);
  Ec2Client ec2(transport_, server.Endpoint("ec2"));
  Result<std::vector<AvailabilityZone>> zones = ec2.DescribeAvailabilityZones();
  ASSERT_TRUE(zones.has_value()) << zones.error().ToString();
  EXPECT_EQ(zones->front().zone_id, "use1-az1");
  EXPECT_EQ(server.requests(), 4);
  EXPECT_EQ(transport_.last_attempts(), 4);
}

TEST_F(AwsRetryTest, ServerErrorsAreRetriedThenGiveUpBounded) {
  FaultInjectingServer server(100, 500,
                              "<Response><Errors><Error><Code>InternalError</Code></Error>"
                              "</Errors></Response>",
                              kZones);
  Ec2Client ec2(transport_, server.Endpoint("ec2"));
  Result<std::vector<AvailabilityZone>> zones = ec2.DescribeAvailabilityZones();
  ASSERT_FALSE(zones.has_value());
  EXPECT_TRUE(IsUnavailable(zones.error())) << zones.error().ToString();
  EXPECT_EQ(AwsErrorCode(zones.error()), "InternalError");
  EXPECT_NE(zones.error().message.find("gave up after 4 attempts"), std::string::npos);
  EXPECT_EQ(server.requests(), 4);
  EXPECT_LE(clock_.Now() - start_, std::chrono::seconds(30));
}

TEST_F(AwsRetryTest, PersistentThrottlingEndsAsResourceExhausted) {
  FaultInjectingServer server(100, 503, kThrottled, kZones);
  Ec2Client ec2(transport_, server.Endpoint("ec2"));
  Result<std::vector<AvailabilityZone>> zones = ec2.DescribeAvailabilityZones();
  ASSERT_FALSE(zones.has_value());
  EXPECT_TRUE(IsResourceExhausted(zones.error()));
  EXPECT_EQ(AwsErrorCode(zones.error()), "RequestLimitExceeded");
  EXPECT_EQ(server.requests(), 4);
}

TEST_F(AwsRetryTest, RetryAfterIsHonoured) {
  FaultInjectingServer server(1, 429, R"({"__type":"ThrottlingException"})",
                              R"({"QueueUrl":"http://q/1"})", "7");
  SqsClient sqs(transport_, server.Endpoint("sqs"));
  Result<std::string> url = sqs.GetQueueUrl("q");
  ASSERT_TRUE(url.has_value()) << url.error().ToString();
  EXPECT_EQ(*url, "http://q/1");
  EXPECT_EQ(server.requests(), 2);
  EXPECT_GE(clock_.Now() - start_, std::chrono::seconds(7));
}

TEST_F(AwsRetryTest, CapacityErrorsAreNotRetried) {
  FaultInjectingServer server(100, 500,
                              "<Response><Errors><Error><Code>InsufficientInstanceCapacity"
                              "</Code><Message>none</Message></Error></Errors></Response>",
                              kZones);
  Ec2Client ec2(transport_, server.Endpoint("ec2"));
  FleetRequest request{.launch_template_id = "lt-1", .overrides = {{"m5.large", "subnet-1"}}};
  Result<std::vector<Ec2Instance>> run = ec2.RunInstances(request, request.overrides[0], 1);
  ASSERT_FALSE(run.has_value());
  EXPECT_TRUE(IsInsufficientCapacity(run.error()));
  EXPECT_EQ(server.requests(), 1);
}

}  // namespace
}  // namespace cloudoptim::aws
