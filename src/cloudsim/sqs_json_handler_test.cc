#include "cloudsim/sqs_json_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cloudsim/cloudsim_test_util.h"

namespace cloudoptim {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::SizeIs;

using cloudsim_test::kStart;
constexpr std::string_view kEndpoint = "http://127.0.0.1:4566";

class SqsJsonHandlerTest : public ::testing::Test {
 protected:
  SqsJsonHandlerTest()
      : clock_(kStart), cloud_({.catalog = nullptr, .seed = 3}), sqs_(cloud_, clock_) {
    queue_url_ = cloud_.QueueUrl(kEndpoint);
  }
  WireResponse Call(std::string_view operation, json request) {
    if (!request.contains("QueueUrl") && operation != "GetQueueUrl")
      request["QueueUrl"] = queue_url_;
    return sqs_.Handle(operation, request.dump(), kEndpoint, "req-1");
  }
  json Ok(std::string_view operation, json request) {
    WireResponse response = Call(operation, std::move(request));
    EXPECT_EQ(response.status, 200) << response.body;
    return json::parse(response.body);
  }

  FakeClock clock_;
  SimulatedCloud cloud_;
  SqsJsonHandler sqs_;
  std::string queue_url_;
};

TEST_F(SqsJsonHandlerTest, ReceiveReturnsTheBodyItsMd5AndTheAskedAttributes) {
  EXPECT_EQ(Ok("ReceiveMessage", json::object()), json::object()) << "empty queue";
  cloud_.SendEvent(R"({"detail-type":"x"})", clock_.Now());
  json received =
      Ok("ReceiveMessage",
         {{"MessageSystemAttributeNames", {"ApproximateReceiveCount", "SentTimestamp"}}});
  ASSERT_THAT(received["Messages"], SizeIs(1));
  const json& message = received["Messages"][0];
  EXPECT_EQ(message["Body"], R"({"detail-type":"x"})");
  EXPECT_EQ(message["MD5OfBody"], Md5Hex(R"({"detail-type":"x"})"));
  EXPECT_EQ(message["Attributes"]["ApproximateReceiveCount"], "1");
  EXPECT_EQ(message["Attributes"]["SentTimestamp"], "1795651200000");
  EXPECT_FALSE(message["Attributes"].contains("SenderId"));
  EXPECT_FALSE(message["ReceiptHandle"].get<std::string>().empty());
}

TEST_F(SqsJsonHandlerTest, VisibilityTimeoutHidesAMessageUntilItRunsOut) {
  cloud_.SendEvent("event", clock_.Now());
  json first = Ok("ReceiveMessage", {{"VisibilityTimeout", 60}});
  ASSERT_THAT(first["Messages"], SizeIs(1));
  clock_.Advance(std::chrono::seconds(59));
  EXPECT_FALSE(Ok("ReceiveMessage", json::object()).contains("Messages"));
  clock_.Advance(std::chrono::seconds(1));
  json again = Ok("ReceiveMessage", {{"AttributeNames", {"All"}}});
  ASSERT_THAT(again["Messages"], SizeIs(1));
  EXPECT_EQ(again["Messages"][0]["Attributes"]["ApproximateReceiveCount"], "2");
  EXPECT_NE(again["Messages"][0]["ReceiptHandle"], first["Messages"][0]["ReceiptHandle"]);
  const std::string handle = again["Messages"][0]["ReceiptHandle"];
  Ok("ChangeMessageVisibility", {{"ReceiptHandle", handle}, {"VisibilityTimeout", 0}});
  EXPECT_THAT(Ok("ReceiveMessage", json::object())["Messages"], SizeIs(1));
}

TEST_F(SqsJsonHandlerTest, DeleteRemovesTheMessageAndBadHandlesAreErrors) {
  cloud_.SendEvent("event", clock_.Now());
  const std::string handle = Ok("ReceiveMessage", json::object())["Messages"][0]["ReceiptHandle"];
  Ok("DeleteMessage", {{"ReceiptHandle", handle}});
  json attributes = Ok("GetQueueAttributes", {{"AttributeNames", {"All"}}});
  EXPECT_EQ(attributes["Attributes"]["ApproximateNumberOfMessages"], "0");
  EXPECT_EQ(attributes["Attributes"]["ApproximateNumberOfMessagesNotVisible"], "0");
  EXPECT_EQ(attributes["Attributes"]["QueueArn"],
            "arn:aws:sqs:us-east-1:123456789012:cloudoptim-interruptions");
  WireResponse invalid = Call("DeleteMessage", {{"ReceiptHandle", "bogus"}});
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(json::parse(invalid.body)["__type"], "com.amazonaws.sqs#ReceiptHandleIsInvalid");
  EXPECT_THAT(invalid.headers,
              Contains(Pair("x-amzn-query-error", "ReceiptHandleIsInvalid;Sender")));
}

TEST_F(SqsJsonHandlerTest, DeleteMessageBatchReportsEachEntry) {
  cloud_.SendEvent("a", clock_.Now());
  const std::string handle = Ok("ReceiveMessage", json::object())["Messages"][0]["ReceiptHandle"];
  json result = Ok("DeleteMessageBatch", {{"Entries",
                                           {{{"Id", "good"}, {"ReceiptHandle", handle}},
                                            {{"Id", "bad"}, {"ReceiptHandle", "nope"}}}}});
  ASSERT_THAT(result["Successful"], SizeIs(1));
  EXPECT_EQ(result["Successful"][0]["Id"], "good");
  ASSERT_THAT(result["Failed"], SizeIs(1));
  EXPECT_EQ(result["Failed"][0]["Code"], "ReceiptHandleIsInvalid");
  EXPECT_EQ(json::parse(Call("DeleteMessageBatch", {{"Entries", json::array()}}).body)["__type"],
            "com.amazonaws.sqs#EmptyBatchRequest");
}

TEST_F(SqsJsonHandlerTest, UnknownQueuesAndBadParametersAreSqsErrors) {
  WireResponse missing = Call("ReceiveMessage", {{"QueueUrl", "http://x/123456789012/other"}});
  EXPECT_EQ(json::parse(missing.body)["__type"], "com.amazonaws.sqs#QueueDoesNotExist");
  EXPECT_THAT(missing.headers, Contains(Pair("x-amzn-query-error",
                                             "AWS.SimpleQueueService.NonExistentQueue;Sender")));
  EXPECT_EQ(Call("GetQueueUrl", {{"QueueName", "other"}}).status, 400);
  EXPECT_EQ(Ok("GetQueueUrl", {{"QueueName", "cloudoptim-interruptions"}})["QueueUrl"], queue_url_);
  EXPECT_THAT(Call("ReceiveMessage", {{"MaxNumberOfMessages", 11}}).body,
              HasSubstr("MaxNumberOfMessages"));
  EXPECT_THAT(Call("ReceiveMessage", {{"WaitTimeSeconds", "ten"}}).body,
              HasSubstr("WaitTimeSeconds"));
  EXPECT_THAT(Call("PurgeQueue", json::object()).body, HasSubstr("UnsupportedOperation"));
  WireResponse garbage = sqs_.Handle("ReceiveMessage", "{not json", kEndpoint, "req-2");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_THAT(garbage.body, HasSubstr("SerializationException"));
}

TEST_F(SqsJsonHandlerTest, SendMessageQueuesABodyWithItsMd5) {
  json sent = Ok("SendMessage", {{"MessageBody", "hello"}});
  EXPECT_EQ(sent["MD5OfMessageBody"], Md5Hex("hello"));
  json received = Ok("ReceiveMessage", json::object());
  EXPECT_EQ(received["Messages"][0]["MessageId"], sent["MessageId"]);
}

TEST_F(SqsJsonHandlerTest, ALongPollEndsWithNothingWhenNothingArrives) {
  json result = Ok("ReceiveMessage", {{"WaitTimeSeconds", 1}});
  EXPECT_FALSE(result.contains("Messages"));
}

}  // namespace
}  // namespace cloudoptim
