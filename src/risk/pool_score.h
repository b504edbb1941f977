// The safety score of a spot pool (instance type × AZ): 1.0 = never interrupted, 0 = certain
// to be. Every score carries the factor breakdown it came from, so a recommendation can say
// why a pool was chosen or avoided. The risk model (risk_model.h) fills a PoolScoreTable;
// engines and the safety enforcer read it.
//
//   const PoolScore* s = table.Find("m5.large", "us-east-1a");
//   if (s && s->safety_score >= policy.safety.min_pool_safety_score) { ... }
#pragma once

#include <map>
#include <string>
#include <utility>

namespace cloudoptim {

// Each factor is a risk in [0,1] (0 = no risk); weights sum to 1.
struct RiskFactors {
  double spot_advisor = 0;       // from the interruption range
  double price_volatility = 0;   // from price history
  double structural = 0;         // generation, family, pool depth
  double customer_feedback = 0;  // observed interruptions
  double weight_spot_advisor = 0.60;
  double weight_price_volatility = 0.30;
  double weight_structural = 0.10;
  double weight_customer_feedback = 0.0;
  // Cross-customer alarm, added to the weighted risk as is (not weighted): interruptions in the
  // pool seen by 2 customers (UNCERTAIN, +0.10) or 3 or more (RISKY, +0.20).
  double cross_customer_penalty = 0;
};

// What interruptions across customers say about a pool right now.
enum class PoolStatus { kNormal, kUncertain, kRisky };

struct PoolScore {
  std::string instance_type;
  std::string availability_zone;
  double safety_score = 0;  // 1 - weighted risk, clamped to [0,1]
  RiskFactors factors;
  PoolStatus status = PoolStatus::kNormal;
};

class PoolScoreTable {
 public:
  void Set(PoolScore score) {
    auto key = std::make_pair(score.instance_type, score.availability_zone);
    scores_[std::move(key)] = std::move(score);
  }
  const PoolScore* Find(const std::string& instance_type, const std::string& zone) const {
    auto it = scores_.find({instance_type, zone});
    return it == scores_.end() ? nullptr : &it->second;
  }
  size_t size() const { return scores_.size(); }
  const std::map<std::pair<std::string, std::string>, PoolScore>& all() const { return scores_; }

 private:
  std::map<std::pair<std::string, std::string>, PoolScore> scores_;
};

}  // namespace cloudoptim
