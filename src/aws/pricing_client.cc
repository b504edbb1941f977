#include "aws/pricing_client.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <utility>

#include "aws/json_member.h"

namespace cloudoptim::aws {
namespace {

using nlohmann::json;

// Price List location names of the commercial regions. Newer product documents carry
// attributes.regionCode and need none of this.
constexpr std::pair<std::string_view, std::string_view> kLocations[] = {
    {"US East (N. Virginia)", "us-east-1"},
    {"US East (Ohio)", "us-east-2"},
    {"US West (N. California)", "us-west-1"},
    {"US West (Oregon)", "us-west-2"},
    {"Africa (Cape Town)", "af-south-1"},
    {"Asia Pacific (Hong Kong)", "ap-east-1"},
    {"Asia Pacific (Hyderabad)", "ap-south-2"},
    {"Asia Pacific (Jakarta)", "ap-southeast-3"},
    {"Asia Pacific (Melbourne)", "ap-southeast-4"},
    {"Asia Pacific (Mumbai)", "ap-south-1"},
    {"Asia Pacific (Osaka)", "ap-northeast-3"},
    {"Asia Pacific (Seoul)", "ap-northeast-2"},
    {"Asia Pacific (Singapore)", "ap-southeast-1"},
    {"Asia Pacific (Sydney)", "ap-southeast-2"},
    {"Asia Pacific (Tokyo)", "ap-northeast-1"},
    {"Canada (Central)", "ca-central-1"},
    {"Canada West (Calgary)", "ca-west-1"},
    {"EU (Frankfurt)", "eu-central-1"},
    {"EU (Ireland)", "eu-west-1"},
    {"EU (London)", "eu-west-2"},
    {"EU (Milan)", "eu-south-1"},
    {"EU (Paris)", "eu-west-3"},
    {"EU (Spain)", "eu-south-2"},
    {"EU (Stockholm)", "eu-north-1"},
    {"EU (Zurich)", "eu-central-2"},
    {"Israel (Tel Aviv)", "il-central-1"},
    {"Middle East (Bahrain)", "me-south-1"},
    {"Middle East (UAE)", "me-central-1"},
    {"South America (Sao Paulo)", "sa-east-1"},
};

// The hourly USD price of the first OnDemand term.
Result<Money> OnDemandHourly(const json& product, const std::string& sku) {
  const json* terms = nullptr;
  if (auto t = product.find("terms"); t != product.end() && t->is_object()) {
    if (auto od = t->find("OnDemand"); od != t->end() && od->is_object()) terms = &*od;
  }
  if (terms == nullptr || terms->empty()) {
    return InvalidArgument("price list product " + sku + " has no terms.OnDemand");
  }
  for (const auto& [term_code, term] : terms->items()) {
    auto dimensions = term.find("priceDimensions");
    if (!term.is_object() || dimensions == term.end() || !dimensions->is_object()) continue;
    for (const auto& [rate_code, dimension] : dimensions->items()) {
      if (StringMember(dimension, "unit") != "Hrs") continue;
      auto per_unit = dimension.find("pricePerUnit");
      if (per_unit == dimension.end()) continue;
      const std::string usd = StringMember(*per_unit, "USD");
      char* end = nullptr;
      const double value = std::strtod(usd.c_str(), &end);
      if (usd.empty() || end != usd.c_str() + usd.size() || value < 0) {
        return InvalidArgument("price list product " + sku + " rate " + rate_code +
                               " has USD price \"" + usd + "\"");
      }
      return Money::FromUsd(value);
    }
  }
  return InvalidArgument("price list product " + sku + " has no hourly (Hrs) on-demand price");
}

}  // namespace

std::string RegionCodeForLocation(std::string_view location) {
  for (const auto& [name, code] : kLocations) {
    if (name == location) return std::string(code);
  }
  return {};
}

Result<ProductPrice> DecodePriceListProduct(std::string_view text) {
  json document = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) return InvalidArgument("price list product is not a JSON object");
  auto product = document.find("product");
  if (product == document.end() || !product->is_object() || !product->contains("attributes")) {
    return InvalidArgument("price list product has no product.attributes");
  }
  const json& attributes = (*product)["attributes"];
  const std::string sku = StringMember(*product, "sku");
  ProductPrice price{.instance_type = StringMember(attributes, "instanceType"),
                     .region_code = StringMember(attributes, "regionCode"),
                     .operating_system = StringMember(attributes, "operatingSystem"),
                     .tenancy = StringMember(attributes, "tenancy"),
                     .capacity_status = StringMember(attributes, "capacitystatus"),
                     .pre_installed_software = StringMember(attributes, "preInstalledSw")};
  if (price.region_code.empty())
    price.region_code = RegionCodeForLocation(StringMember(attributes, "location"));
  if (price.instance_type.empty()) {
    return InvalidArgument("price list product " + sku + " has no attributes.instanceType");
  }
  CO_ASSIGN_OR_RETURN(price.usd_per_hour, OnDemandHourly(document, sku));
  return price;
}

bool IsPlainLinuxOnDemand(const ProductPrice& product) {
  return product.operating_system == "Linux" && product.tenancy == "Shared" &&
         (product.pre_installed_software.empty() || product.pre_installed_software == "NA") &&
         (product.capacity_status.empty() || product.capacity_status == "Used");
}

PricingClient::PricingClient(AwsTransport& transport, ServiceEndpoint endpoint)
    : transport_(transport), endpoint_(std::move(endpoint)) {}

Result<std::vector<ProductPrice>> PricingClient::GetProducts(std::string_view region,
                                                             std::string_view instance_type) {
  auto filter = [](std::string_view field, std::string_view value) {
    return json{{"Type", "TERM_MATCH"}, {"Field", field}, {"Value", value}};
  };
  json request = {{"ServiceCode", "AmazonEC2"},
                  {"FormatVersion", "aws_v1"},
                  {"MaxResults", 100},
                  {"Filters",
                   {filter("instanceType", instance_type), filter("regionCode", region),
                    filter("operatingSystem", "Linux"), filter("tenancy", "Shared"),
                    filter("preInstalledSw", "NA"), filter("capacitystatus", "Used")}}};
  HttpHeaders headers;
  headers.Set("X-Amz-Target", "AWSPriceListService.GetProducts");
  std::vector<ProductPrice> products;
  for (int page = 0; page < 100; ++page) {
    CO_ASSIGN_OR_RETURN(std::string text,
                        transport_.Post(endpoint_, "GetProducts", "application/x-amz-json-1.1",
                                        request.dump(), headers));
    json answer = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!answer.is_object()) return InvalidArgument("pricing:GetProducts answer is not JSON");
    if (auto list = answer.find("PriceList"); list != answer.end() && list->is_array()) {
      for (const json& item : *list) {
        if (!item.is_string()) continue;
        CO_ASSIGN_OR_RETURN(ProductPrice product, DecodePriceListProduct(item.get<std::string>()));
        products.push_back(std::move(product));
      }
    }
    const std::string token = StringMember(answer, "NextToken");
    if (token.empty()) return products;
    request["NextToken"] = token;
  }
  return Internal("pricing:GetProducts returned more than 100 pages");
}

Result<Money> PricingClient::OnDemandLinuxPrice(std::string_view region,
                                                std::string_view instance_type) {
  CO_ASSIGN_OR_RETURN(std::vector<ProductPrice> products, GetProducts(region, instance_type));
  for (const ProductPrice& product : products) {
    if (product.instance_type == instance_type && product.region_code == region &&
        IsPlainLinuxOnDemand(product)) {
      return product.usd_per_hour;
    }
  }
  return NotFound("the Price List API has no Linux on-demand price for " +
                  std::string(instance_type) + " in " + std::string(region));
}

Status FetchOnDemandPrices(PricingClient& pricing, std::string_view region,
                           const std::vector<std::string>& instance_types, Catalog& catalog) {
  for (const std::string& type : instance_types) {
    Result<Money> price = pricing.OnDemandLinuxPrice(region, type);
    if (!price) {
      if (IsNotFound(price.error())) continue;
      return std::unexpected(price.error());
    }
    catalog.SetFetchedOnDemandPrice(region, type, *price);
  }
  return Ok();
}

}  // namespace cloudoptim::aws
