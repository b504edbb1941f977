#include "catalog/catalog.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "catalog/csv_file.h"

namespace cloudoptim {

namespace {

constexpr int64_t kBytesPerMib = int64_t{1024} * 1024;

Result<int32_t> SmallInt(const CsvFile& file, size_t column) {
  CO_ASSIGN_OR_RETURN(int64_t value, file.Int(column));
  if (value < 0 || value > 1'000'000) {
    return std::unexpected(file.FieldError(column, "out of range: " + std::to_string(value)));
  }
  return static_cast<int32_t>(value);
}

}  // namespace

std::string_view InterruptionRangeLabel(InterruptionRange range) {
  switch (range) {
    case InterruptionRange::kUnder5:
      return "<5%";
    case InterruptionRange::k5To10:
      return "5-10%";
    case InterruptionRange::k10To15:
      return "10-15%";
    case InterruptionRange::k15To20:
      return "15-20%";
    case InterruptionRange::kOver20:
      return ">20%";
  }
  return "unknown";
}

std::optional<InterruptionRange> ParseInterruptionRange(std::string_view text) {
  static constexpr InterruptionRange kAll[] = {
      InterruptionRange::kUnder5, InterruptionRange::k5To10, InterruptionRange::k10To15,
      InterruptionRange::k15To20, InterruptionRange::kOver20};
  for (size_t i = 0; i < std::size(kAll); ++i) {
    if (text == InterruptionRangeLabel(kAll[i]) || text == std::to_string(i)) return kAll[i];
  }
  return std::nullopt;
}

std::string_view PriceSourceName(PriceSource source) {
  switch (source) {
    case PriceSource::kShipped:
      return "shipped";
    case PriceSource::kFetched:
      return "fetched";
    case PriceSource::kMissing:
      return "missing";
  }
  return "unknown";
}

Result<Catalog> Catalog::Load(const std::string& data_directory) {
  Catalog catalog;
  const std::filesystem::path directory(data_directory);
  CO_RETURN_IF_ERROR(catalog.LoadTypes(directory / "instance-types.csv"));
  CO_RETURN_IF_ERROR(catalog.LoadPrices(directory / "on-demand-prices.csv"));
  CO_RETURN_IF_ERROR(catalog.LoadSpotAdvice(directory / "spot-advisor.csv"));
  CO_RETURN_IF_ERROR(catalog.LoadOfferings(directory / "zone-offerings.csv"));
  return catalog;
}

Status Catalog::LoadTypes(const std::string& path) {
  CO_ASSIGN_OR_RETURN(CsvFile file, CsvFile::Open(path, {"name",
                                                         "family",
                                                         "category",
                                                         "generation",
                                                         "size",
                                                         "vcpus",
                                                         "memory_mib",
                                                         "arch",
                                                         "gpus",
                                                         "gpu_name",
                                                         "burstable",
                                                         "current_generation",
                                                         "bare_metal",
                                                         "max_enis",
                                                         "ipv4_per_eni",
                                                         "eni_max_pods",
                                                         "max_pods",
                                                         "network_bandwidth_mbps",
                                                         "alloc_cpu_millis",
                                                         "alloc_memory_mib",
                                                         "alloc_ephemeral_mib",
                                                         "alloc_pods"}));
  types_.reserve(1500);
  while (file.Next()) {
    InstanceType type;
    type.name = file.Field(0);
    type.family = file.Field(1);
    type.category = file.Field(2);
    CO_ASSIGN_OR_RETURN(type.generation, SmallInt(file, 3));
    type.size = file.Field(4);
    CO_ASSIGN_OR_RETURN(type.vcpus, SmallInt(file, 5));
    CO_ASSIGN_OR_RETURN(type.memory_mib, file.Int(6));
    if (file.Field(7) == "amd64") {
      type.arch = Architecture::kAmd64;
    } else if (file.Field(7) == "arm64") {
      type.arch = Architecture::kArm64;
    } else {
      return std::unexpected(file.FieldError(7, "expected amd64 or arm64"));
    }
    CO_ASSIGN_OR_RETURN(type.gpus, SmallInt(file, 8));
    type.gpu_name = file.Field(9);
    CO_ASSIGN_OR_RETURN(type.burstable, file.Bool(10));
    CO_ASSIGN_OR_RETURN(type.current_generation, file.Bool(11));
    CO_ASSIGN_OR_RETURN(type.bare_metal, file.Bool(12));
    CO_ASSIGN_OR_RETURN(type.max_enis, SmallInt(file, 13));
    CO_ASSIGN_OR_RETURN(type.ipv4_per_eni, SmallInt(file, 14));
    CO_ASSIGN_OR_RETURN(type.eni_max_pods, SmallInt(file, 15));
    CO_ASSIGN_OR_RETURN(type.max_pods, SmallInt(file, 16));
    CO_ASSIGN_OR_RETURN(type.network_bandwidth_mbps, file.Int(17));
    CO_ASSIGN_OR_RETURN(type.allocatable.cpu_millis, file.Int(18));
    CO_ASSIGN_OR_RETURN(int64_t memory_mib, file.Int(19));
    CO_ASSIGN_OR_RETURN(int64_t ephemeral_mib, file.Int(20));
    CO_ASSIGN_OR_RETURN(type.allocatable.pods, file.Int(21));
    type.allocatable.memory_bytes = memory_mib * kBytesPerMib;
    type.allocatable.ephemeral_storage_bytes = ephemeral_mib * kBytesPerMib;
    type.allocatable.gpus = type.gpus;
    if (!types_.empty() && types_.back().name >= type.name) {
      return std::unexpected(
          file.FieldError(0, "types must be sorted and unique, \"" + type.name + "\" is not"));
    }
    types_.push_back(std::move(type));
  }
  CO_RETURN_IF_ERROR(file.status());
  for (size_t i = 0; i < types_.size(); ++i) type_index_.emplace(types_[i].name, i);
  return Ok();
}

Status Catalog::CheckKnownType(std::string_view type, const CsvFile& file, size_t column) const {
  if (FindType(type) != nullptr) return Ok();
  return std::unexpected(
      file.FieldError(column, "unknown instance type \"" + std::string(type) + "\""));
}

// Price and Spot Advisor rows come sorted by region and type, so inserting at the end of the
// map is constant time (emplace_hint) instead of a search per row.
Status Catalog::LoadPrices(const std::string& path) {
  CO_ASSIGN_OR_RETURN(CsvFile file, CsvFile::Open(path, {"region", "type", "usd_per_hour"}));
  while (file.Next()) {
    CO_RETURN_IF_ERROR(CheckKnownType(file.Field(1), file, 1));
    CO_ASSIGN_OR_RETURN(Money price, file.Usd(2));
    shipped_prices_.emplace_hint(shipped_prices_.end(), PriceKey(file.Field(0), file.Field(1)),
                                 price);
    if (regions_.find(file.Field(0)) == regions_.end()) regions_.emplace(file.Field(0));
  }
  return file.status();
}

Status Catalog::LoadSpotAdvice(const std::string& path) {
  CO_ASSIGN_OR_RETURN(CsvFile file,
                      CsvFile::Open(path, {"region", "type", "savings_percent", "range_index"}));
  while (file.Next()) {
    CO_RETURN_IF_ERROR(CheckKnownType(file.Field(1), file, 1));
    SpotAdvice advice;
    // Savings can be negative: AWS's feed has pools where spot costs more than on-demand.
    CO_ASSIGN_OR_RETURN(int64_t savings_percent, file.Int(2));
    if (savings_percent > 100 || savings_percent < -1000) {
      return std::unexpected(
          file.FieldError(2, "savings out of range: " + std::string(file.Field(2))));
    }
    advice.savings_percent = static_cast<int32_t>(savings_percent);
    const std::optional<InterruptionRange> range = ParseInterruptionRange(file.Field(3));
    if (!range) return std::unexpected(file.FieldError(3, "expected a range index 0..4"));
    advice.range = *range;
    spot_advice_.emplace_hint(spot_advice_.end(), PriceKey(file.Field(0), file.Field(1)), advice);
    if (regions_.find(file.Field(0)) == regions_.end()) regions_.emplace(file.Field(0));
  }
  return file.status();
}

// Rows come sorted by region, zone and type (the script writes them so), which lets the loader
// append to the current zone's list without a map lookup per row and keeps every list sorted.
Status Catalog::LoadOfferings(const std::string& path) {
  CO_ASSIGN_OR_RETURN(CsvFile file, CsvFile::Open(path, {"region", "zone", "type"}));
  std::vector<std::string>* zone_types = nullptr;
  std::string_view current_region, current_zone;
  while (file.Next()) {
    const std::string_view region = file.Field(0), zone = file.Field(1), type = file.Field(2);
    CO_RETURN_IF_ERROR(CheckKnownType(type, file, 2));
    if (zone_types == nullptr || region != current_region || zone != current_zone) {
      if (!zone.starts_with(region)) {
        return std::unexpected(file.FieldError(1, "zone is not in region " + std::string(region)));
      }
      auto region_it = offerings_.find(region);
      if (region_it == offerings_.end()) {
        region_it =
            offerings_.emplace(std::string(region), decltype(offerings_)::mapped_type{}).first;
        regions_.emplace(region);
      }
      const auto zone_it = region_it->second.try_emplace(std::string(zone)).first;
      zone_types = &zone_it->second;
      current_region = region_it->first;
      current_zone = zone_it->first;
    }
    if (!zone_types->empty() && zone_types->back() >= type) {
      return std::unexpected(file.FieldError(2, "rows must be sorted by region, zone, type"));
    }
    zone_types->emplace_back(type);
  }
  return file.status();
}

const InstanceType* Catalog::FindType(std::string_view name) const {
  const auto it = type_index_.find(name);
  return it == type_index_.end() ? nullptr : &types_[it->second];
}

std::vector<std::string> Catalog::Regions() const {
  std::set<std::string, std::less<>> all = regions_;
  for (const auto& [key, price] : fetched_prices_) all.insert(key.first);
  return {all.begin(), all.end()};
}

bool Catalog::KnowsRegion(std::string_view region) const {
  if (regions_.contains(region)) return true;
  return std::any_of(fetched_prices_.begin(), fetched_prices_.end(),
                     [&](const auto& entry) { return entry.first.first == region; });
}

Result<Money> Catalog::OnDemandPrice(std::string_view region, std::string_view type) const {
  const PriceKey key(region, type);
  if (const auto it = shipped_prices_.find(key); it != shipped_prices_.end()) return it->second;
  if (const auto it = fetched_prices_.find(key); it != fetched_prices_.end()) return it->second;
  return NotFound("no on-demand price for " + std::string(type) + " in " + std::string(region) +
                  " (shipped prices cover us-east-1, us-gov-east-1 and us-gov-west-1; others "
                  "come from the AWS Price List API)");
}

PriceSource Catalog::OnDemandPriceSource(std::string_view region, std::string_view type) const {
  const PriceKey key(region, type);
  if (shipped_prices_.contains(key)) return PriceSource::kShipped;
  if (fetched_prices_.contains(key)) return PriceSource::kFetched;
  return PriceSource::kMissing;
}

void Catalog::SetFetchedOnDemandPrice(std::string_view region, std::string_view type,
                                      Money per_hour) {
  fetched_prices_.insert_or_assign(PriceKey(region, type), per_hour);
}

std::optional<SpotAdvice> Catalog::Spot(std::string_view region, std::string_view type) const {
  const auto it = spot_advice_.find(PriceKey(region, type));
  if (it == spot_advice_.end()) return std::nullopt;
  return it->second;
}

Result<Money> Catalog::SpotPriceEstimate(std::string_view region, std::string_view type) const {
  CO_ASSIGN_OR_RETURN(Money on_demand, OnDemandPrice(region, type));
  const std::optional<SpotAdvice> advice = Spot(region, type);
  if (!advice) {
    return NotFound("no Spot Advisor data for " + std::string(type) + " in " + std::string(region));
  }
  return on_demand.Scaled(1.0 - advice->savings_percent / 100.0);
}

std::vector<std::string> Catalog::ZonesOffering(std::string_view region,
                                                std::string_view type) const {
  std::vector<std::string> zones;
  const auto region_it = offerings_.find(region);
  if (region_it == offerings_.end()) return zones;
  for (const auto& [zone, types] : region_it->second) {
    if (std::binary_search(types.begin(), types.end(), type, std::less<>())) {
      zones.push_back(zone);
    }
  }
  return zones;
}

std::vector<std::string> Catalog::Zones(std::string_view region) const {
  std::vector<std::string> zones;
  const auto region_it = offerings_.find(region);
  if (region_it == offerings_.end()) return zones;
  for (const auto& [zone, types] : region_it->second) zones.push_back(zone);
  return zones;
}

std::string DefaultDataDirectory() {
  if (const char* from_env = std::getenv("CLOUDOPTIM_DATA_DIR"); from_env && *from_env) {
    return from_env;
  }
  std::error_code error;
  std::filesystem::path folder = std::filesystem::read_symlink("/proc/self/exe", error);
  while (!error && folder.has_parent_path() && folder != folder.parent_path()) {
    folder = folder.parent_path();
    if (std::filesystem::exists(folder / "data" / "instance-types.csv", error)) {
      return (folder / "data").string();
    }
  }
  return "/usr/share/cloudoptim/data";
}

}  // namespace cloudoptim
