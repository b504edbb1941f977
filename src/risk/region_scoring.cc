#include "risk/region_scoring.h"

#include <set>

namespace cloudoptim {

std::vector<PoolRiskInput> RegionRiskInputs(const Catalog& catalog, std::string_view region,
                                            const RegionEvidence& evidence) {
  // Pool depth needs the number of sizes each family offers in the region; count them once.
  std::map<std::string, std::set<std::string>> family_sizes;
  std::map<std::string, std::vector<std::string>> zones_of_type;
  for (const InstanceType& type : catalog.Types()) {
    std::vector<std::string> zones = catalog.ZonesOffering(region, type.name);
    if (zones.empty()) continue;
    family_sizes[type.family].insert(type.size);
    zones_of_type[type.name] = std::move(zones);
  }
  std::vector<PoolRiskInput> inputs;
  for (const InstanceType& type : catalog.Types()) {
    auto zones = zones_of_type.find(type.name);
    if (zones == zones_of_type.end()) continue;
    const StructuralTraits traits =
        StructuralTraitsOf(type, static_cast<int32_t>(family_sizes[type.family].size()),
                           static_cast<int32_t>(zones->second.size()));
    std::optional<SpotAdvice> advice = catalog.Spot(region, type.name);
    for (const std::string& zone : zones->second) {
      PoolRiskInput input{.instance_type = type.name,
                          .availability_zone = zone,
                          .advisor_range = advice ? std::optional(advice->range) : std::nullopt,
                          .structure = traits};
      const RegionEvidence::PoolId id{type.name, zone};
      if (auto it = evidence.price_history.find(id); it != evidence.price_history.end()) {
        input.price_history = it->second;
      }
      if (auto it = evidence.feedback.find(id); it != evidence.feedback.end()) {
        input.feedback = it->second;
      }
      inputs.push_back(std::move(input));
    }
  }
  return inputs;
}

PoolScoreTable ScoreRegion(const Catalog& catalog, std::string_view region,
                           const RegionEvidence& evidence) {
  return ScorePools(RegionRiskInputs(catalog, region, evidence));
}

std::map<RegionEvidence::PoolId, Money> LatestSpotPrices(const RegionEvidence& evidence) {
  std::map<RegionEvidence::PoolId, Money> latest;
  for (const auto& [pool, points] : evidence.price_history) {
    const SpotPricePoint* newest = nullptr;
    for (const SpotPricePoint& point : points) {
      if (point.usd_per_hour.micros() <= 0) continue;
      if (newest == nullptr || newest->timestamp < point.timestamp) newest = &point;
    }
    if (newest != nullptr) latest[pool] = newest->usd_per_hour;
  }
  return latest;
}

}  // namespace cloudoptim
