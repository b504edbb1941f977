// The day-zero knowledge of AWS CloudOptim ships with: instance types, on-demand prices,
// which zones offer which type, and Spot Advisor interruption ranges and savings. Prices for
// regions beyond the shipped tables are added at run time from the Price List API.
//
//   Result<Catalog> catalog = Catalog::Load(DefaultDataDirectory());
//   const InstanceType* m5 = catalog->FindType("m5.large");
//   Result<Money> hourly = catalog->OnDemandPrice("us-east-1", "m5.large");   // $0.096
//   std::optional<SpotAdvice> advice = catalog->Spot("us-east-1", "m5.large");
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "catalog/instance_type.h"
#include "common/error.h"
#include "common/money.h"

namespace cloudoptim {

class CsvFile;

// Spot Advisor's interruption frequency buckets (the share of instances interrupted in the
// last month). Note AWS's JSON labels them "<5%".."20%+" but encodes max 5/11/16/22/100.
enum class InterruptionRange { kUnder5, k5To10, k10To15, k15To20, kOver20 };
std::string_view InterruptionRangeLabel(InterruptionRange range);  // "<5%", "5-10%", ...
// Accepts "<5%", "5-10%", "10-15%", "15-20%", ">20%" and the index form "0".."4".
std::optional<InterruptionRange> ParseInterruptionRange(std::string_view text);

struct SpotAdvice {
  int32_t savings_percent = 0;  // vs on-demand
  InterruptionRange range = InterruptionRange::kOver20;
};

// Where a price came from, so reports can say which figures are estimates.
enum class PriceSource { kShipped, kFetched, kMissing };
std::string_view PriceSourceName(PriceSource source);

class Catalog {
 public:
  // Reads the shipped tables from `data_directory` (see data/README.md for the files).
  static Result<Catalog> Load(const std::string& data_directory);

  const InstanceType* FindType(std::string_view name) const;
  // Every type, sorted by name.
  const std::vector<InstanceType>& Types() const { return types_; }
  // Regions with shipped prices or Spot Advisor data or zone offerings.
  std::vector<std::string> Regions() const;
  bool KnowsRegion(std::string_view region) const;

  // On-demand Linux price per hour. NotFound (naming the region and type) when neither shipped
  // nor fetched.
  Result<Money> OnDemandPrice(std::string_view region, std::string_view type) const;
  PriceSource OnDemandPriceSource(std::string_view region, std::string_view type) const;
  // Records a price fetched at run time (Price List API); replaces nothing shipped.
  void SetFetchedOnDemandPrice(std::string_view region, std::string_view type, Money per_hour);

  std::optional<SpotAdvice> Spot(std::string_view region, std::string_view type) const;
  // on-demand * (1 - savings), until real spot prices are known; NotFound when either is missing.
  Result<Money> SpotPriceEstimate(std::string_view region, std::string_view type) const;

  // Zones of `region` offering `type` (sorted); empty when the catalogue has no offering data.
  std::vector<std::string> ZonesOffering(std::string_view region, std::string_view type) const;
  // All zones of a region known to the catalogue.
  std::vector<std::string> Zones(std::string_view region) const;

 private:
  using PriceKey = std::pair<std::string, std::string>;  // region, type
  // One per file of data/; each names the file and line of the first bad row.
  Status LoadTypes(const std::string& path);
  Status LoadPrices(const std::string& path);
  Status LoadSpotAdvice(const std::string& path);
  Status LoadOfferings(const std::string& path);
  Status CheckKnownType(std::string_view type, const CsvFile& file, size_t column) const;

  std::set<std::string, std::less<>> regions_;
  std::vector<InstanceType> types_;
  // Hashed: the loader checks ~75,000 rows' type names against it.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>()(name); }
  };
  std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> type_index_;
  std::map<PriceKey, Money, std::less<>> shipped_prices_;
  std::map<PriceKey, Money, std::less<>> fetched_prices_;
  std::map<PriceKey, SpotAdvice, std::less<>> spot_advice_;
  // region -> zone -> sorted types offered there.
  std::map<std::string, std::map<std::string, std::vector<std::string>>, std::less<>> offerings_;
};

// Where the shipped data lives: $CLOUDOPTIM_DATA_DIR, else the first `data/` holding
// instance-types.csv in a parent folder of the running executable (the source tree when
// running from build/release/...), else /usr/share/cloudoptim/data.
std::string DefaultDataDirectory();

}  // namespace cloudoptim
