#include "cloudsim/sts_query_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "cloudsim/cloudsim_test_util.h"

namespace cloudoptim {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using cloudsim_test::kStart;

class StsQueryHandlerTest : public ::testing::Test {
 protected:
  StsQueryHandlerTest() : clock_(kStart), sts_("123456789012", clock_) {}
  WireResponse Send(const std::string& body, std::string_view key = "AKIDEXAMPLE") {
    return sts_.Handle(*FormParams::Decode(body), key, "req-9");
  }
  pugi::xml_node Parse(const WireResponse& response) {
    EXPECT_TRUE(doc_.load_string(response.body.c_str())) << response.body;
    return doc_.first_child();
  }
  FakeClock clock_;
  StsQueryHandler sts_;
  pugi::xml_document doc_;
};

TEST_F(StsQueryHandlerTest, GetCallerIdentityNamesTheSandboxUser) {
  pugi::xml_node root = Parse(Send("Action=GetCallerIdentity&Version=2011-06-15"));
  EXPECT_STREQ(root.name(), "GetCallerIdentityResponse");
  pugi::xml_node result = root.child("GetCallerIdentityResult");
  EXPECT_STREQ(result.child_value("Account"), "123456789012");
  EXPECT_STREQ(result.child_value("Arn"), "arn:aws:iam::123456789012:user/sandbox");
  EXPECT_STREQ(root.child("ResponseMetadata").child_value("RequestId"), "req-9");
}

TEST_F(StsQueryHandlerTest, AssumeRoleIssuesCredentialsThatIdentifyAsTheRole) {
  sts_.RequireExternalId("ext-1");
  const std::string assume =
      "Action=AssumeRole&RoleArn=arn:aws:iam::123456789012:role/CloudOptim&RoleSessionName=s1";
  WireResponse denied = Send(assume);
  EXPECT_EQ(denied.status, 403);
  EXPECT_STREQ(Parse(denied).child("Error").child_value("Code"), "AccessDenied");
  pugi::xml_node root = Parse(Send(assume + "&ExternalId=ext-1&DurationSeconds=900"));
  pugi::xml_node credentials = root.child("AssumeRoleResult").child("Credentials");
  const std::string key = credentials.child_value("AccessKeyId");
  EXPECT_THAT(key, StartsWith("ASIA"));
  EXPECT_EQ(std::string(credentials.child_value("SecretAccessKey")).size(), 40u);
  EXPECT_STREQ(credentials.child_value("Expiration"), "2026-11-26T00:15:00Z");
  EXPECT_STREQ(root.child("AssumeRoleResult").child("AssumedRoleUser").child_value("Arn"),
               "arn:aws:sts::123456789012:assumed-role/CloudOptim/s1");
  pugi::xml_node identity = Parse(Send("Action=GetCallerIdentity", key));
  EXPECT_STREQ(identity.child("GetCallerIdentityResult").child_value("Arn"),
               "arn:aws:sts::123456789012:assumed-role/CloudOptim/s1");
}

TEST_F(StsQueryHandlerTest, BadRequestsAreValidationErrors) {
  WireResponse no_session = Send("Action=AssumeRole&RoleArn=arn:aws:iam::123456789012:role/R");
  EXPECT_EQ(no_session.status, 400);
  EXPECT_STREQ(Parse(no_session).child("Error").child_value("Code"), "ValidationError");
  EXPECT_STREQ(Parse(Send("Action=AssumeRole&RoleArn=nonsense&RoleSessionName=s1"))
                   .child("Error")
                   .child_value("Code"),
               "ValidationError");
  EXPECT_STREQ(Parse(Send("Action=AssumeRole&RoleArn=arn:aws:iam::999999999999:role/R&"
                          "RoleSessionName=s1"))
                   .child("Error")
                   .child_value("Code"),
               "AccessDenied");
  EXPECT_STREQ(Parse(Send("Action=GetSessionToken")).child("Error").child_value("Code"),
               "InvalidAction");
  EXPECT_THAT(Send("Version=2011-06-15").body, HasSubstr("MissingAction"));
}

}  // namespace
}  // namespace cloudoptim
