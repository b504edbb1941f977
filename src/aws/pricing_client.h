// On-demand Linux prices from the AWS Price List API (pricing:GetProducts, JSON 1.1 protocol,
// served from us-east-1), so regions beyond the shipped tables get real prices. The emulator
// has no pricing service: decoding is tested on a recorded real response.
//
//   PricingClient pricing(session.transport(), session.config().Endpoint("pricing"));
//   Result<Money> hourly = pricing.OnDemandLinuxPrice("ap-southeast-4", "m5.large");
//   Status s = FetchOnDemandPrices(pricing, "ap-southeast-4", {"m5.large", "c5.xlarge"}, catalog);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_config.h"
#include "aws/aws_transport.h"
#include "catalog/catalog.h"
#include "common/money.h"

namespace cloudoptim::aws {

// One product of a GetProducts answer, reduced to what the catalogue needs.
struct ProductPrice {
  std::string instance_type;
  std::string region_code;  // "us-east-1"; from attributes.regionCode or the location name
  std::string operating_system;
  std::string tenancy;
  std::string capacity_status;
  std::string pre_installed_software;
  Money usd_per_hour;  // the OnDemand term's hourly dimension
};

// Reads one Price List product document (the strings inside PriceList). InvalidArgument
// naming the missing part (attributes, OnDemand term, hourly USD price).
Result<ProductPrice> DecodePriceListProduct(std::string_view product_json);
// Whether a product is the plain on-demand Linux price: Linux, shared tenancy, no
// pre-installed software, capacity status "Used".
bool IsPlainLinuxOnDemand(const ProductPrice& product);
// The region code for a Price List location name ("US East (N. Virginia)" -> "us-east-1");
// empty when unknown.
std::string RegionCodeForLocation(std::string_view location);

class PricingClient {
 public:
  PricingClient(AwsTransport& transport, ServiceEndpoint endpoint);

  // NotFound naming the region and type when AWS lists no plain Linux on-demand product.
  Result<Money> OnDemandLinuxPrice(std::string_view region, std::string_view instance_type);
  // Every product matching the filters, following NextToken.
  Result<std::vector<ProductPrice>> GetProducts(std::string_view region,
                                                std::string_view instance_type);

 private:
  AwsTransport& transport_;
  ServiceEndpoint endpoint_;
};

// Fetches each type's price and records it with Catalog::SetFetchedOnDemandPrice. Types AWS
// does not price in that region are skipped; the first transport or permission error stops
// and is returned.
Status FetchOnDemandPrices(PricingClient& pricing, std::string_view region,
                           const std::vector<std::string>& instance_types, Catalog& catalog);

}  // namespace cloudoptim::aws
