#include "cloudsim/spot_price_model.h"

#include "cloudsim/cloud_ids.h"

namespace cloudoptim {
namespace {

// Maps a hash onto [-1, 1).
double Signed(uint64_t hash) { return static_cast<double>(hash >> 11) * 0x1.0p-52 - 1.0; }

int64_t StepIndex(TimePoint at) {
  const auto since_epoch = at.time_since_epoch();
  int64_t index = since_epoch / SpotPriceModel::kStep;
  if (since_epoch.count() < 0 && since_epoch % SpotPriceModel::kStep != Duration::zero()) {
    --index;  // floor, not truncation, for times before the epoch
  }
  return index;
}

}  // namespace

// Two terms: a fixed per-(type, zone) offset, because some zones are persistently cheaper than
// others for a type, and an hourly step, because spot prices move with supply and demand over
// the day. Each is a hash of (seed, type, zone[, hour]) so no state has to be kept and any
// past hour can be answered without replaying history.
double SpotPriceModel::Factor(std::string_view instance_type, std::string_view zone,
                              TimePoint at) const {
  const uint64_t pool = Mix64(seed_ ^ HashString(instance_type) ^ (HashString(zone) << 1));
  const uint64_t hour = Mix64(pool ^ static_cast<uint64_t>(StepIndex(at)));
  return 1.0 + kZoneSpread * Signed(pool) + kHourlySpread * Signed(hour);
}

Money SpotPriceModel::Apply(Money estimate, std::string_view instance_type, std::string_view zone,
                            TimePoint at) const {
  return estimate.Scaled(Factor(instance_type, zone, at));
}

TimePoint SpotPriceModel::StepStart(TimePoint at) { return TimePoint(StepIndex(at) * kStep); }

}  // namespace cloudoptim
