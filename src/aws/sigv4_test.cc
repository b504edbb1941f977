#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cloudoptim::aws {
namespace {

namespace fs = std::filesystem;

const AwsCredentials kSuiteCredentials{
    .access_key_id = "AKIDEXAMPLE",
    .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};

std::string ReadSuiteFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A test-suite .req file: "METHOD PATH HTTP/1.1", header lines (a line starting with
// whitespace continues the previous header with another value), a blank line, the body.
struct SuiteRequest {
  std::string method, path, query, body;
  HttpHeaders headers;
};

SuiteRequest ParseSuiteRequest(const std::string& text) {
  SuiteRequest request;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  const size_t first_space = line.find(' ');
  const size_t version = line.rfind(" HTTP/");
  request.method = line.substr(0, first_space);
  std::string target = line.substr(first_space + 1, version - first_space - 1);
  const size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) request.query = target.substr(question + 1);
  std::string last_name;
  while (std::getline(in, line) && !line.empty()) {
    if (line[0] == ' ' || line[0] == '\t') {
      request.headers.Add(last_name, line);
      continue;
    }
    const size_t colon = line.find(':');
    last_name = line.substr(0, colon);
    request.headers.Add(last_name, line.substr(colon + 1));
  }
  std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  request.body = rest;
  return request;
}

std::vector<fs::path> SuiteCases() {
  std::vector<fs::path> cases;
  const fs::path root =
      fs::path(CO_SOURCE_DIR) / "testdata/aws/sigv4-test-suite/aws-sig-v4-test-suite";
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() == ".req") cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

// Every case of the suite applies to us: the suite is for non-S3 services (paths are
// normalised), header values are trimmed and folded lines joined as the suite expects, and
// post-sts-header-before/after differ only in whether the token header is present when
// signing. Two published vectors are internally inconsistent: their .sts hash is not the
// SHA-256 of their own .creq. For those we check the canonical request against .creq and
// prove the inconsistency; post-x-www-form-urlencoded's .sts/.authz were made without the
// Content-Length header (its SignedHeaders say so), which we check too.
// post-x-www-form-urlencoded-parameters' .sts was made from "charset=utf8" without
// Content-Length while its .authz lists content-length: no single request produces both, so
// its string to sign and authorization are the only comparisons not made.
TEST(SigV4SuiteTest, EveryCaseMatchesCanonicalRequestStringToSignAndAuthorization) {
  const std::vector<fs::path> cases = SuiteCases();
  ASSERT_EQ(cases.size(), 31u) << "the suite was not found or changed";
  SigV4Signer signer("us-east-1", "service");
  for (const fs::path& req_path : cases) {
    const std::string name = req_path.stem().string();
    SCOPED_TRACE(name);
    SuiteRequest request = ParseSuiteRequest(ReadSuiteFile(req_path));
    fs::path base = req_path;
    base.replace_extension();
    const std::string creq = ReadSuiteFile(base.string() + ".creq");
    const std::string sts = ReadSuiteFile(base.string() + ".sts");
    SigningSteps steps =
        signer.Compute(request.method, request.path, request.query, request.headers, request.body,
                       kSuiteCredentials, "20150830T123600Z");
    EXPECT_EQ(steps.canonical_request, creq);
    if (name.starts_with("post-x-www-form-urlencoded")) {
      EXPECT_FALSE(sts.ends_with(Sha256Hex(creq))) << "vector became consistent: compare fully";
      if (name != "post-x-www-form-urlencoded") continue;
      request.headers.Remove("Content-Length");
      steps = signer.Compute(request.method, request.path, request.query, request.headers,
                             request.body, kSuiteCredentials, "20150830T123600Z");
    }
    EXPECT_EQ(steps.string_to_sign, sts);
    EXPECT_EQ(steps.authorization, ReadSuiteFile(base.string() + ".authz"));
  }
}

TEST(SigV4SignerTest, SignAddsHostDateTokenAndAuthorization) {
  SigV4Signer signer("us-east-1", "service");
  HttpRequest request{.method = "GET", .url = "https://example.amazonaws.com/"};
  AwsCredentials with_token = kSuiteCredentials;
  with_token.session_token = "TOKEN";
  const TimePoint when = std::chrono::system_clock::from_time_t(1440938160);  // 2015-08-30 12:36
  ASSERT_TRUE(signer.Sign(request, with_token, when).has_value());
  EXPECT_EQ(request.headers.Get("host"), "example.amazonaws.com");
  EXPECT_EQ(request.headers.Get("x-amz-date"), "20150830T123600Z");
  EXPECT_EQ(request.headers.Get("x-amz-security-token"), "TOKEN");
  std::string authorization(request.headers.Get("authorization").value_or(""));
  EXPECT_NE(authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token"),
            std::string::npos);
}

TEST(SigV4SignerTest, VanillaGetThroughSignMatchesTheSuite) {
  SigV4Signer signer("us-east-1", "service");
  HttpRequest request{.method = "GET", .url = "https://example.amazonaws.com:443/"};
  ASSERT_TRUE(
      signer.Sign(request, kSuiteCredentials, std::chrono::system_clock::from_time_t(1440938160))
          .has_value());
  EXPECT_EQ(request.headers.Get("Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4SignerTest, KeepsANonDefaultPortInHostAndRejectsBadUrls) {
  SigV4Signer signer("us-east-1", "ec2");
  HttpRequest request{.method = "POST", .url = "http://127.0.0.1:5000/"};
  ASSERT_TRUE(signer.Sign(request, kSuiteCredentials, {}).has_value());
  EXPECT_EQ(request.headers.Get("Host"), "127.0.0.1:5000");
  HttpRequest bad{.url = "not a url"};
  EXPECT_TRUE(IsInvalidArgument(signer.Sign(bad, kSuiteCredentials, {}).error()));
}

TEST(UriEncodeTest, EncodesAllButUnreserved) {
  EXPECT_EQ(UriEncode("a b/c~_.-*"), "a%20b%2Fc~_.-%2A");
  EXPECT_EQ(UriEncode("a/b", true), "a/b");
  EXPECT_EQ(UriDecode("%E1%88%B4%2"), "\xE1\x88\xB4%2");
}

}  // namespace
}  // namespace cloudoptim::aws
