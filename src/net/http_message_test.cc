#include "net/http_message.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

TEST(HttpHeadersTest, LookupIgnoresCase) {
  HttpHeaders headers{{"Content-Type", "text/xml"}, {"X-Amz-Date", "20150830T123600Z"}};
  EXPECT_EQ(headers.Get("content-type"), "text/xml");
  EXPECT_EQ(headers.Get("X-AMZ-DATE"), "20150830T123600Z");
  EXPECT_FALSE(headers.Get("Retry-After").has_value());
}

TEST(HttpHeadersTest, SetReplacesEveryFieldOfThatNameButAddKeepsThem) {
  HttpHeaders headers;
  headers.Add("Accept", "a");
  headers.Add("accept", "b");
  EXPECT_EQ(headers.fields().size(), 2u);
  EXPECT_EQ(headers.Get("ACCEPT"), "a");
  headers.Set("Accept", "c");
  ASSERT_EQ(headers.fields().size(), 1u);
  EXPECT_EQ(headers.Get("accept"), "c");
  headers.Remove("aCCept");
  EXPECT_TRUE(headers.empty());
}

TEST(HttpResponseTest, OkMeansTwoHundreds) {
  EXPECT_TRUE(HttpResponse{.status = 204}.ok());
  EXPECT_FALSE(HttpResponse{.status = 301}.ok());
  EXPECT_FALSE(HttpResponse{.status = 503}.ok());
}

}  // namespace
}  // namespace cloudoptim
