#include "aws/aws_error.h"

#include <gtest/gtest.h>

namespace cloudoptim::aws {
namespace {

HttpResponse Ec2Error(int status, const std::string& code, const std::string& message) {
  return {.status = status,
          .body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" +
                  code + "</Code><Message>" + message +
                  "</Message></Error></Errors><RequestID>req-1</RequestID></Response>"};
}

Error Map(const HttpResponse& response, std::string_view action = "DescribeInstances") {
  return MapAwsError("ec2", action, response.status, ParseAwsError(response));
}

TEST(AwsErrorTest, UnauthorizedOperationIsPermissionDeniedNamingTheAction) {
  Error e = Map(Ec2Error(403, "UnauthorizedOperation", "You are not authorized"));
  EXPECT_TRUE(IsPermissionDenied(e));
  EXPECT_NE(e.message.find("ec2:DescribeInstances"), std::string::npos);
  EXPECT_NE(e.message.find("req-1"), std::string::npos);
  EXPECT_EQ(AwsErrorCode(e), "UnauthorizedOperation");
}

TEST(AwsErrorTest, DistinctOutcomesForCapacityNotFoundAndThrottling) {
  Error capacity = Map(Ec2Error(500, "InsufficientInstanceCapacity", "none left"), "CreateFleet");
  EXPECT_TRUE(IsResourceExhausted(capacity));
  EXPECT_TRUE(IsInsufficientCapacity(capacity));

  Error missing = Map(Ec2Error(400, "InvalidInstanceID.NotFound", "i-1 does not exist"));
  EXPECT_TRUE(IsNotFound(missing));
  EXPECT_EQ(AwsErrorCode(missing), "InvalidInstanceID.NotFound");

  Error throttled = Map(Ec2Error(503, "RequestLimitExceeded", "slow down"));
  EXPECT_TRUE(IsResourceExhausted(throttled));
  EXPECT_TRUE(IsRetryableAwsError(503, "RequestLimitExceeded"));
  EXPECT_TRUE(IsRetryableAwsError(400, "Throttling"));
  EXPECT_FALSE(IsRetryableAwsError(500, "InsufficientInstanceCapacity"));
  EXPECT_TRUE(IsUnavailable(Map(Ec2Error(500, "InternalError", "oops"))));
}

TEST(AwsErrorTest, DryRunOperationIsRecognisedAsSuccess) {
  Error e = Map(Ec2Error(412, "DryRunOperation", "Request would have succeeded"), "RunInstances");
  EXPECT_TRUE(IsDryRunSuccess(e));
  EXPECT_TRUE(IsFailedPrecondition(e));
}

TEST(AwsErrorTest, ReadsStsAndJsonShapes) {
  HttpResponse sts{.status = 403,
                   .body =
                       "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                       "<Message>not allowed</Message></Error></ErrorResponse>"};
  EXPECT_TRUE(IsPermissionDenied(MapAwsError("sts", "AssumeRole", 403, ParseAwsError(sts))));

  HttpResponse sqs{.status = 400,
                   .body = R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist",)"
                           R"("message":"The specified queue does not exist."})"};
  sqs.headers.Set("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender");
  AwsErrorDetail detail = ParseAwsError(sqs);
  EXPECT_EQ(detail.code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(detail.message, "The specified queue does not exist.");
  EXPECT_TRUE(IsNotFound(MapAwsError("sqs", "GetQueueUrl", 400, detail)));

  HttpResponse json{.status = 400, .body = R"({"__type":"ThrottlingException"})"};
  EXPECT_TRUE(IsResourceExhausted(MapAwsError("pricing", "GetProducts", 400, ParseAwsError(json))));
}

TEST(AwsErrorTest, UnreadableBodiesFallBackToTheHttpStatus) {
  HttpResponse garbage{.status = 404, .body = "<html>nope"};
  Error e = MapAwsError("ec2", "X", 404, ParseAwsError(garbage));
  EXPECT_TRUE(IsNotFound(e));
  EXPECT_EQ(AwsErrorCode(e), "");
  EXPECT_NE(e.message.find("<html>nope"), std::string::npos);
}

}  // namespace
}  // namespace cloudoptim::aws
