#include "cloudsim/aws_wire_encoding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "cloudsim/ec2_filters.h"

namespace cloudoptim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(FormParamsTest, DecodesPercentEscapesPlusesAndEc2Lists) {
  auto params = FormParams::Decode(
      "Action=DescribeInstances&Filter.1.Name=tag%3Ateam&Filter.1.Value.1=web+app&"
      "Filter.1.Value.2=db&InstanceId.2=i-2&InstanceId.1=i-1&InstanceId.10=i-10&Empty=");
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ(params->Get("Filter.1.Name"), "tag:team");
  EXPECT_THAT(params->List("Filter.1.Value"), ElementsAre("web app", "db"));
  EXPECT_THAT(params->List("InstanceId"), ElementsAre("i-1", "i-2", "i-10"));
  EXPECT_THAT(params->Indices("Filter"), ElementsAre(1));
  EXPECT_EQ(params->Get("Empty"), "");
  EXPECT_FALSE(params->Get("Missing").has_value());
}

TEST(FormParamsTest, RejectsBrokenEscapesAndNonNumbers) {
  EXPECT_THAT(FormParams::Decode("Action=%zz").error().message, HasSubstr("percent-encoding"));
  EXPECT_FALSE(FormParams::Decode("Action=%4").has_value());
  auto params = FormParams::Decode("MaxResults=ten&DryRun=maybe");
  EXPECT_THAT(params->GetInt("MaxResults").error().message, HasSubstr("MaxResults"));
  EXPECT_THAT(params->GetBool("DryRun").error().message, HasSubstr("DryRun"));
}

TEST(XmlWriterTest, EscapesTextAndClosesWhatIsOpen) {
  XmlWriter xml;
  xml.Open("Root", kEc2Namespace).Open("item").Leaf("value", "a<b & \"c\"").Bool("ok", true);
  const std::string text = xml.Finish();
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(text.c_str()));
  EXPECT_STREQ(doc.child("Root").attribute("xmlns").value(), kEc2Namespace.data());
  EXPECT_STREQ(doc.child("Root").child("item").child_value("value"), "a<b & \"c\"");
  EXPECT_STREQ(doc.child("Root").child("item").child_value("ok"), "true");
}

TEST(XmlWriterTest, ReplacesBytesThatAreNotUtf8) {
  EXPECT_EQ(XmlEscape("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(XmlEscape("a\xf6"
                      "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(XmlEscape("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(AwsErrorTest, TakesTheAwsCodeFromTheMessagePrefix) {
  AwsError in_use = ToAwsError(Error{ErrorCode::kFailedPrecondition, "VolumeInUse: vol-1 busy"});
  EXPECT_EQ(in_use.code, "VolumeInUse");
  EXPECT_EQ(in_use.message, "vol-1 busy");
  EXPECT_EQ(in_use.http_status, 400);
  AwsError plain = ToAwsError(Error{ErrorCode::kInvalidArgument, "size must be positive"});
  EXPECT_EQ(plain.code, "InvalidParameterValue");
  EXPECT_EQ(ToAwsError(Error{ErrorCode::kUnauthenticated, "x"}).http_status, 401);
}

TEST(AwsErrorTest, Ec2ErrorDocumentHasCodeMessageAndRequestId) {
  WireResponse response = Ec2ErrorResponse({"InvalidVolume.NotFound", "no vol-1", 400}, "req-1");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(response.body.c_str()));
  pugi::xml_node error = doc.child("Response").child("Errors").child("Error");
  EXPECT_STREQ(error.child_value("Code"), "InvalidVolume.NotFound");
  EXPECT_STREQ(error.child_value("Message"), "no vol-1");
  EXPECT_STREQ(doc.child("Response").child_value("RequestID"), "req-1");
  EXPECT_EQ(response.status, 400);
}

TEST(SigV4AuthorizationTest, AcceptsWhatBotocoreSends) {
  auto auth = ParseSigV4Authorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/ec2/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, "
      "Signature=fcb27f25b5694c00eedb05ca01df0f79804a0fe4f33e1ec56c805debf97fb1ae");
  ASSERT_TRUE(auth.has_value()) << auth.error().ToString();
  EXPECT_EQ(auth->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(auth->region, "us-east-1");
  EXPECT_EQ(auth->service, "ec2");
  EXPECT_THAT(auth->signed_headers, ElementsAre("content-type", "host", "x-amz-date"));
}

TEST(SigV4AuthorizationTest, NamesWhatIsMissingOrMalformed) {
  EXPECT_THAT(ParseSigV4Authorization("").error().message, HasSubstr("MissingAuthenticationToken"));
  EXPECT_THAT(ParseSigV4Authorization("Bearer abc").error().message,
              HasSubstr("IncompleteSignature"));
  const std::string signature = ", SignedHeaders=host, Signature=" + std::string(64, 'a');
  EXPECT_THAT(ParseSigV4Authorization("AWS4-HMAC-SHA256 Credential=AKID/2026/us-east-1/ec2/"
                                      "aws4_request" +
                                      signature)
                  .error()
                  .message,
              HasSubstr("Credential"));
  EXPECT_THAT(ParseSigV4Authorization("AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/ec2/"
                                      "aws4_request, SignedHeaders=host, Signature=xyz")
                  .error()
                  .message,
              HasSubstr("64 hexadecimal"));
  EXPECT_TRUE(IsUnauthenticated(ParseSigV4Authorization("AWS4-HMAC-SHA256 Credential=A/20261126/"
                                                        "r/s/aws4_request, Signature=" +
                                                        std::string(64, 'a'))
                                    .error()));
}

TEST(Md5HexTest, MatchesKnownDigests) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("The quick brown fox jumps over the lazy dog"),
            "9e107d9d372bb6826bd81d3542a419d6");
}

TEST(Ec2FiltersTest, WildcardsMatchAsEc2Documents) {
  EXPECT_TRUE(WildcardMatch("m5.*", "m5.large"));
  EXPECT_TRUE(WildcardMatch("us-east-1?", "us-east-1a"));
  EXPECT_FALSE(WildcardMatch("us-east-1?", "us-east-1"));
  EXPECT_TRUE(WildcardMatch("*", ""));
  EXPECT_FALSE(WildcardMatch("c5*", "m5.large"));
}

TEST(Ec2FiltersTest, EveryFilterMustMatchAndAnyValueOfOne) {
  auto params = FormParams::Decode(
      "Filter.1.Name=tag:team&Filter.1.Value.1=db&Filter.1.Value.2=web&"
      "Filter.2.Name=instance-state-name&Filter.2.Value.1=running&"
      "Filter.3.Name=tag-key&Filter.3.Value.1=team");
  auto filters = ParseEc2Filters(*params, {"instance-state-name"});
  ASSERT_TRUE(filters.has_value());
  const Tags tags = {{"team", "web"}};
  auto state = [](std::string state) {
    return [state](std::string_view) { return std::vector<std::string>{state}; };
  };
  EXPECT_TRUE(MatchesEc2Filters(*filters, tags, state("running")));
  EXPECT_FALSE(MatchesEc2Filters(*filters, tags, state("pending")));
  EXPECT_FALSE(MatchesEc2Filters(*filters, {{"team", "ops"}}, state("running")));
  auto unknown = FormParams::Decode("Filter.1.Name=colour&Filter.1.Value.1=red");
  EXPECT_THAT(ParseEc2Filters(*unknown, {}).error().message,
              HasSubstr("The filter 'colour' is invalid"));
}

TEST(Ec2FiltersTest, PagesFollowTheirTokens) {
  auto first = PaginateEc2(*FormParams::Decode("MaxResults=5"), 12, {});
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->begin, 0u);
  EXPECT_EQ(first->end, 5u);
  auto last = PaginateEc2(*FormParams::Decode("MaxResults=5&NextToken=p10"), 12, {});
  EXPECT_EQ(last->begin, 10u);
  EXPECT_EQ(last->end, 12u);
  EXPECT_TRUE(last->next_token.empty());
  EXPECT_FALSE(PaginateEc2(*FormParams::Decode("NextToken=garbage"), 12, {}).has_value());
  EXPECT_FALSE(PaginateEc2(*FormParams::Decode("MaxResults=2"), 12, {}).has_value());
}

}  // namespace
}  // namespace cloudoptim
