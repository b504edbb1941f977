// Selecting and ordering instance types of one region for a report: the filters and sort
// orders of `cloudoptim catalog`, with each type's prices, Spot Advisor figures and zones.
//
//   CatalogQuery query{.region = "us-east-1", .min_vcpus = 4, .sort = CatalogSort::kPricePerVcpu};
//   Result<std::vector<CatalogEntry>> rows = RunCatalogQuery(catalog, query);
//   for (const CatalogEntry& row : *rows) Print(row.type->name, row.on_demand_usd_per_hour);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"

namespace cloudoptim {

enum class CatalogSort { kPrice, kPricePerVcpu, kVcpus, kMemory, kName, kSavings };
// "price", "price-per-vcpu", "vcpu", "memory", "name", "savings".
std::optional<CatalogSort> ParseCatalogSort(std::string_view text);

struct CatalogQuery {
  std::string region = "us-east-1";
  std::optional<int32_t> min_vcpus;
  std::optional<int32_t> max_vcpus;
  std::optional<double> min_memory_gib;
  std::optional<Architecture> arch;
  std::vector<std::string> families;  // any of these ("m5", "c6g"); empty = all
  // Keep only types whose Spot Advisor range is at most this (types without advice drop out).
  std::optional<InterruptionRange> max_interruption;
  std::optional<std::string> type;  // exactly this type
  CatalogSort sort = CatalogSort::kPrice;
  std::optional<size_t> limit;
};

struct CatalogEntry {
  const InstanceType* type = nullptr;
  std::optional<Money> on_demand_usd_per_hour;
  PriceSource price_source = PriceSource::kMissing;
  std::optional<SpotAdvice> spot;
  // on-demand x (1 - savings) until real spot prices are fetched.
  std::optional<Money> spot_estimate_usd_per_hour;
  std::vector<std::string> zones;  // zones of the region offering the type
};

// The types of `query.region` (those with a price, Spot Advisor data or a zone offering there)
// that pass every filter, in the requested order; entries without the sort key (no price, no
// savings) come last, ties by name.
// Errors: InvalidArgument naming the valid regions for an unknown region, or the close
// matches for an unknown family; NotFound naming close matches for an unknown --type.
Result<std::vector<CatalogEntry>> RunCatalogQuery(const Catalog& catalog,
                                                  const CatalogQuery& query);

// Up to `limit` known type names closest to `name` (edit distance, then same family), for
// "did you mean" messages.
std::vector<std::string> SimilarTypeNames(const Catalog& catalog, std::string_view name,
                                          size_t limit = 5);

}  // namespace cloudoptim
