#include "catalog/catalog_query.h"

#include <algorithm>
#include <set>

namespace cloudoptim {

namespace {

// Levenshtein distance; names are short (< 25 characters), so the quadratic table is cheap.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// The `limit` candidates nearest to `name`, closer than `max_distance`.
std::vector<std::string> Nearest(const std::vector<std::string>& candidates, std::string_view name,
                                 size_t limit, size_t max_distance) {
  std::vector<std::pair<size_t, std::string>> ranked;
  for (const std::string& candidate : candidates) {
    const size_t distance = EditDistance(name, candidate);
    if (distance <= max_distance) ranked.emplace_back(distance, candidate);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> nearest;
  for (size_t i = 0; i < ranked.size() && i < limit; ++i) nearest.push_back(ranked[i].second);
  return nearest;
}

std::string JoinComma(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

Status ValidateQuery(const Catalog& catalog, const CatalogQuery& query) {
  if (!catalog.KnowsRegion(query.region)) {
    return InvalidArgument("unknown region \"" + query.region +
                           "\"; known regions: " + JoinComma(catalog.Regions()));
  }
  if (query.type && catalog.FindType(*query.type) == nullptr) {
    const std::vector<std::string> similar = SimilarTypeNames(catalog, *query.type);
    return NotFound("unknown instance type \"" + *query.type + "\"" +
                    (similar.empty() ? "" : "; did you mean " + JoinComma(similar) + "?"));
  }
  std::set<std::string> known_families;
  for (const InstanceType& type : catalog.Types()) known_families.insert(type.family);
  const std::vector<std::string> families(known_families.begin(), known_families.end());
  for (const std::string& family : query.families) {
    if (known_families.contains(family)) continue;
    const std::vector<std::string> similar = Nearest(families, family, 5, 2);
    return InvalidArgument("unknown instance family \"" + family + "\"" +
                           (similar.empty() ? "" : "; did you mean " + JoinComma(similar) + "?"));
  }
  return Ok();
}

bool PassesFilters(const CatalogQuery& query, const CatalogEntry& entry) {
  const InstanceType& type = *entry.type;
  if (query.type && type.name != *query.type) return false;
  if (query.min_vcpus && type.vcpus < *query.min_vcpus) return false;
  if (query.max_vcpus && type.vcpus > *query.max_vcpus) return false;
  if (query.min_memory_gib && static_cast<double>(type.memory_mib) < *query.min_memory_gib * 1024) {
    return false;
  }
  if (query.arch && type.arch != *query.arch) return false;
  if (!query.families.empty() && std::find(query.families.begin(), query.families.end(),
                                           type.family) == query.families.end()) {
    return false;
  }
  if (query.max_interruption && (!entry.spot || static_cast<int>(entry.spot->range) >
                                                    static_cast<int>(*query.max_interruption))) {
    return false;
  }
  return true;
}

// Orders two entries by the query's key; entries lacking the key sort after those having it.
// Price per vCPU compares a.price * b.vcpus with b.price * a.vcpus, exact in micro-dollars.
bool Before(CatalogSort sort, const CatalogEntry& a, const CatalogEntry& b) {
  const InstanceType &ta = *a.type, &tb = *b.type;
  switch (sort) {
    case CatalogSort::kPrice:
    case CatalogSort::kPricePerVcpu: {
      if (a.on_demand_usd_per_hour.has_value() != b.on_demand_usd_per_hour.has_value()) {
        return a.on_demand_usd_per_hour.has_value();
      }
      if (!a.on_demand_usd_per_hour) break;
      const int64_t pa = a.on_demand_usd_per_hour->micros(),
                    pb = b.on_demand_usd_per_hour->micros();
      const int64_t ka = sort == CatalogSort::kPrice ? pa : pa * std::max(tb.vcpus, 1);
      const int64_t kb = sort == CatalogSort::kPrice ? pb : pb * std::max(ta.vcpus, 1);
      if (ka != kb) return ka < kb;
      break;
    }
    case CatalogSort::kVcpus:
      if (ta.vcpus != tb.vcpus) return ta.vcpus < tb.vcpus;
      break;
    case CatalogSort::kMemory:
      if (ta.memory_mib != tb.memory_mib) return ta.memory_mib < tb.memory_mib;
      break;
    case CatalogSort::kSavings:
      if (a.spot.has_value() != b.spot.has_value()) return a.spot.has_value();
      if (a.spot && a.spot->savings_percent != b.spot->savings_percent) {
        return a.spot->savings_percent > b.spot->savings_percent;  // biggest savings first
      }
      break;
    case CatalogSort::kName:
      break;
  }
  return ta.name < tb.name;
}

CatalogEntry MakeEntry(const Catalog& catalog, std::string_view region, const InstanceType& type) {
  CatalogEntry entry;
  entry.type = &type;
  if (Result<Money> price = catalog.OnDemandPrice(region, type.name)) {
    entry.on_demand_usd_per_hour = *price;
  }
  entry.price_source = catalog.OnDemandPriceSource(region, type.name);
  entry.spot = catalog.Spot(region, type.name);
  if (Result<Money> spot = catalog.SpotPriceEstimate(region, type.name)) {
    entry.spot_estimate_usd_per_hour = *spot;
  }
  entry.zones = catalog.ZonesOffering(region, type.name);
  return entry;
}

}  // namespace

std::optional<CatalogSort> ParseCatalogSort(std::string_view text) {
  if (text == "price") return CatalogSort::kPrice;
  if (text == "price-per-vcpu") return CatalogSort::kPricePerVcpu;
  if (text == "vcpu") return CatalogSort::kVcpus;
  if (text == "memory") return CatalogSort::kMemory;
  if (text == "name") return CatalogSort::kName;
  if (text == "savings") return CatalogSort::kSavings;
  return std::nullopt;
}

Result<std::vector<CatalogEntry>> RunCatalogQuery(const Catalog& catalog,
                                                  const CatalogQuery& query) {
  CO_RETURN_IF_ERROR(ValidateQuery(catalog, query));
  std::vector<CatalogEntry> entries;
  for (const InstanceType& type : catalog.Types()) {
    if (query.type && type.name != *query.type) continue;
    CatalogEntry entry = MakeEntry(catalog, query.region, type);
    // A type belongs to the region when the region sells, advises or offers it; an explicit
    // --type is shown even when it does not, so the user sees why its columns are empty.
    const bool in_region = entry.on_demand_usd_per_hour || entry.spot || !entry.zones.empty();
    if (!in_region && !query.type) continue;
    if (PassesFilters(query, entry)) entries.push_back(std::move(entry));
  }
  std::stable_sort(
      entries.begin(), entries.end(),
      [&](const CatalogEntry& a, const CatalogEntry& b) { return Before(query.sort, a, b); });
  if (query.limit && entries.size() > *query.limit) entries.resize(*query.limit);
  return entries;
}

std::vector<std::string> SimilarTypeNames(const Catalog& catalog, std::string_view name,
                                          size_t limit) {
  std::vector<std::string> names;
  names.reserve(catalog.Types().size());
  for (const InstanceType& type : catalog.Types()) names.push_back(type.name);
  std::vector<std::string> similar = Nearest(names, name, limit, 3);
  if (!similar.empty()) return similar;
  // Nothing close by spelling ("m5.gigantic"): offer the sizes of the same family.
  const std::string_view family = name.substr(0, name.find('.'));
  for (const InstanceType& type : catalog.Types()) {
    if (type.family == family && similar.size() < limit) similar.push_back(type.name);
  }
  return similar;
}

}  // namespace cloudoptim
