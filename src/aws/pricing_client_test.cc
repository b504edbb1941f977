#include "aws/pricing_client.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "net/fake_http_client.h"

namespace cloudoptim::aws {
namespace {

std::string RecordedProduct() {
  std::ifstream in(std::string(CO_SOURCE_DIR) +
                   "/testdata/aws/api-responses/get-products-m5-large.json");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(PricingTest, DecodesTheRecordedM5LargeProduct) {
  Result<ProductPrice> price = DecodePriceListProduct(RecordedProduct());
  ASSERT_TRUE(price.has_value()) << price.error().ToString();
  EXPECT_EQ(price->instance_type, "m5.large");
  EXPECT_EQ(price->region_code, "us-east-1");
  EXPECT_EQ(price->usd_per_hour, Money::FromUsd(0.096));
  EXPECT_TRUE(IsPlainLinuxOnDemand(*price));
}

TEST(PricingTest, BrokenProductsNameWhatIsMissing) {
  EXPECT_NE(DecodePriceListProduct("{}").error().message.find("product.attributes"),
            std::string::npos);
  nlohmann::json no_terms = nlohmann::json::parse(RecordedProduct());
  no_terms.erase("terms");
  EXPECT_NE(DecodePriceListProduct(no_terms.dump()).error().message.find("terms.OnDemand"),
            std::string::npos);
  EXPECT_TRUE(IsInvalidArgument(DecodePriceListProduct("[").error()));
}

// GetProducts wraps each product document as a string inside PriceList, page by page.
TEST(PricingTest, ClientFollowsPagesAndFillsTheCatalogue) {
  FakeHttpClient http;
  nlohmann::json windows = nlohmann::json::parse(RecordedProduct());
  windows["product"]["attributes"]["operatingSystem"] = "Windows";
  http.Enqueue(HttpResponse{.status = 200,
                            .body = nlohmann::json{{"FormatVersion", "aws_v1"},
                                                   {"PriceList", {windows.dump()}},
                                                   {"NextToken", "page-2"}}
                                        .dump()});
  http.Enqueue(HttpResponse{
      .status = 200,
      .body =
          nlohmann::json{{"FormatVersion", "aws_v1"}, {"PriceList", {RecordedProduct()}}}.dump()});
  http.Enqueue(HttpResponse{.status = 200, .body = R"({"PriceList":[]})"});
  FakeClock clock(std::chrono::system_clock::from_time_t(1'700'000'000));
  StaticCredentialsProvider credentials({.access_key_id = "AKID", .secret_access_key = "s"});
  AwsTransport transport(http, &credentials, clock);
  PricingClient pricing(transport, {.url = "https://api.pricing.us-east-1.amazonaws.com",
                                    .signing_region = "us-east-1",
                                    .signing_name = "pricing"});
  Catalog catalog;
  ASSERT_TRUE(
      FetchOnDemandPrices(pricing, "us-east-1", {"m5.large", "x9.huge"}, catalog).has_value());
  Result<Money> price = catalog.OnDemandPrice("us-east-1", "m5.large");
  ASSERT_TRUE(price.has_value()) << price.error().ToString();
  EXPECT_EQ(*price, Money::FromUsd(0.096));
  EXPECT_EQ(catalog.OnDemandPriceSource("us-east-1", "m5.large"), PriceSource::kFetched);
  EXPECT_FALSE(catalog.OnDemandPrice("us-east-1", "x9.huge").has_value());

  std::vector<HttpRequest> requests = http.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].headers.Get("X-Amz-Target"), "AWSPriceListService.GetProducts");
  EXPECT_EQ(requests[0].headers.Get("Content-Type"), "application/x-amz-json-1.1");
  nlohmann::json second = nlohmann::json::parse(requests[1].body);
  EXPECT_EQ(second["NextToken"], "page-2");
  EXPECT_NE(
      requests[0].body.find(R"("Field":"regionCode","Type":"TERM_MATCH","Value":"us-east-1")"),
      std::string::npos)
      << requests[0].body;
}

TEST(PricingTest, LocationNamesMapToRegionCodes) {
  EXPECT_EQ(RegionCodeForLocation("EU (Frankfurt)"), "eu-central-1");
  EXPECT_EQ(RegionCodeForLocation("Moon (Base)"), "");
}

}  // namespace
}  // namespace cloudoptim::aws
